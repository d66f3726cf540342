import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyNamedValue, detectCredentialShape, isBenignValue, isCredentialName, nameWords, scanConfigText } from '../src/core/credentials/detector.js';
import { MAX_ARGUMENT_LENGTH, scanCommandLine } from '../src/core/credentials/command-line.js';
import { base64Text } from '../src/core/credentials/base64-text.js';

// Fake credentials, assembled so no real-looking token sits in one literal.
const FAKE = {
  awsKeyId: 'AKIA' + 'Z7QDLR3XVPK2MB4N',
  awsTempKeyId: 'ASIA' + 'Q2W3E4R5T6Y7U2I3',
  awsSecret: 'p8Rk2' + 'vQe7LmN1xZa9TgHs4Wd6Yc0Bf3Ju5Ko7Pi2',
  github: 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8',
  githubPat: 'github_pat_' + '11ABCDEFG0123456789abc_' + 'x'.repeat(10) + 'Yz0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ',
  gitlab: 'glpat-' + 'Ab3dEf6hIj9kLm2nOp5q',
  slack: 'xoxb-' + '123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  slackWebhook: 'https://hooks.slack.com/services/' + 'T0ABCDEF1/B0ABCDEF2/' + 'aBcDeFgHiJkLmNoPqRsTuVwX',
  google: 'AIza' + 'SyD3x4mPl3K3yV4lu3F0rT3st1ngOnly123',
  stripe: 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9' + '.eyJzdWIiOiIxMjM0NTY3ODkwIn0' + '.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  npm: 'npm_' + 'abcdefghijklmnopqrstuvwxyz0123456789',
  sendgrid: 'SG.' + 'ngeVfQFYQlKU0ufo8x5d1A' + '.TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr',
  pemHeader: '-----BEGIN ' + 'RSA PRIVATE KEY-----',
};

describe('nameWords', () => {
  it('splits snake, kebab, dotted and camel case', () => {
    assert.deepEqual(nameWords('DB_PASSWORD'), ['db', 'password']);
    assert.deepEqual(nameWords('dbPassword'), ['db', 'password']);
    assert.deepEqual(nameWords('spring.datasource.password'), ['spring', 'datasource', 'password']);
    assert.deepEqual(nameWords('x-api-key'), ['x', 'api', 'key']);
    assert.deepEqual(nameWords('APIKey'), ['api', 'key']);
    assert.deepEqual(nameWords('clientSecretValue'), ['client', 'secret', 'value']);
  });
});

describe('isCredentialName', () => {
  for (const name of [
    'PASSWORD',
    'DB_PASSWORD',
    'MYSQL_ROOT_PASSWORD',
    'dbPassword',
    'db.password',
    'passwd',
    'SSH_PASSPHRASE',
    'JWT_SECRET',
    'CLIENT_SECRET',
    'clientSecret',
    'SECRET_KEY_BASE',
    'GITHUB_TOKEN',
    'auth_token',
    'API_KEY',
    'apiKey',
    'APIKEY',
    'X_API_KEY',
    'PRIVATE_KEY',
    'privateKey',
    'AWS_SECRET_ACCESS_KEY',
    'MINIO_ACCESS_KEY',
    'ENCRYPTION_KEY',
    'DB_PASS',
    'DB_PWD',
    'GOOGLE_CREDENTIALS',
  ]) {
    it(`accepts ${name}`, () => assert.equal(isCredentialName(name), true));
  }
  for (const name of [
    'PWD',
    'PASSWORD_FILE',
    'TOKEN_URL',
    'SECRET_NAME',
    'secretName',
    'secretKeyRef',
    'TOKEN_TTL',
    'PASSWORD_MIN_LENGTH',
    'AWS_ACCESS_KEY_ID',
    'KEY_ID',
    'PUBLIC_KEY',
    'CACHE_KEY',
    'PASS_THROUGH',
    'BYPASS',
    'SECRETARY',
    'TOKENIZER_MODEL',
    'LOG_LEVEL',
    'TOKEN_ENDPOINT',
    'GOOGLE_APPLICATION_CREDENTIALS_PATH',
    '',
  ]) {
    it(`rejects ${JSON.stringify(name)}`, () => assert.equal(isCredentialName(name), false));
  }
});

