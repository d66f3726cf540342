import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { Validation, Spec } from '@cyclonedx/cyclonedx-library';
import yaml from 'js-yaml';
import { goTestBinary, npmPackageEntries, osReleaseEntry } from './support/image-content.js';
import { buildImage, buildLayer, pushImage, pushIndex } from './support/images.js';
import { repoPath } from './support/paths.js';
import { tempDir } from './support/temp.js';
import { palisadeAsync } from './support/cli.js';
import { startRegistry, type TestRegistry } from './support/registry.js';

function palisade(args: string[], input = '') {
  return palisadeAsync(args, { input });
}

describe('palisade image (built CLI against a loopback registry)', () => {
  let registry: TestRegistry;
  let ref: string;
  before(async () => {
    registry = await startRegistry();
    const go = goTestBinary();
    const base = await buildLayer([osReleaseEntry(), { path: 'var/lib/dpkg/status', content: 'Package: libc6\nStatus: install ok installed\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\nSource: glibc\n' }]);
    const app = await buildLayer([...npmPackageEntries(['js-yaml']), { path: 'app', content: go.binary, mode: 0o755 }], { compression: 'zstd', createdBy: 'COPY . /' });
    const amd64 = buildImage({ layers: [base, app], runtime: { User: 'app' } });
    const arm64 = buildImage({ layers: [base], platform: { os: 'linux', architecture: 'arm64' } });
    await pushIndex(registry, 'cli/app', '1', [amd64, arm64], { attestations: true });
    ref = `${registry.host}/cli/app:1`;
  });
  after(async () => registry?.stop());

  it('prints a table of packages with their layers', async () => {
    const result = await palisade(['image', '--insecure-registry', registry.host, '--platform', 'linux/amd64', ref]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^IMAGE {5}127\.0\.0\.1:\d+\/cli\/app:1@sha256:/);
    assert.match(result.stdout, /libc6\s+2\.36-9\+deb12u4\s+Debian:12\s+0/);
    assert.match(result.stdout, /golang\.org\/x\/text\s+v0\.3\.7\s+Go\s+1\s+\/app/);
  });

  it('JSON carries the versioned apiVersion; YAML the same report', async () => {
    const json = await palisade(['image', '-o', 'json', '--insecure-registry', registry.host, '--platform', 'linux/arm64', ref]);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.apiVersion, 'palisade.dev/image-inventory/v1');
    assert.deepEqual(report.images[0].image.platform, { os: 'linux', architecture: 'arm64' });
    const yamlReport = yaml.load((await palisade(['image', '-o', 'yaml', '--insecure-registry', registry.host, '--platform', 'linux/arm64', ref])).stdout) as typeof report;
    // Without a vulnerability database nothing is stored: each run inventories afresh, at its own time.
    const untimed = (images: { scannedAt?: string }[]) => images.map(({ scannedAt, ...rest }) => (assert.ok(scannedAt), rest));
    assert.deepEqual(untimed(yamlReport.images), untimed(report.images));
  });

  it('CycloneDX 1.5 valid against the schema the CycloneDX library ships', async () => {
    const result = await palisade(['image', '-o', 'cyclonedx', '--insecure-registry', registry.host, ref]);
    assert.equal(result.code, 0, result.stderr);
    const problems = await new Validation.JsonStrictValidator(Spec.Version.v1dot5).validate(result.stdout);
    assert.equal(problems, null, JSON.stringify(problems));
    const bom = JSON.parse(result.stdout);
    assert.equal(bom.specVersion, '1.5');
    assert.ok(bom.components.some((component: { purl?: string }) => component.purl === 'pkg:golang/golang.org/x/text@v0.3.7'));
    assert.ok(bom.components.some((component: { purl?: string }) => component.purl === 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12'));
  });

  it('SPDX 2.3 valid against the required-fields schema (ajv)', async () => {
    const result = await palisade(['image', '-o', 'spdx', '--insecure-registry', registry.host, ref]);
    assert.equal(result.code, 0, result.stderr);
    const schema = JSON.parse(readFileSync(repoPath('test/fixtures/images/spdx-2.3-subset.schema.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(schema);
    const document = JSON.parse(result.stdout) as { packages: { SPDXID: string }[]; relationships: { relatedSpdxElement: string }[] };
    assert.ok(validate(document), JSON.stringify(validate.errors));
    const ids = new Set(document.packages.map((item: { SPDXID: string }) => item.SPDXID));
    for (const relationship of document.relationships) assert.ok(ids.has(relationship.relatedSpdxElement) || relationship.relatedSpdxElement === 'SPDXRef-DOCUMENT');
  });

  it('one bad image does not hide the others; exit 2', async () => {
    const result = await palisade(['image', '-o', 'json', '--insecure-registry', registry.host, `${registry.host}/cli/missing:1`, ref]);
    assert.equal(result.code, 2);
    const report = JSON.parse(result.stdout);
    assert.equal(report.images.length, 1);
    assert.match(report.errors[0].message, /not found/);
    assert.match(result.stderr, /cli\/missing:1/);
  });

  it('usage errors: --username without --password-stdin, bad --platform, unknown output', async () => {
    assert.equal((await palisade(['image', '--username', 'u', ref])).code, 2);
    assert.match((await palisade(['image', '--platform', 'linux', ref])).stderr, /--platform/);
    assert.equal((await palisade(['image', '-o', 'xml', ref])).code, 2);
    assert.match((await palisade(['image', '--help'])).stdout, /Usage: palisade image/);
  });

  it('reads a docker-config file for credentials (never printing them)', async () => {
    const dir = tempDir('palisade-cfg');
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('u:topsecret').toString('base64') } } }));
    const result = await palisade(['image', '--docker-config', file, '--insecure-registry', registry.host, ref]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!`${result.stdout}${result.stderr}`.includes('topsecret'));
  });
});

describe('palisade image against a token-auth registry', () => {
  let registry: TestRegistry;
  let ref: string;
  before(async () => {
    registry = await startRegistry({ tokenRealm: { users: { alice: 's3cret' } } });
    await pushImage(registry, 'private/app', '1', buildImage({ layers: [await buildLayer([osReleaseEntry()])] }));
    ref = `${registry.host}/private/app:1`;
  });
  after(async () => registry?.stop());

  it('--username with --password-stdin, through the bearer-token flow', async () => {
    const result = await palisade(['image', '-o', 'json', '--insecure-registry', registry.host, '--username', 'alice', '--password-stdin', ref], 's3cret\n');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).images[0].os.id, 'debian');
    assert.deepEqual(registry.tokenRequests.at(-1), { scope: 'repository:private/app:pull', user: 'alice' });
  });

  it('wrong or missing credentials: exit 2 with a message that names the user, not the password', async () => {
    const wrong = await palisade(['image', '--insecure-registry', registry.host, '--username', 'alice', '--password-stdin', ref], 'guess\n');
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /refused the credentials for user "alice"/);
    assert.ok(!wrong.stderr.includes('guess'));
    const anonymous = await palisade(['image', '--insecure-registry', registry.host, ref]);
    assert.equal(anonymous.code, 2);
    assert.match(anonymous.stderr, /unauthorized \(no credentials configured/);
  });
});
