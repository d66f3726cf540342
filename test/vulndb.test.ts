import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AddressInfo } from 'node:net';
import { importFrom, matchWithDatabase, openVulnerabilityDatabase, defaultDatabasePath, type SqliteVulnerabilityDatabase } from '../src/adapters/vulndb/index.js';
import type { InstalledPackage } from '../src/core/images/model.js';
import type { VulnerabilityFinding } from '../src/core/images/match.js';
import { palisade } from './support/cli.js';
import { repoPath, SHARED } from './support/paths.js';
import { makeZip } from './support/zip.js';

const VULNDATA = path.join(SHARED, 'vulndata');
const FIXTURES = repoPath('test/fixtures/vulndb');
const NOW = new Date('2026-11-23T12:00:00Z');
const options = { now: () => NOW };

function temporary(name: string): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'palisade-vulndb-')), name);
}

function pkg(ecosystem: string, scheme: InstalledPackage['scheme'], name: string, version: string, extra: Partial<InstalledPackage> = {}): InstalledPackage {
  return { ecosystem, scheme, name, version, path: `/fixture/${name}`, ...extra };
}

/** Finding ids for one package version, with their fixed versions. */
function idsFor(db: SqliteVulnerabilityDatabase, item: InstalledPackage): Map<string, string | undefined> {
  return new Map(matchWithDatabase(db, [item]).findings.map((finding) => [finding.id, finding.fixedVersion]));
}

/** Non-withdrawn OSV records in a folder of JSON files, counted the slow way. */
function liveRecords(folder: string): number {
  return readdirSync(folder).filter((file) => !(JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as { withdrawn?: string }).withdrawn).length;
}

