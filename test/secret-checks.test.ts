import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { scanText } from './support/scan.js';
import { repoPath } from './support/paths.js';
import { palisade } from './support/cli.js';
import { tempDir } from './support/temp.js';
import { loadText } from '../src/adapters/manifests/documents.js';
import { tidy } from '../src/adapters/cluster/read.js';
import { REDACTED_VALUE } from '../src/core/kinds/last-applied.js';

/**
 * The secret checks must never echo a credential: messages name keys and
 * shapes only. Checked on generated objects (any value, any credential
 * name) and on every value of the recorded fixtures.
 */

const credentialName = fc.constantFrom('DB_PASSWORD', 'apiKey', 'CLIENT_SECRET', 'GITHUB_TOKEN', 'private_key', 'db.password', 'SMTP_PASS');
// Values with at least one letter and one digit, so they are not numbers, booleans or placeholders.
const secretValue = fc.stringMatching(/^[A-Za-z][A-Za-z0-9!%&*+=@^_~-]{6,30}[0-9]$/);

function podWithEnv(name: string, value: string): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: p',
    'spec:',
    '  containers:',
    '    - name: app',
    '      image: app:1.0',
    '      env:',
    `        - name: ${JSON.stringify(name)}`,
    `          value: ${JSON.stringify(value)}`,
  ].join('\n');
}

function configMapWith(file: string): string {
  return ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: c', 'data:', `  app.conf: ${JSON.stringify(file)}`].join('\n');
}

describe('secret checks never echo the value', () => {
  it('env-literal-credential reports credential-named literals by name only', () => {
    fc.assert(
      fc.property(credentialName, secretValue, (name, value) => {
        const { findings } = scanText(podWithEnv(name, value), { only: ['env-literal-credential'] });
        assert.equal(findings.length, 1, `${name}=${value}`);
        assert.ok(findings[0]!.message.includes(`"${name}"`));
        assert.ok(!findings[0]!.message.includes(value));
      }),
    );
  });

  it('configmap-credential reports config lines by key and line only', () => {
    fc.assert(
      fc.property(credentialName, secretValue, fc.constantFrom(': ', '=', ' = '), fc.nat({ max: 3 }), (name, value, separator, padding) => {
        const file = `${'setting: 1\n'.repeat(padding)}${name}${separator}${value}\nother: 2\n`;
        const { findings } = scanText(configMapWith(file), { only: ['configmap-credential'] });
        assert.equal(findings.length, 1, file);
        assert.ok(findings[0]!.message.includes(`line ${padding + 1}`));
        assert.ok(!findings[0]!.message.includes(value));
      }),
    );
  });

  it('no recorded finding of a secret check contains a value from its fixture', () => {
    for (const id of ['env-literal-credential', 'configmap-credential', 'secret-data-in-manifest', 'secret-in-env']) {
      const directory = repoPath(`test/fixtures/checks/${id}`);
      for (const file of readdirSync(directory).filter((name) => /^invalid.*\.ya?ml$/.test(name))) {
        const text = readFileSync(path.join(directory, file), 'utf8');
        const { findings, loaded } = scanText(text, { only: [id] });
        // Every string value in the objects, and each line of multi-line ones (plain words like
        // "password" may legitimately appear in a description).
        const values = new Set<string>();
        const visit = (node: unknown, key?: string): void => {
          if (typeof node === 'string') {
            for (const part of [node, ...node.split('\n').map((line) => line.replace(/^[^:=]*[:=]\s*/, '').trim())]) {
              if (part.length >= 8 && !/^[a-z]+$/.test(part) && key !== 'name' && key !== 'image' && key !== 'key') values.add(part);
            }
          } else if (Array.isArray(node)) node.forEach((item) => visit(item));
          else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) visit(v, k);
        };
        for (const resource of loaded.resources) visit(resource.object.spec ?? resource.object.data ?? resource.object.stringData);
        for (const resource of loaded.resources) visit(resource.object.stringData);
        assert.ok(findings.length > 0);
        for (const finding of findings) {
          for (const value of values) assert.ok(!finding.message.includes(value), `${id}/${file}: "${finding.message}" contains ${JSON.stringify(value)}`);
        }
      }
    }
  });
});

/** Every string an object holds, with what it holds decoded: the JSON of a last-applied annotation, base64 data, the words of scripts and the halves of `name=value`. */
/** Fields that name things (reported by name on purpose), not values. */
const IDENTIFIERS = new Set(['apiVersion', 'kind', 'name', 'namespace', 'image', 'key', 'secretName', 'serviceAccountName', 'mountPath', 'type', 'restartPolicy', 'app']);