describe('isBenignValue', () => {
  for (const value of [
    '',
    '  ',
    'ab',
    'true',
    'False',
    'yes',
    'off',
    'null',
    '~',
    '12345',
    '3.14',
    '$(DB_PASSWORD)',
    'prefix-$(TOKEN)',
    '${DB_PASSWORD}',
    '$DB_PASSWORD',
    '%DB_PASSWORD%',
    '{{ .Values.password }}',
    '<%= password %>',
    '/run/secrets/db-password',
    './secrets/token',
    '~/.aws/credentials',
    'file:///etc/token',
    'https://vault.example.com/v1/secret/data/app',
    'vault:secret/data/app#password',
    'ref+vault://secret/app#/password',
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-db-AbCdEf',
    'op://vault/item/password',
    'ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]',
    'projects/my-project/secrets/db-password/versions/latest',
    'changeme',
    'CHANGE_ME',
    'change-it',
    'replace-me',
    'REPLACE_ME',
    'TODO',
    'placeholder',
    'redacted',
    '<your-password>',
    '<password>',
    '[REDACTED]',
    '********',
    'xxxxxxxx',
    '...',
    'your-api-key-here',
    'AKIAIOSFODNN7EXAMPLE',
  ]) {
    it(`treats ${JSON.stringify(value)} as not a credential`, () => assert.equal(isBenignValue(value), true));
  }
  for (const value of ['hunter2', 's3cr3t-P@ss', 'password', 'secret', 'Pa$$w0rd', 'p@$sword', 'postgres://app:hunter22@db:5432/app', '50%off']) {
    it(`treats ${JSON.stringify(value)} as a possible credential`, () => assert.equal(isBenignValue(value), false));
  }
});

describe('detectCredentialShape', () => {
  const positives: Array<[string, string]> = [
    [FAKE.awsKeyId, 'aws-access-key-id'],
    [FAKE.awsTempKeyId, 'aws-access-key-id'],
    [`key=${FAKE.awsKeyId};`, 'aws-access-key-id'],
    [FAKE.github, 'github-token'],
    [FAKE.githubPat, 'github-token'],
    [FAKE.gitlab, 'gitlab-token'],
    [FAKE.slack, 'slack-token'],
    [FAKE.slackWebhook, 'slack-webhook'],
    [FAKE.google, 'google-api-key'],
    [FAKE.stripe, 'stripe-live-key'],
    [FAKE.jwt, 'jwt'],
    [`Bearer ${FAKE.jwt}`, 'jwt'],
    [FAKE.npm, 'npm-token'],
    [FAKE.sendgrid, 'sendgrid-key'],
    [`${FAKE.pemHeader}\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----`, 'private-key'],
    ['-----BEGIN PRIVATE KEY-----', 'private-key'],
    ['-----BEGIN OPENSSH PRIVATE KEY-----', 'private-key'],
    ['-----BEGIN ENCRYPTED PRIVATE KEY-----', 'private-key'],
    ['-----BEGIN PGP PRIVATE KEY BLOCK-----', 'private-key'],
    ['postgres://app:hunter22@db.internal:5432/app', 'url-password'],
    ['redis://:s3cretpass@redis:6379/0', 'url-password'],
    ['DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=' + 'a'.repeat(30) + 'B1c2D3e4F5g6H7i8J9k0L1m2N3o4P5q6R7s8T9u0V1w2X3y4Z5aa==;EndpointSuffix=core.windows.net', 'azure-storage-key'],
    ['Server=db;Database=app;User Id=sa;Password=Hunter22!;', 'connection-string-password'],
  ];
  for (const [value, kind] of positives) {
    it(`recognises ${kind} in ${JSON.stringify(value.slice(0, 40))}...`, () => assert.equal(detectCredentialShape(value)?.kind, kind));
  }
  const negatives = [
    '',
    'nginx:1.25',
    'AKIAIOSFODNN7EXAMPLE', // the AWS documentation example
    'AKIA1234', // too short
    'XAKIAZ7QDLR3XVPK2MB4NX', // embedded in a longer word
    'ghp_short',
    'xoxb-',
    'sk_test_4eC39HqLyjWDarjtT1zdp7dc', // a Stripe test key
    '-----BEGIN CERTIFICATE-----',
    '-----BEGIN PUBLIC KEY-----',
    'eyJhbGciOiJIUzI1NiJ9', // a JWT header alone
    'https://example.com/path',
    'postgres://app:$(DB_PASSWORD)@db:5432/app',
    'postgres://app:${DB_PASSWORD}@db:5432/app',
    'docker://registry:5000/image@sha256:abc',
    'git@github.com:org/repo.git',
    'Server=db;Database=app;Password=$(DB_PASSWORD);',
    'a.b.c',
    'sha256:' + 'a'.repeat(64),
  ];
  for (const value of negatives) {
    it(`finds nothing in ${JSON.stringify(value.slice(0, 48))}`, () => assert.equal(detectCredentialShape(value), undefined));
  }
});