describe('vulnerability database: the real OSV data (Go, crates.io, PyPI)', () => {
  let db: SqliteVulnerabilityDatabase;
  before(async () => {
    db = openVulnerabilityDatabase(temporary('vuln.db'));
    for (const folder of ['go', 'rust', 'pypi']) {
      const summary = await importFrom(path.join(VULNDATA, folder), db, options);
      assert.deepEqual(summary.problems, [], folder);
    }
  });
  after(() => db.close());

  it('imports every record that is not withdrawn, JSON and YAML, and reports counts and data age', () => {
    const status = db.status();
    const records = Object.fromEntries(status.sources.map((source) => [path.basename(source.location), source.records]));
    assert.equal(records.go, liveRecords(path.join(VULNDATA, 'go')));
    assert.equal(records.rust, liveRecords(path.join(VULNDATA, 'rust')));
    const pypiFiles = readdirSync(path.join(VULNDATA, 'pypi'), { recursive: true }).filter((file) => String(file).endsWith('.yaml')).length;
    assert.ok(records.pypi! > pypiFiles * 0.98 && records.pypi! <= pypiFiles, `${records.pypi} of ${pypiFiles}`);
    assert.deepEqual(status.ecosystems.map((row) => row.ecosystem), ['Go', 'PyPI', 'crates.io']);
    assert.equal(status.updatedAt, NOW.toISOString());
    assert.match(status.newestData ?? '', /^20\d\d-/);
    assert.ok(status.sources.every((source) => source.importedAt === NOW.toISOString()));
  });

  it('Go GO-2020-0001 (gin, fixed 1.6.0): affected below, including pre-releases and pseudo-versions, not at the fix', () => {
    const gin = (version: string): Map<string, string | undefined> => idsFor(db, pkg('Go', 'go', 'github.com/gin-gonic/gin', version));
    assert.equal(gin('v1.5.0').get('GO-2020-0001'), '1.6.0');
    assert.equal(gin('v1.6.0-rc.1').get('GO-2020-0001'), '1.6.0');
    assert.equal(gin('v0.0.0-20190101000000-abcdef123456').get('GO-2020-0001'), '1.6.0');
    assert.equal(gin('v1.6.0').has('GO-2020-0001'), false);
    assert.equal(gin('v1.9.1').has('GO-2020-0001'), false);
  });

  it('Go GO-2022-0191 (stdlib, two introduced/fixed pairs): the gap between them is not affected', () => {
    const stdlib = (version: string): Map<string, string | undefined> => idsFor(db, pkg('Go', 'go', 'stdlib', version));
    assert.equal(stdlib('go1.10.5').get('GO-2022-0191'), '1.10.6');
    assert.equal(stdlib('go1.10.6').has('GO-2022-0191'), false);
    assert.equal(stdlib('go1.11rc1').has('GO-2022-0191'), true, '1.11.0-rc.1 >= 1.11.0-0');
    assert.equal(stdlib('go1.11.2').get('GO-2022-0191'), '1.11.3');
    assert.equal(stdlib('go1.11.3').has('GO-2022-0191'), false);
  });

  it('crates.io RUSTSEC-2025-0041 (introduced 0.8.0, fixed 0.11.1) and its CVSS score', () => {
    const crate = (version: string): VulnerabilityFinding | undefined => matchWithDatabase(db, [pkg('crates.io', 'cargo', 'matrix-sdk-crypto', version)]).findings.find((finding) => finding.id === 'RUSTSEC-2025-0041');
    assert.equal(crate('0.7.9'), undefined);
    assert.equal(crate('0.8.0')?.fixedVersion, '0.11.1');
    assert.equal(crate('0.11.0')?.status, 'fixed');
    assert.equal(crate('0.11.1'), undefined);
    const finding = crate('0.9.0')!;
    assert.ok(finding.aliases.includes('CVE-2025-48937'));
    // the advisory's text states "the CVSS score is 4.9 (AV:N/AC:L/PR:H/UI:N/S:U/C:N/I:H/A:N)"
    assert.deepEqual(finding.severity.cvss.map((score) => score.score), [4.9]);
    assert.equal(finding.severity.level, 'medium');
  });

  it('severity from the CVSS vector of a record sharing an alias: GO-2024-3078 (no rating) by PYSEC-2024-72 (CVSS 3.1)', async () => {
    // Neither names the other; both name CVE-2024-43406 and GHSA-r5ph-4jxm-6j9p: the alias index finds it.
    const rated = (await db.match([pkg('Go', 'go', 'github.com/lf-edge/ekuiper', 'v1.14.1')])).findings.find((finding) => finding.id === 'GO-2024-3078');
    assert.deepEqual([rated?.severity.level, rated?.severity.from, rated?.severity.via, rated?.severity.cvss[0]?.vector, rated?.severity.cvss[0]?.score], ['high', 'cvss', 'PYSEC-2024-72', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 8.8]);
    // The pure matcher alone (no related records) leaves it unknown.
    assert.equal(matchWithDatabase(db, [pkg('Go', 'go', 'github.com/lf-edge/ekuiper', 'v1.14.1')]).findings.find((finding) => finding.id === 'GO-2024-3078')?.severity.level, 'unknown');
  });

  it('crates.io RUSTSEC-2016-0001 (openssl, introduced 0.0.0-0, fixed 0.9.0)', () => {
    assert.equal(idsFor(db, pkg('crates.io', 'cargo', 'openssl', '0.8.3')).get('RUSTSEC-2016-0001'), '0.9.0');
    assert.equal(idsFor(db, pkg('crates.io', 'cargo', 'openssl', '0.9.0')).has('RUSTSEC-2016-0001'), false);
  });

  it('PyPI PYSEC-2021-335 (AccessControl 4.0-4.3 and 5.0-5.2), found under any spelling of the name', () => {
    const access = (name: string, version: string): Map<string, string | undefined> => idsFor(db, pkg('PyPI', 'pep440', name, version));
    assert.equal(access('AccessControl', '3.9').has('PYSEC-2021-335'), false);
    assert.equal(access('AccessControl', '4.0').get('PYSEC-2021-335'), '4.3');
    assert.equal(access('accesscontrol', '4.2.1').get('PYSEC-2021-335'), '4.3');
    assert.equal(access('ACCESSCONTROL', '4.3').has('PYSEC-2021-335'), false);
    assert.equal(access('AccessControl', '5.1').get('PYSEC-2021-335'), '5.2');
    assert.equal(access('AccessControl', '5.2rc1').get('PYSEC-2021-335'), '5.2');
    assert.equal(access('AccessControl', '5.2').has('PYSEC-2021-335'), false);
    // PEP 503: aiohttp-session is found as aiohttp_session and Aiohttp.Session
    assert.equal(access('Aiohttp.Session', '2.6.0').get('PYSEC-2018-35'), '2.7.0');
    assert.equal(access('aiohttp_session', '2.7.0').has('PYSEC-2018-35'), false);
  });

  it('PyPI PYSEC-2022-42969 (py, last_affected 1.11.0): affected up to and including 1.11.0, no fix', () => {
    const py = (version: string): VulnerabilityFinding | undefined => matchWithDatabase(db, [pkg('PyPI', 'pep440', 'py', version)]).findings.find((finding) => finding.id === 'PYSEC-2022-42969');
    assert.equal(py('1.11.0')?.status, 'no-fix-yet');
    assert.equal(py('1.11.0')?.fixedVersion, undefined);
    assert.equal(py('1.4.7.dev3')?.status, 'no-fix-yet');
    assert.equal(py('1.11.0.post1'), undefined);
    assert.equal(py('1.11.1'), undefined);
  });

  it('passes the layer of the package through', () => {
    const layer = { index: 3, digest: 'sha256:' + 'ab'.repeat(32), createdBy: 'RUN pip install py==1.10.0' };
    const [finding] = matchWithDatabase(db, [pkg('PyPI', 'pep440', 'py', '1.10.0', { layer })]).findings;
    assert.deepEqual(finding?.layer, layer);
  });
});