function valuesIn(object: unknown): Set<string> {
  const values = new Set<string>();
  const add = (text: string): void => {
    const trimmed = text.trim();
    if (trimmed.length >= 8 && !/^[a-z]+$/.test(trimmed)) values.add(trimmed);
  };
  const visit = (node: unknown, key?: string): void => {
    if (typeof node === 'string') {
      if (key !== undefined && IDENTIFIERS.has(key)) return;
      const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(node.trim()) ? Buffer.from(node.trim(), 'base64').toString('utf8') : undefined;
      for (const text of [node, ...(decoded ? [decoded] : [])]) {
        for (const line of text.split('\n')) {
          // Values, not the names of settings: what follows `:`, `=`, or a flag.
          for (const word of line.match(/"[^"]*"|\S+/g) ?? []) {
            const unquoted = word.replace(/^"|"$/g, '');
            // A flag's name is not a value: `--api-key` alone, or the part before `=`.
            // Words with letters and digits are values (names of settings in the fixtures have no digits).
            if (!unquoted.startsWith('-') && /\d/.test(unquoted) && /[A-Za-z]/.test(unquoted)) add(unquoted);
            const assigned = /^-*[\w.-]+[:=](.+)$/.exec(unquoted);
            if (assigned) add(assigned[1]!.replace(/^[\w.-]+=(?=.)/, ''));
          }
          if (/[:=]/.test(line)) add(line.replace(/^[^:=]*[:=]\s*/, ''));
        }
      }
    } else if (Array.isArray(node)) node.forEach((item) => visit(item));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) if (k !== 'metadata') visit(v, k);
  };
  const root = object as { metadata?: { annotations?: Record<string, unknown> } };
  visit(object);
  const applied = root.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  if (typeof applied === 'string') visit(JSON.parse(applied));
  return values;
}