describe('classifyNamedValue', () => {
  it('prefers a value shape over the name', () => {
    assert.equal(classifyNamedValue('GITHUB_TOKEN', FAKE.github)?.kind, 'github-token');
    assert.equal(classifyNamedValue('SOMETHING', FAKE.awsKeyId)?.kind, 'aws-access-key-id');
  });
  it('recognises an AWS secret access key next to an AWS key name', () => {
    assert.equal(classifyNamedValue('AWS_SECRET_ACCESS_KEY', FAKE.awsSecret)?.kind, 'aws-secret-access-key');
    assert.equal(classifyNamedValue('aws_secret_access_key', FAKE.awsSecret)?.description, 'looks like an AWS secret access key');
    assert.equal(classifyNamedValue('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'), undefined);
  });
  it('reports a credential name with a literal value', () => {
    assert.equal(classifyNamedValue('DB_PASSWORD', 'hunter2')?.kind, 'credential-name');
    assert.equal(classifyNamedValue('clientSecret', 'Zm9vYmFyYmF6')?.kind, 'credential-name');
    assert.equal(classifyNamedValue('POSTGRES_PASSWORD', 'password')?.kind, 'credential-name');
  });
  it('does not report benign values or non-credential names', () => {
    assert.equal(classifyNamedValue('DB_PASSWORD', ''), undefined);
    assert.equal(classifyNamedValue('DB_PASSWORD', '$(PASSWORD_FROM_SECRET)'), undefined);
    assert.equal(classifyNamedValue('DB_PASSWORD', 'changeme'), undefined);
    assert.equal(classifyNamedValue('TOKEN_FILE', '/var/run/secrets/token'), undefined);
    assert.equal(classifyNamedValue('SECRET_NAME', 'db-credentials'), undefined);
    assert.equal(classifyNamedValue('USE_TOKEN', 'true'), undefined);
    assert.equal(classifyNamedValue('LOG_LEVEL', 'debug'), undefined);
    assert.equal(classifyNamedValue('AWS_ACCESS_KEY_ID', 'my-key-id'), undefined);
    assert.equal(classifyNamedValue('AWS_SECRET_ACCESS_KEY', 'AKIAIOSFODNN7EXAMPLE'), undefined);
  });
  it('never puts the value in its description', () => {
    const hit = classifyNamedValue('API_KEY', 'super-secret-value-123');
    assert.ok(hit);
    assert.ok(!hit.description.includes('super-secret-value-123'));
  });
});