describe('vulnerability database: Debian security tracker and Alpine secdb', () => {
  let db: SqliteVulnerabilityDatabase;
  before(async () => {
    db = openVulnerabilityDatabase(temporary('vuln.db'));
    const tracker = await importFrom(path.join(FIXTURES, 'debian-tracker.json'), db, options);
    assert.deepEqual(tracker.problems, []);
    const secdb = await importFrom(path.join(FIXTURES, 'alpine-secdb-v3.20-main.json'), db, options);
    assert.deepEqual(secdb.problems, [`${path.join(FIXTURES, 'alpine-secdb-v3.20-main.json')}: packages[2]: no pkg.name and pkg.secfixes`]);
  });
  after(() => db.close());

  const byId = (findings: VulnerabilityFinding[]): Record<string, Pick<VulnerabilityFinding, 'status' | 'fixedVersion'> & { level: string }> =>
    Object.fromEntries(findings.map((finding) => [finding.id, { status: finding.status, fixedVersion: finding.fixedVersion, level: finding.severity.level }]));

  it('matches Debian binary packages by source name and version, with every status', () => {
    const libssl = (sourceVersion: string): InstalledPackage => pkg('Debian:12', 'dpkg', 'libssl3', `${sourceVersion}`, { sourceName: 'openssl', sourceVersion });
    assert.deepEqual(byId(matchWithDatabase(db, [libssl('3.0.13-1~deb12u1')]).findings), { 'CVE-2024-5535': { status: 'fixed', fixedVersion: '3.0.14-1~deb12u1', level: 'low' } });
    assert.deepEqual(byId(matchWithDatabase(db, [libssl('3.0.14-1~deb12u1')]).findings), {});
    assert.deepEqual(byId(matchWithDatabase(db, [libssl('3.0.14-1~deb12u1')], { includeNotAffected: true }).findings), { 'CVE-2010-5298': { status: 'not-affected', fixedVersion: undefined, level: 'low' } });
    const libc = pkg('Debian:12', 'dpkg', 'libc6', '2.36-9+deb12u9', { sourceName: 'glibc' });
    assert.deepEqual(byId(matchWithDatabase(db, [libc]).findings), {
      'CVE-2010-4756': { status: 'will-not-fix', fixedVersion: undefined, level: 'low' },
      'CVE-2025-0395': { status: 'no-fix-yet', fixedVersion: undefined, level: 'medium' },
    });
    // epochs: 1:1.2.13 is past the fix 1:1.2.11.dfsg-4.1; an undetermined issue is reported as unfixed, unrated
    assert.deepEqual(byId(matchWithDatabase(db, [pkg('Debian:12', 'dpkg', 'zlib1g', '1:1.2.13.dfsg-1', { sourceName: 'zlib' })]).findings), {});
    assert.deepEqual(byId(matchWithDatabase(db, [pkg('Debian:12', 'dpkg', 'zlib1g', '1:1.2.11.dfsg-4', { sourceName: 'zlib' })]).findings), { 'CVE-2022-37434': { status: 'fixed', fixedVersion: '1:1.2.11.dfsg-4.1', level: 'high' } });
    assert.deepEqual(byId(matchWithDatabase(db, [pkg('Debian:12', 'dpkg', 'tar', '1.34+dfsg-1.2+deb12u1')]).findings), { 'CVE-2005-2541': { status: 'no-fix-yet', fixedVersion: undefined, level: 'unknown' } });
    // another release is another ecosystem
    assert.deepEqual(byId(matchWithDatabase(db, [pkg('Debian:11', 'dpkg', 'libssl1.1', '1.1.1w-0+deb11u1', { sourceName: 'openssl' })]).findings), { 'CVE-2024-5535': { status: 'no-fix-yet', fixedVersion: undefined, level: 'low' } });
  });

  it('matches Alpine packages by origin, fixed versions per release, "0" as not affected', () => {
    const ssl = (version: string): InstalledPackage => pkg('Alpine:v3.20', 'apk', 'libssl3', version, { sourceName: 'openssl' });
    assert.deepEqual(byId(matchWithDatabase(db, [ssl('3.3.1-r0')]).findings), {
      'CVE-2024-5535': { status: 'fixed', fixedVersion: '3.3.1-r1', level: 'unknown' },
      'CVE-2024-6119': { status: 'fixed', fixedVersion: '3.3.2-r0', level: 'unknown' },
    });
    assert.deepEqual(Object.keys(byId(matchWithDatabase(db, [ssl('3.3.1-r1')]).findings)), ['CVE-2024-6119']);
    assert.deepEqual(byId(matchWithDatabase(db, [ssl('3.3.2-r0')]).findings), {});
    const busybox = matchWithDatabase(db, [pkg('Alpine:v3.20', 'apk', 'busybox', '1.36.1-r28')]).findings.map((finding) => finding.id).sort();
    assert.deepEqual(busybox, ['CVE-2023-42363', 'CVE-2023-42364'], 'one secfixes line naming two CVEs');
  });

  it('OSV distribution records: Ubuntu:22.04:LTS is found for an Ubuntu 22.04 image, with the Ubuntu priority', async () => {
    const record = {
      schema_version: '1.6.0',
      id: 'UBUNTU-CVE-2024-6119',
      upstream: ['CVE-2024-6119'],
      modified: '2024-09-04T00:00:00Z',
      severity: [{ type: 'Ubuntu', score: 'medium' }, { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }],
      affected: [{ package: { ecosystem: 'Ubuntu:22.04:LTS', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.2-0ubuntu1.18' }] }] }],
    };
    const file = temporary('UBUNTU-CVE-2024-6119.json');
    writeFileSync(file, JSON.stringify(record));
    const ubuntu = openVulnerabilityDatabase(temporary('vuln.db'));
    await importFrom(file, ubuntu, options);
    const libssl = (version: string): InstalledPackage => pkg('Ubuntu:22.04', 'dpkg', 'libssl3', version, { sourceName: 'openssl' });
    const [finding] = matchWithDatabase(ubuntu, [libssl('3.0.2-0ubuntu1.17')]).findings;
    assert.deepEqual([finding?.id, finding?.aliases, finding?.fixedVersion, finding?.severity.level, finding?.severity.from], ['UBUNTU-CVE-2024-6119', ['CVE-2024-6119'], '3.0.2-0ubuntu1.18', 'medium', 'vendor']);
    assert.deepEqual(matchWithDatabase(ubuntu, [libssl('3.0.2-0ubuntu1.18')]).findings, []);
    ubuntu.close();
  });

  it('a re-import of the same source replaces it; status counts the feeds', async () => {
    const before = db.status();
    await importFrom(path.join(FIXTURES, 'debian-tracker.json'), db, { now: () => new Date('2026-11-24T00:00:00Z') });
    const after = db.status();
    assert.equal(after.advisories, before.advisories);
    assert.deepEqual(after.ecosystems, before.ecosystems);
    assert.equal(after.updatedAt, '2026-11-24T00:00:00.000Z');
    assert.deepEqual(after.ecosystems.map((row) => row.ecosystem), ['Alpine:v3.20', 'Debian:11', 'Debian:12']);
  });
});

describe('vulnerability database: archives, URLs and hostile input', () => {
  const goRecord = (id: string): string => readFileSync(path.join(VULNDATA, 'go', `${id}.json`), 'utf8');

  it('imports an OSV zip archive (as OSV publishes per ecosystem) and reports a bad entry without losing the others', async () => {
    const archive = temporary('all.zip');
    writeFileSync(archive, makeZip([{ name: 'GO-2020-0001.json', data: goRecord('GO-2020-0001') }, { name: 'broken.json', data: '{"id": ' }, { name: 'GO-2022-0191.json', data: goRecord('GO-2022-0191') }, { name: 'README.txt', data: 'ignored' }]));
    const db = openVulnerabilityDatabase(temporary('vuln.db'));
    const summary = await importFrom(archive, db, options);
    assert.equal(summary.batches[0]?.records, 2);
    assert.equal(summary.problems.length, 1);
    assert.match(summary.problems[0]!, /^broken\.json: /);
    assert.equal(idsFor(db, pkg('Go', 'go', 'github.com/gin-gonic/gin', 'v1.5.0')).get('GO-2020-0001'), '1.6.0');
    db.close();
  });

  it('refuses a zip bomb by its declared size, and an entry that inflates past what it declares', async () => {
    const db = openVulnerabilityDatabase(temporary('vuln.db'));
    const bomb = temporary('bomb.zip');
    writeFileSync(bomb, makeZip([{ name: 'zeros.json', data: Buffer.alloc(4 << 20) }]));
    await assert.rejects(importFrom(bomb, db, { ...options, limits: { maxDocumentBytes: 1 << 20 } }), /zeros\.json inflates to 4194304 bytes, more than the 1048576-byte limit/);
    const liar = temporary('liar.zip');
    writeFileSync(liar, makeZip([{ name: 'GO-2020-0001.json', data: goRecord('GO-2020-0001'), declaredSize: 100 }]));
    await assert.rejects(importFrom(liar, db, options), /GO-2020-0001\.json: .*(too many bytes|size)/i);
    const many = temporary('many.zip');
    writeFileSync(many, makeZip(Array.from({ length: 20 }, (_, index) => ({ name: `${index}.json`, data: '{}' }))));
    await assert.rejects(importFrom(many, db, { ...options, limits: { maxZipEntries: 10 } }), /20 entries, more than the 10 allowed/);
    await assert.rejects(importFrom(temporary('missing'), db, options), /no such file or directory/);
    db.close();
  });

  it('downloads over http from a loopback server, bounded, and reports HTTP errors', async () => {
    const archive = makeZip([{ name: 'GO-2020-0001.json', data: goRecord('GO-2020-0001') }]);
    const server: Server = createServer((request, response) => {
      if (request.url === '/osv/Go/all.zip') response.end(archive);
      else if (request.url === '/alpine/v3.20/main.json') response.end(readFileSync(path.join(FIXTURES, 'alpine-secdb-v3.20-main.json')));
      else if (request.url === '/huge') {
        response.writeHead(200);
        response.end(Buffer.alloc(2 << 20));
      } else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const db = openVulnerabilityDatabase(temporary('vuln.db'));
      const summary = await importFrom(`${base}/osv/Go/all.zip`, db, options);
      assert.deepEqual(summary.batches, [{ location: `${base}/osv/Go/all.zip`, format: 'osv', records: 1, packages: 1 }]);
      const secdb = await importFrom(`${base}/alpine/v3.20/main.json`, db, options);
      assert.equal(secdb.batches[0]?.format, 'alpine-secdb');
      await assert.rejects(importFrom(`${base}/missing.zip`, db, options), /HTTP 404/);
      await assert.rejects(importFrom(`${base}/huge`, db, { ...options, limits: { maxDownloadBytes: 1 << 20 } }), /download limit/);
      await assert.rejects(importFrom('ftp://127.0.0.1/x', db, options), /only http and https/);
      assert.deepEqual(db.status().sources.map((source) => source.location).sort(), [`${base}/alpine/v3.20/main.json`, `${base}/osv/Go/all.zip`]);
      db.close();
    } finally {
      server.close();
    }
  });

  it('imports YAML and JSON files from a tree, skipping what is neither, naming the bad file', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'palisade-vulndb-tree-'));
    mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
    writeFileSync(path.join(root, 'a', 'GO-2020-0001.json'), goRecord('GO-2020-0001'));
    writeFileSync(path.join(root, 'a', 'b', 'py.yaml'), readFileSync(path.join(VULNDATA, 'pypi', 'py', 'PYSEC-2022-42969.yaml')));
    writeFileSync(path.join(root, 'a', 'b', 'other.json'), '{"hello": 1}');
    writeFileSync(path.join(root, 'notes.md'), '# not data');
    const db = openVulnerabilityDatabase(temporary('vuln.db'));
    const summary = await importFrom(root, db, options);
    assert.equal(summary.batches[0]?.records, 2);
    assert.deepEqual(summary.problems, [`${path.join(root, 'a', 'b', 'other.json')}: not an OSV record, Debian security tracker or Alpine secdb document`]);
    db.close();
  });
});

describe('palisade db (built CLI)', () => {
  it('update and status, with --db, PALISADE_DB and the XDG cache default', () => {
    const file = temporary('cli.db');
    const update = palisade(['db', 'update', '--db', file, '--from', path.join(FIXTURES, 'debian-tracker.json'), '--from', path.join(FIXTURES, 'alpine-secdb-v3.20-main.json')]);
    assert.equal(update.code, 0, update.stderr);
    assert.match(update.stdout, /imported 6 alpine-secdb records \(6 affected packages\)/);
    assert.match(update.stderr, /packages\[2\]: no pkg.name/);
    const status = palisade(['db', 'status', '-o', 'json'], { env: { PALISADE_DB: file } });
    assert.equal(status.code, 0, status.stderr);
    const document = JSON.parse(status.stdout);
    assert.equal(document.apiVersion, 'palisade.dev/vulndb/v1');
    assert.equal(document.kind, 'DatabaseStatus');
    assert.equal(document.sources.length, 2);
    assert.equal(document.updatedAgeDays, 0);
    const table = palisade(['db', 'status', '--db', file]);
    assert.match(table.stdout, /Debian:12\s+6\s+6/);

    const cache = mkdtempSync(path.join(tmpdir(), 'palisade-xdg-'));
    assert.equal(defaultDatabasePath({ XDG_CACHE_HOME: cache }), path.join(cache, 'palisade', 'vuln.db'));
    const env = { XDG_CACHE_HOME: cache, PALISADE_DB: '' };
    assert.equal(palisade(['db', 'update', '--from', path.join(FIXTURES, 'debian-tracker.json')], { env }).code, 0);
    assert.ok(existsSync(path.join(cache, 'palisade', 'vuln.db')));
  });

  it('exit 2 with a clear message: no database, nothing to import, bad action', () => {
    const missing = palisade(['db', 'status', '--db', temporary('none.db')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no vulnerability database at .*none\.db \(run: palisade db update/);
    // Without --from: the default sources; one that cannot be reached fails the update, naming it.
    const unreachable = palisade(['db', 'update', '--db', temporary('x.db'), '--mirror', 'http://127.0.0.1:2', '--retries', '0', '--source', 'osv:Go']);
    assert.equal(unreachable.code, 2);
    assert.match(unreachable.stderr, /osv:Go: http:\/\/127\.0\.0\.1:2\/osv\/Go\/all\.zip: fetch failed \(connect ECONNREFUSED .*\) \(1 attempt\)/);
    const bad = palisade(['db', 'update', '--db', temporary('x.db'), '--from', temporary('absent.json')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /cannot read .*absent\.json: no such file or directory/);
    const notDatabase = temporary('not.db');
    writeFileSync(notDatabase, 'hello, not SQLite'.repeat(100));
    const wrong = palisade(['db', 'status', '--db', notDatabase]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /not\.db is not a Palisade vulnerability database: file is not a database\n$/);
    assert.equal(palisade(['db', 'frobnicate']).code, 2);
    assert.match(palisade(['db', '--help']).stdout, /Usage: palisade db update/);
  });
});