describe('the checks of issue 15 never echo the value', () => {
  const IDS = ['credentials-in-command', 'credentials-in-last-applied', 'secret-data-in-last-applied', 'configmap-credential'];

  it('no recorded finding (message or data) contains a value from its fixture, decoded or not', () => {
    for (const id of IDS) {
      const directory = repoPath(`test/fixtures/checks/${id}`);
      for (const file of readdirSync(directory).filter((name) => /^invalid.*\.ya?ml$/.test(name))) {
        const { findings, loaded } = scanText(readFileSync(path.join(directory, file), 'utf8'), { only: [id] });
        const values = new Set<string>();
        for (const resource of loaded.resources) for (const value of valuesIn(resource.object)) values.add(value);
        assert.ok(findings.length > 0 && values.size > 0, `${id}/${file}`);
        for (const finding of findings) {
          const text = JSON.stringify(finding);
          for (const value of values) assert.ok(!text.includes(value), `${id}/${file}: ${text} contains ${JSON.stringify(value)}`);
        }
      }
    }
  });

  it('the verifier can fail: a value it must find is found', () => {
    const values = valuesIn({ spec: { args: ['--db-password=Zq7vLm2Rx9'] }, binaryData: { x: Buffer.from('password = Kp9wXe4Lr7').toString('base64') }, metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"p":"VHIwdWI0ZG9yJjM="}}' } } });
    for (const value of ['Zq7vLm2Rx9', 'Kp9wXe4Lr7', 'VHIwdWI0ZG9yJjM=']) assert.ok(values.has(value), value);
  });

  it('credentials-in-command reports generated credential flags by name only', () => {
    fc.assert(
      fc.property(credentialName, secretValue, fc.constantFrom('=', ' '), (name, value, separator) => {
        const flag = `--${name.replace(/[._]/g, '-').toLowerCase()}`;
        const args = separator === '=' ? [`${flag}=${value}`] : [flag, value];
        const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n      args: ${JSON.stringify(args)}\n`;
        const { findings } = scanText(text, { only: ['credentials-in-command'] });
        assert.equal(findings.length, 1, args.join(' '));
        assert.ok(findings[0]!.message.includes(`"${flag}"`));
        assert.ok(!JSON.stringify(findings[0]).includes(value));
      }),
    );
  });

  it('no output format of the built CLI prints a value these checks find', () => {
    const root = tempDir('palisade-secrets15');
    const files: string[] = [];
    for (const id of IDS) {
      const directory = repoPath(`test/fixtures/checks/${id}`);
      for (const file of readdirSync(directory).filter((name) => /^invalid.*\.ya?ml$/.test(name))) {
        const target = path.join(root, `${id}-${file}`);
        writeFileSync(target, readFileSync(path.join(directory, file), 'utf8'));
        files.push(target);
      }
    }
    const values = new Set<string>();
    for (const file of files) for (const resource of loadText(readFileSync(file, 'utf8'), file).resources) {
      for (const value of valuesIn(resource.object)) values.add(value);
    }
    for (const format of ['table', 'json', 'yaml', 'sarif', 'junit', 'markdown']) {
      const result = palisade(['scan', '-o', format, ...IDS.flatMap((id) => ['--check', id]), root]);
      assert.equal(result.code, 1, `${format}: ${result.stderr}`);
      for (const id of IDS) assert.ok(result.stdout.includes(id) || format === 'sarif' || format === 'junit', `${format} names ${id}`);
      for (const value of values) assert.ok(!result.stdout.includes(value) && !result.stderr.includes(value), `${format} output contains ${JSON.stringify(value)}`);
    }
  });

  it('a cluster read keeps of a Secret\'s last-applied annotation the names of its keys only, and the check still reports them', () => {
    const value = 'hunter2-never-print-me';
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop', annotations: {} as Record<string, string> }, data: { username: Buffer.from('app').toString('base64') }, stringData: { password: value, empty: '' } };
    secret.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] = JSON.stringify(secret);
    const kept = tidy(structuredClone(secret), true);
    const text = JSON.stringify(kept);
    assert.ok(!text.includes(value) && !text.includes(Buffer.from('app').toString('base64')), text);
    assert.deepEqual(JSON.parse((kept.metadata as { annotations: Record<string, string> }).annotations['kubectl.kubernetes.io/last-applied-configuration']!), {
      data: { username: REDACTED_VALUE },
      stringData: { password: REDACTED_VALUE },
    });
    const { findings } = scanText(JSON.stringify(kept), { only: ['secret-data-in-last-applied'] });
    assert.deepEqual(findings.map((finding) => finding.message), ['the last-applied-configuration annotation holds 2 values of the Secret in clear (data "username"; stringData "password")']);
    // No value, or an annotation that is not JSON: nothing is kept.
    for (const annotation of ['{"stringData":{"password":""}}', 'not json']) {
      const other = tidy({ kind: 'Secret', metadata: { name: 'x', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': annotation } } }, true);
      assert.deepEqual((other.metadata as { annotations: Record<string, string> }).annotations, {});
    }
    // Other kinds keep the annotation as it is.
    const configMap = { kind: 'ConfigMap', metadata: { name: 'c', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"a":"b"}}' } } };
    assert.deepEqual(tidy(structuredClone(configMap), false), configMap);
  });

  it('service-account-token-projected-despite-opt-out: tokens for some containers and other audiences only with its options', () => {
    const pod = (audience: string) => `
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  automountServiceAccountToken: false
  containers:
    - {name: app, image: app:1.0}
    - name: reloader
      image: reloader:1.0
      volumeMounts: [{name: token, mountPath: /var/run/secrets/tokens}]
  volumes:
    - name: token
      projected:
        sources:
          - serviceAccountToken: {path: token${audience ? `, audience: ${audience}` : ''}}
`;
    const id = 'service-account-token-projected-despite-opt-out';
    const run = (text: string, options?: Record<string, unknown>) =>
      scanText(text, { only: [id], ...(options ? { config: { options: { [id]: options } } } : {}) }).findings.map((finding) => finding.message);
    assert.deepEqual(run(pod('')), []);
    assert.deepEqual(run(pod(''), { reportSomeContainers: true }), [
      'the pod sets automountServiceAccountToken: false, but projected volume "token" mounts an API token of service account "default" (no audience: the API server\'s) into container "reloader"',
    ]);
    assert.deepEqual(run(pod('sts.amazonaws.com'), { reportSomeContainers: true }), []);
    assert.deepEqual(run(pod('https://oidc.example.com'), { reportSomeContainers: true, apiServerAudiences: ['https://oidc.example.com'] }), [
      'the pod sets automountServiceAccountToken: false, but projected volume "token" mounts an API token of service account "default" (audience "https://oidc.example.com") into container "reloader"',
    ]);
  });
});