describe('scanConfigText', () => {
  it('finds credential-named keys in YAML, JSON, properties, env, INI, TOML and XML', () => {
    const text = [
      'server:',
      '  port: 8080',
      '  password: hunter2', // 3
      '{"apiKey": "abc123def", "name": "x"}', // 4
      'spring.datasource.password=s3cr3t', // 5
      'export GITHUB_TOKEN="not-a-real-one"', // 6
      '[db]',
      'secret = "toml-secret"', // 8
      '<password>xmlpass</password>', // 9
      '- token: listed-token', // 10
    ].join('\n');
    assert.deepEqual(
      scanConfigText(text).map((hit) => [hit.line, hit.key, hit.hit.kind]),
      [
        [3, 'password', 'credential-name'],
        [4, 'apiKey', 'credential-name'],
        [5, 'spring.datasource.password', 'credential-name'],
        [6, 'GITHUB_TOKEN', 'credential-name'],
        [8, 'secret', 'credential-name'],
        [9, 'password', 'credential-name'],
        [10, 'token', 'credential-name'],
      ],
    );
  });
  it('finds shapes on any line, and a PEM block once', () => {
    const text = [
      'aws:',
      `  key: ${FAKE.awsKeyId}`,
      `  aws_secret_access_key = ${FAKE.awsSecret}`,
      'tls:',
      `  key: |`,
      `    ${FAKE.pemHeader}`,
      '    MIIEpAIBAAKCAQEAAKIAZ7QDLR3XVPK2MB4N',
      '    password=inside-pem',
      '    -----END RSA PRIVATE KEY-----',
      `webhook: ${FAKE.slackWebhook}`,
      `dsn: postgres://app:hunter22@db/app`,
    ].join('\n');
    assert.deepEqual(
      scanConfigText(text).map((hit) => [hit.line, hit.key, hit.hit.kind]),
      [
        [2, 'key', 'aws-access-key-id'],
        [3, 'aws_secret_access_key', 'aws-secret-access-key'],
        [6, undefined, 'private-key'],
        [10, 'webhook', 'slack-webhook'],
        [11, 'dsn', 'url-password'],
      ],
    );
  });
  it('skips comments, references, placeholders, paths, structures and non-credential keys', () => {
    const text = [
      '# password: commented-out',
      '// token = "commented"',
      '; secret = ini-comment',
      'password: ${DB_PASSWORD}',
      'password: "{{ .Values.db.password }}"',
      'password: changeme',
      'password: <set-me>',
      'password:',
      'password: |',
      'credentials: {}',
      'tokenFile: /var/run/secrets/token',
      'secretName: db-credentials',
      'passwordMinLength: 12',
      'requireToken: true',
      'secretRef:',
      '  name: app',
      'url: https://example.com',
      'password: "" # empty',
      'password: "" ',
    ].join('\n');
    assert.deepEqual(scanConfigText(text), []);
  });
  it('strips quotes, trailing commas and inline comments from values', () => {
    assert.deepEqual(
      scanConfigText('"password": "changeme",\npassword: changeme # default\npassword = \'replace-me\'').map((hit) => hit.line),
      [],
    );
    assert.deepEqual(scanConfigText('password: hunter2 # the real one').map((hit) => hit.line), [1]);
  });
  it('handles CRLF line endings', () => {
    assert.deepEqual(scanConfigText('a: 1\r\npassword: hunter2\r\n').map((hit) => hit.line), [2]);
  });
});

