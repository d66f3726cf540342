import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeOsSupport, osSupport } from '../src/core/images/os-support.js';
import { goTestBinary, osReleaseEntry } from './support/image-content.js';
import { buildImage, buildLayer, pushImage } from './support/images.js';
import { repoPath, SHARED } from './support/paths.js';
import { startRegistry, type TestRegistry } from './support/registry.js';
import { tempDir } from './support/temp.js';
import { palisadeAsync } from './support/cli.js';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { sarifValidator } from './formatters/sarif-schema.js';
import { childrenNamed, parseXml } from './formatters/xml.js';

function palisade(args: string[], env: Record<string, string> = {}) {
  return palisadeAsync(args, { env });
}

interface Finding {
  id: string;
  aliases: string[];
  package: { name: string; version: string };
  installedVersion: string;
  fixedVersion?: string;
  status: string;
  severity: { level: string };
  layer?: { index: number; createdBy?: string };
}

describe('palisade image matches against the vulnerability database and stores by digest', () => {
  let registry: TestRegistry;
  let ref: string;
  let db: string;
  let store: string;
  before(async () => {
    registry = await startRegistry();
    const go = goTestBinary();
    const status = [
      'Package: libc6\nStatus: install ok installed\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\nSource: glibc\n',
      'Package: libssl3\nStatus: install ok installed\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\nSource: openssl\n',
    ].join('\n');
    const base = await buildLayer([osReleaseEntry(), { path: 'var/lib/dpkg/status', content: status }], { createdBy: 'ADD rootfs.tar /' });
    const app = await buildLayer([{ path: 'usr/local/bin/app', content: go.binary, mode: 0o755 }], { createdBy: 'COPY app /usr/local/bin/app' });
    const image = buildImage({ layers: [base, app], created: '2026-01-15T00:00:00Z' });
    await pushImage(registry, 'vuln/app', '1', image);
    // The same image under a second name: one digest, two references.
    await pushImage(registry, 'vuln/copy', 'stable', image);
    ref = `${registry.host}/vuln/app:1`;
    // Real Go advisories from the shared data, and a Debian security tracker extract.
    const dir = tempDir('palisade-vulndb');
    db = path.join(dir, 'vuln.db');
    store = path.join(dir, 'images.db');
    const update = await palisade(['db', 'update', '--db', db, '--from', path.join(SHARED, 'vulndata', 'go'), '--from', repoPath('test/fixtures/vulndb/debian-tracker.json')]);
    assert.equal(update.code, 0, update.stderr);
  });
  after(async () => registry?.stop());

  const scan = (...extra: string[]) => palisade(['image', '-o', 'json', '--insecure-registry', registry.host, '--db', db, '--image-store', store, ...extra, ref]);
  const findingsOf = (stdout: string): Finding[] => (JSON.parse(stdout) as { images: { vulnerabilities: Finding[] }[] }).images[0]!.vulnerabilities;

  it('finds the Go module and the Debian source packages vulnerable, with fixes, statuses and layers', async () => {
    const result = await scan();
    assert.equal(result.code, 0, result.stderr);
    const found = findingsOf(result.stdout);
    const text = found.find((finding) => finding.id === 'GO-2022-1059');
    assert.ok(text, `GO-2022-1059 not found in ${found.map((finding) => finding.id).join(', ')}`);
    assert.deepEqual([text.package.name, text.package.version, text.fixedVersion, text.status, text.layer?.index, text.layer?.createdBy], ['golang.org/x/text', 'v0.3.7', '0.3.8', 'fixed', 1, 'COPY app /usr/local/bin/app']);
    assert.ok(text.aliases.includes('CVE-2022-32149'));
    const openssl = found.find((finding) => finding.id === 'CVE-2024-5535');
    assert.deepEqual([openssl?.package.name, openssl?.fixedVersion, openssl?.status, openssl?.severity.level, openssl?.layer?.index], ['libssl3', '3.0.14-1~deb12u1', 'fixed', 'low', 0]);
    const glibc = found.find((finding) => finding.id === 'CVE-2025-0395');
    assert.deepEqual([glibc?.package.name, glibc?.status, glibc?.fixedVersion], ['libc6', 'no-fix-yet', undefined]);
    // Fixed in Debian before the installed version: not a finding.
    assert.ok(!found.some((finding) => finding.id === 'CVE-2022-37434'));
    // GO-2021-0113 was fixed in x/text 0.3.7 itself.
    assert.ok(!found.some((finding) => finding.id === 'GO-2021-0113'));
  });

  it('reads a digest scanned against the same data from the store, without pulling', async () => {
    const first = await scan('--no-cache');
    const second = await scan();
    assert.equal(second.code, 0, second.stderr);
    const [fresh, cached] = [JSON.parse(first.stdout).images[0], JSON.parse(second.stdout).images[0]];
    assert.equal(fresh.cached, undefined);
    assert.equal(cached.cached, true);
    assert.equal(cached.scannedAt, fresh.scannedAt);
    // End of life is judged as of the report, on a store read too.
    assert.deepEqual(fresh.osSupport, osSupport({ id: 'debian', versionId: '12' }, new Date()));
    assert.deepEqual(cached.osSupport, fresh.osSupport);
    assert.deepEqual(findingsOf(second.stdout), findingsOf(first.stdout));
    // Pinned by that digest, the stored scan needs no registry at all: this one does not exist.
    const pinned = await palisade(['image', '-o', 'json', '--db', db, '--image-store', store, `127.0.0.1:9/gone/app@${fresh.image.digest}`]);
    assert.equal(pinned.code, 0, pinned.stderr);
    assert.equal(JSON.parse(pinned.stdout).images[0].cached, true);
    assert.deepEqual(findingsOf(pinned.stdout), findingsOf(first.stdout));
  });

  it('a stored scan reports the reference asked for, in JSON and as the SBOM component', async () => {
    await scan();
    const other = `${registry.host}/vuln/copy:stable`;
    const args = ['--insecure-registry', registry.host, '--db', db, '--image-store', store];
    const copy = JSON.parse((await palisade(['image', '-o', 'json', ...args, other])).stdout).images[0];
    assert.equal(copy.cached, true);
    assert.match(copy.image.reference, new RegExp(`^${other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}@sha256:`));
    const bom = JSON.parse((await palisade(['image', '-o', 'cyclonedx', ...args, other])).stdout) as { metadata: { component: { name: string } } };
    assert.equal(bom.metadata.component.name, other);
    // Pinned by digest under yet another name, read from the store without a registry.
    const pinned = JSON.parse((await palisade(['image', '-o', 'json', '--db', db, '--image-store', store, `127.0.0.1:9/gone/app@${copy.image.digest}`])).stdout).images[0];
    assert.equal(pinned.image.reference, `127.0.0.1:9/gone/app@${copy.image.digest}`);
    // palisade scan finds the scan under the second name too.
    const dir = tempDir('palisade-manifests');
    writeFileSync(path.join(dir, 'copy.yaml'), `apiVersion: v1\nkind: Pod\nmetadata:\n  name: copy\n  namespace: shop\nspec:\n  containers:\n    - name: copy\n      image: ${other}\n`);
    const result = await palisade(['scan', path.join(dir, 'copy.yaml'), '-o', 'json', '--image-store', store], { PALISADE_DB: db });
    const findings = (JSON.parse(result.stdout) as { findings: { checkId: string }[] }).findings;
    assert.ok(!findings.some((finding) => finding.checkId === 'image-not-scanned'), JSON.stringify(findings.map((finding) => finding.checkId)));
  });

  it('a stored scan made with other analyzers (or versions of them) is not reused', async () => {
    const first = JSON.parse((await scan()).stdout).images[0];
    const digest = first.image.digest as string;
    const rewrite = (change: (summary: Record<string, unknown>) => void) => {
      const sqlite = new Database(store);
      const row = sqlite.prepare('SELECT summary FROM scans WHERE digest = ?').get(digest) as { summary: string };
      const summary = JSON.parse(row.summary) as Record<string, unknown>;
      change(summary);
      sqlite.prepare('UPDATE scans SET summary = ? WHERE digest = ?').run(JSON.stringify(summary), digest);
      sqlite.close();
    };
    assert.equal(JSON.parse((await scan()).stdout).images[0].cached, true);
    // As an older Palisade would have stored it: java-archive at version 1.
    rewrite((summary) => void (summary.analyzers = String(summary.analyzers ?? '').replace(/java-archive@\d+/, 'java-archive@1')));
    assert.equal(JSON.parse((await scan()).stdout).images[0].cached, undefined);
    // A store written before analyzer keys existed is not trusted either.
    rewrite((summary) => void delete summary.analyzers);
    assert.equal(JSON.parse((await scan()).stdout).images[0].cached, undefined);
    assert.equal(JSON.parse((await scan()).stdout).images[0].cached, true);
  });

  it('filters by severity and fix, and fails on a severity threshold', async () => {
    const unfixed = findingsOf((await scan('--ignore-unfixed')).stdout);
    assert.ok(unfixed.length > 0 && unfixed.every((finding) => finding.status === 'fixed'));
    const low = findingsOf((await scan('--severity', 'low')).stdout);
    assert.deepEqual([...new Set(low.map((finding) => finding.severity.level))], ['low']);
    assert.equal((await scan('--fail-on', 'low')).code, 1);
    // The Go advisories carry no severity (and nothing in this database rates them): unknown, and
    // unknown counts toward any --fail-on unless --no-fail-on-unknown says otherwise.
    const unknown = findingsOf((await scan('--severity', 'unknown')).stdout);
    assert.ok(unknown.some((finding) => finding.id === 'GO-2022-1059'));
    assert.equal((await scan('--fail-on', 'critical')).code, 1);
    assert.equal((await scan('--fail-on', 'critical', '--no-fail-on-unknown')).code, 0);
    assert.equal((await scan('--fail-on', 'low', '--no-fail-on-unknown')).code, 1);
    const bad = await scan('--fail-on', 'severe');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--fail-on: unknown severity "severe"/);
  });

  it('prints vulnerabilities in the table with the data date', async () => {
    const table = await palisade(['image', '--insecure-registry', registry.host, '--db', db, '--image-store', store, ref]);
    assert.match(table.stdout, /VULNERABILITIES {2}\d+ \(.*\), data updated \d{4}-\d{2}-\d{2}/);
    assert.match(table.stdout, /GO-2022-1059 \(CVE-2022-32149\) +golang\.org\/x\/text +v0\.3\.7 +0\.3\.8 +fixed +1/);
    assert.ok(table.stdout.includes(`os Debian GNU/Linux 12 (bookworm), ${describeOsSupport(osSupport({ id: 'debian', versionId: '12' }, new Date()))}`), table.stdout);
  });

  it('stores the OS, and palisade scan reports an image on an end-of-life release', async () => {
    const old = `${registry.host}/vuln/old:1`;
    await pushImage(registry, 'vuln/old', '1', buildImage({ layers: [await buildLayer([osReleaseEntry('debian', '9', 'Debian GNU/Linux 9 (stretch)')])] }));
    const scanned = await palisade(['image', '--insecure-registry', registry.host, '--db', db, '--image-store', store, old]);
    assert.match(scanned.stdout, /os Debian GNU\/Linux 9 \(stretch\), END OF LIFE since 2022-06-30/);
    const dir = tempDir('palisade-manifests');
    writeFileSync(path.join(dir, 'old.yaml'), `apiVersion: v1\nkind: Pod\nmetadata:\n  name: old\n  namespace: shop\nspec:\n  containers:\n    - name: old\n      image: ${old}\n    - name: app\n      image: ${ref}\n`);
    const result = await palisade(['scan', path.join(dir, 'old.yaml'), '-o', 'json', '--image-store', store], { PALISADE_DB: db });
    const findings = (JSON.parse(result.stdout) as { findings: { checkId: string; message: string; container?: string }[] }).findings.filter((finding) => finding.checkId === 'image-os-end-of-life');
    assert.deepEqual(findings.map((finding) => finding.container), ['old']);
    assert.match(findings[0]!.message, /built on debian 9, end of life since 2022-06-30/);
  });

  it('renders vulnerabilities in the scanner\'s SARIF, JUnit and Markdown: one rule per advisory', async () => {
    const args = ['image', '--insecure-registry', registry.host, '--db', db, '--image-store', store];
    const sarif = JSON.parse((await palisade([...args, '-o', 'sarif', ref])).stdout) as { runs: { tool: { driver: { rules: { id: string; helpUri?: string }[] } }; results: { ruleId: string; level: string; message: { text: string } }[] }[] };
    const validate = sarifValidator();
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3)));
    const run = sarif.runs[0]!;
    assert.ok(run.tool.driver.rules.some((rule) => rule.id === 'GO-2022-1059'));
    const result = run.results.find((item) => item.ruleId === 'GO-2022-1059');
    assert.match(result?.message.text ?? '', /golang\.org\/x\/text v0\.3\.7 is affected by GO-2022-1059: fixed in 0\.3\.8; layer 1 \(COPY app \/usr\/local\/bin\/app\)/);
    const junit = parseXml((await palisade([...args, '-o', 'junit', ref])).stdout);
    const cases = childrenNamed(junit, 'testsuite').flatMap((suite) => childrenNamed(suite, 'testcase'));
    assert.ok(cases.length >= 3, `only ${cases.length} test cases`);
    const markdown = (await palisade([...args, '-o', 'markdown', ref])).stdout;
    assert.match(markdown, /GO-2022-1059/);
    assert.match(markdown, /CVE-2024-5535/);
  });

  it('-o cyclonedx --sbom-vulnerabilities: the vulnerabilities found, affecting components by bom-ref, valid for the CycloneDX library', async () => {
    const result = await palisade(['image', '-o', 'cyclonedx', '--sbom-vulnerabilities', '--insecure-registry', registry.host, '--db', db, '--image-store', store, ref]);
    assert.equal(result.code, 0, result.stderr);
    const problems = await new Validation.JsonStrictValidator(Spec.Version.v1dot5).validate(result.stdout);
    assert.equal(problems, null, JSON.stringify(problems));
    const bom = JSON.parse(result.stdout) as { components: { 'bom-ref': string; purl?: string }[]; vulnerabilities: { id: string; source: { name: string; url: string }; affects: { ref: string; versions: { version: string; status: string }[] }[]; ratings: { method: string; severity: string }[]; recommendation?: string }[] };
    const refOf = (purl: string) => bom.components.find((component) => component.purl === purl)?.['bom-ref'];
    const text = bom.vulnerabilities.find((item) => item.id === 'GO-2022-1059');
    assert.deepEqual(text?.affects, [{ ref: refOf('pkg:golang/golang.org/x/text@v0.3.7'), versions: [{ version: 'v0.3.7', status: 'affected' }] }]);
    assert.equal(text?.recommendation, 'Upgrade golang.org/x/text v0.3.7 -> 0.3.8');
    const openssl = bom.vulnerabilities.find((item) => item.id === 'CVE-2024-5535');
    assert.deepEqual([openssl?.source.name, openssl?.source.url, openssl?.ratings.map((rating) => [rating.method, rating.severity])], ['Debian security tracker', 'https://security-tracker.debian.org/tracker/CVE-2024-5535', [['other', 'low']]]);
    // As many vulnerabilities as the JSON report has advisories; none without the flag.
    const ids = new Set(findingsOf((await scan()).stdout).map((finding) => finding.id));
    assert.equal(bom.vulnerabilities.length, ids.size);
    const plain = JSON.parse((await palisade(['image', '-o', 'cyclonedx', '--insecure-registry', registry.host, '--db', db, '--image-store', store, ref])).stdout);
    assert.equal(plain.vulnerabilities, undefined);
  });

  it('feeds palisade scan: the manifest naming the image gets the stored vulnerabilities', async () => {
    await scan();
    const dir = tempDir('palisade-manifests');
    writeFileSync(path.join(dir, 'app.yaml'), `apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: ${ref}\n    - name: other\n      image: ${registry.host}/vuln/other:2\n`);
    writeFileSync(path.join(dir, 'palisade.yaml'), 'options:\n  image-vulnerabilities-fixable:\n    severities: [critical, high, medium, low, unknown]\n');
    const result = await palisade(['scan', path.join(dir, 'app.yaml'), '--config', path.join(dir, 'palisade.yaml'), '-o', 'json', '--image-store', store], { PALISADE_DB: db });
    assert.equal(result.code, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /vulnerability data/, 'fresh data: no notice');
    const stale = await palisade(['scan', path.join(dir, 'app.yaml'), '-o', 'json', '--image-store', store], { PALISADE_DB: db, PALISADE_DB_MAX_AGE_DAYS: '0' });
    assert.doesNotMatch(stale.stderr, /vulnerability data/, 'the check turned off');
    const missing = await palisade(['scan', path.join(dir, 'app.yaml'), '-o', 'json', '--image-store', store], { PALISADE_DB: path.join(dir, 'none.db') });
    assert.match(missing.stderr, /palisade scan: image checks: no vulnerability data: run palisade db update/);
    const findings = (JSON.parse(result.stdout) as { findings: { checkId: string; message: string; container?: string }[] }).findings;
    const vulnerable = findings.find((finding) => finding.checkId === 'image-vulnerabilities-fixable');
    assert.match(vulnerable?.message ?? '', /CVE-2022-32149 in golang\.org\/x\/text v0\.3\.7 \(fixed in 0\.3\.8\)/);
    assert.deepEqual(findings.filter((finding) => finding.checkId === 'image-not-scanned').map((finding) => finding.container), ['other']);
    // Built 2026-01-15: older than 90 days by the time this runs (from 2026-04-15 on).
    if (Date.now() > Date.parse('2026-04-16T00:00:00Z')) assert.ok(findings.some((finding) => finding.checkId === 'image-too-old'));
  });
});