describe('scanCommandLine', () => {
  const found = (args: unknown[]) => scanCommandLine(args).map((hit) => [hit.index, hit.line ?? null, hit.name ?? null, hit.hit.kind]);

  it('finds --flag=value, --flag value, --flag=key=value and token shapes, at the index of the value', () => {
    assert.deepEqual(found(['--listen=:8080', '--db-password=Zq7vLm2Rx9', '--api-key', 'K3yV4lu3F0rT3st1ng', `--upstream=${FAKE.github}`, '--from-literal=password=Hx8pQ2wLz4', FAKE.jwt]), [
      [1, null, '--db-password', 'credential-name'],
      [3, null, '--api-key', 'credential-name'],
      [4, null, '--upstream', 'github-token'],
      [5, null, 'password', 'credential-name'],
      [6, null, null, 'jwt'],
    ]);
  });

  it('reads scripts line by line: assignments, flags of the commands they run, config lines and shapes', () => {
    const script = ['set -e', 'export DB_PASSWORD="Vb6nM3kT8s"', 'mysql -u root --password=Rt5yU8iO2p app', `curl -H "Authorization: Bearer ${FAKE.jwt}" https://x`, 'api_key: K3yV4lu3F0rT3st1ng', '# TOKEN=not-in-a-comment'].join('\n');
    assert.deepEqual(found(['sh', '-c', script]), [
      [2, 2, 'DB_PASSWORD', 'credential-name'],
      [2, 3, '--password', 'credential-name'],
      [2, 4, '-H', 'jwt'],
      [2, 5, 'api_key', 'credential-name'],
    ]);
    assert.deepEqual(found(['/bin/sh', '-c', 'PGUSER=app DB_PASS=Rt5yU8iO2p ./run.sh']), [[2, null, 'DB_PASS', 'credential-name']]);
    assert.deepEqual(found(['helm', 'upgrade', 'app', './chart', '--set', 'db.password=Rt5yU8iO2p', '--set', 'replicas=3']), [[5, null, 'db.password', 'credential-name']]);
  });

  it('leaves references, files, placeholders, Secret names, flags without a value and other types alone', () => {
    assert.deepEqual(
      found([
        '--db-password=$(DB_PASSWORD)',
        '--password-file=/run/secrets/db',
        '--token',
        '${API_TOKEN}',
        '--secret-name=db-credentials',
        '--tls-secret=ingress/tls-certs',
        '--ca-secret',
        'cert-manager/root-ca',
        '--password=changeme',
        '--enable-secret-rotation=true',
        '--password-stdin',
        'registry.example.com',
        '-p',
        'hunter22x',
        42,
        null,
        'export DB_PASSWORD="$FROM_ENV"',
      ]),
      [],
    );
  });

  it('never puts the value in a hit', () => {
    for (const hit of scanCommandLine(['--db-password=Zq7vLm2Rx9', 'sh', 'DB_TOKEN=Vb6nM3kT8s'])) assert.ok(!JSON.stringify(hit).match(/Zq7vLm2Rx9|Vb6nM3kT8s/));
  });

  it('reads at most MAX_ARGUMENT_LENGTH characters of an argument', () => {
    assert.deepEqual(found([`${'x'.repeat(MAX_ARGUMENT_LENGTH)}${FAKE.github}`]), []);
    assert.deepEqual(found([`${'x '.repeat(10)}${FAKE.github}`]), [[0, null, null, 'github-token']]);
  });
});

describe('base64Text', () => {
  const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64');

  it('decodes base64 that holds UTF-8 text, with line breaks in the encoding', () => {
    assert.equal(base64Text(encode('password = Kp9wXe4Lr7\nnaïve ✓\n')), 'password = Kp9wXe4Lr7\nnaïve ✓\n');
    assert.equal(base64Text(encode('a'.repeat(200)).replace(/(.{76})/g, '$1\n')), 'a'.repeat(200));
  });

  it('refuses binary content, invalid UTF-8, and what is not base64', () => {
    assert.equal(base64Text(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]).toString('base64')), undefined);
    assert.equal(base64Text(Buffer.from([0xc3, 0x28, 0x41]).toString('base64')), undefined);
    assert.equal(base64Text('not base64!'), undefined);
    assert.equal(base64Text(''), undefined);
    assert.equal(base64Text('QQ=A'), undefined);
  });

  it('reads at most its bound of decoded bytes, cutting a character in half leniently', () => {
    const text = `${'é'.repeat(100)}password=Kp9wXe4Lr7`;
    const start = base64Text(encode(text), 99);
    assert.ok(start !== undefined && start.length <= 99 && text.startsWith(start.replace(/\uFFFD$/, '')));
    assert.ok(!start.includes('password'));
  });
});
