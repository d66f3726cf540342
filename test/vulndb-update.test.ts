/**
 * `palisade db update` from the default sources, against a loopback server that serves the
 * publishers' layouts (OSV's bucket: `<Ecosystem>/all.zip`, `modified_id.csv`, `<ID>.json`,
 * with `x-goog-hash`, ETags and ranges; the Debian tracker JSON; Alpine secdb) built from the
 * real OSV records in the shared data. Every request is logged, so the tests count them.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import yaml from 'js-yaml';
import { matchWithDatabase, openVulnerabilityDatabase, type SqliteVulnerabilityDatabase } from '../src/adapters/vulndb/index.js';
import { defaultSources, modifiedSince, selectSources, updateDefaultSources, type UpdateOptions } from '../src/adapters/vulndb/update.js';
import { cycloneDxBom } from '../src/adapters/sbom/cyclonedx.js';
import { vulnerabilityDataNotice } from '../src/app/image.js';
import type { InstalledPackage } from '../src/core/images/model.js';
import { palisadeAsync } from './support/cli.js';
import { repoPath, SHARED } from './support/paths.js';
import { tempDir } from './support/temp.js';
import { makeZip, type ZipEntry } from './support/zip.js';

const VULNDATA = path.join(SHARED, 'vulndata');
const NOW = new Date('2026-12-01T12:00:00Z');

interface OsvRecord {
  id: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  summary?: string;
  affected?: { package: { ecosystem: string; name: string }; ranges?: { type: string; events: Record<string, string>[] }[] }[];
}

/** Real records: a slice of each folder plus the ones the tests name. */
function records(folder: 'go' | 'pypi', count: number, named: string[]): OsvRecord[] {
  const root = path.join(VULNDATA, folder);
  const files = folder === 'go' ? readdirSync(root).filter((file) => file.endsWith('.json')).sort().map((file) => path.join(root, file)) : readdirSync(root, { recursive: true }).map(String).filter((file) => file.endsWith('.yaml')).sort().map((file) => path.join(root, file));
  const wanted = files.filter((file, index) => index < count || named.includes(path.basename(file).replace(/\.(json|yaml)$/, '')));
  return wanted.map((file) => (file.endsWith('.json') ? JSON.parse(readFileSync(file, 'utf8')) : JSON.parse(JSON.stringify(yaml.load(readFileSync(file, 'utf8'))))) as OsvRecord);
}

/** The time OSV's modified_id.csv gives a record (the Go data writes 0001-01-01 for modified). */
const modifiedOf = (record: OsvRecord): string => (record.modified && !record.modified.startsWith('0001') ? record.modified : record.published ?? '2000-01-01T00:00:00Z');

interface Served {
  body: Buffer;
  etag: string;
  /** x-goog-hash md5 of these bytes instead (a corrupted transfer). */
  md5Of?: Buffer;
}

interface Logged {
  path: string;
  range?: string;
  conditional: boolean;
  status: number;
}

/** A loopback server for the mirror layout: osv/<Ecosystem>/..., debian/tracker/data/json, alpine/v3.xx/main.json. */
class Mirror {
  readonly files = new Map<string, Served>();
  readonly log: Logged[] = [];
  /** Paths whose next response is cut after half its body. */
  readonly breakOnce = new Set<string>();
  private server!: Server;
  url = '';

  set(file: string, body: Buffer | string, options: { md5Of?: Buffer } = {}): void {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    this.files.set(file, { body: bytes, etag: `"${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}"`, ...options });
  }

  setEcosystem(ecosystem: string, list: OsvRecord[]): void {
    const entries: ZipEntry[] = list.map((record) => ({ name: `${record.id}.json`, data: JSON.stringify(record) }));
    this.set(`/osv/${ecosystem}/all.zip`, makeZip(entries));
    const lines = list.map((record) => [modifiedOf(record), record.id] as const).sort((a, b) => Date.parse(b[0]) - Date.parse(a[0]));
    this.set(`/osv/${ecosystem}/modified_id.csv`, lines.map(([time, id]) => `${time},${id}\n`).join(''));
    for (const record of list) this.set(`/osv/${ecosystem}/${record.id}.json`, JSON.stringify(record));
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  requests(prefix = ''): Logged[] {
    return this.log.filter((entry) => entry.path.startsWith(prefix));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const file = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const served = this.files.get(file);
    const range = request.headers.range;
    const conditional = request.headers['if-none-match'] !== undefined || request.headers['if-modified-since'] !== undefined;
    const entry: Logged = { path: file, ...(range ? { range } : {}), conditional, status: 200 };
    this.log.push(entry);
    if (!served) {
      entry.status = 404;
      response.writeHead(404).end('not found');
      return;
    }
    const md5 = createHash('md5').update(served.md5Of ?? served.body).digest('base64');
    const headers = { etag: served.etag, 'last-modified': 'Sun, 01 Nov 2026 00:00:00 GMT', 'x-goog-hash': `crc32c=AAAAAA==,md5=${md5}`, 'accept-ranges': 'bytes' };
    if (request.headers['if-none-match'] === served.etag) {
      entry.status = 304;
      response.writeHead(304, headers).end();
      return;
    }
    const ranged = range && request.headers['if-range'] === served.etag ? /^bytes=(\d+)-$/.exec(range) : null;
    if (ranged && Number(ranged[1]) < served.body.length) {
      const start = Number(ranged[1]);
      entry.status = 206;
      response.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${served.body.length - 1}/${served.body.length}`, 'content-length': served.body.length - start });
      response.end(served.body.subarray(start));
      return;
    }
    response.writeHead(200, { ...headers, 'content-length': served.body.length });
    if (this.breakOnce.delete(file)) {
      // Half the body, then the connection drops.
      response.write(served.body.subarray(0, served.body.length >> 1), () => setTimeout(() => response.socket?.destroy(), 300));
      return;
    }
    response.end(served.body);
  }
}

const SOURCES = ['osv:Go', 'osv:PyPI', 'debian-tracker', 'alpine:v3.20/main'];
const GO = records('go', 300, ['GO-2024-3078', 'GO-2022-1059']);
const PYPI = records('pypi', 200, ['PYSEC-2024-72']);

function updater(mirror: Mirror, downloads: string, extra: Partial<UpdateOptions> = {}) {
  return (db: SqliteVulnerabilityDatabase, names = SOURCES) =>
    updateDefaultSources(db, selectSources(defaultSources(mirror.url), names), { now: () => NOW, downloads, userAgent: 'palisade-test', http: { attempts: 2, backoffMs: 10, headersTimeoutMs: 5000, idleTimeoutMs: 5000 }, ...extra });
}

const ekuiper = (version: string): InstalledPackage => ({ ecosystem: 'Go', scheme: 'go', name: 'github.com/lf-edge/ekuiper', version, path: 'usr/bin/kuiper' });

describe('db update from the default sources (a loopback mirror of their layouts)', () => {
  const mirror = new Mirror();
  let db: SqliteVulnerabilityDatabase;
  let update: ReturnType<typeof updater>;
  before(async () => {
    await mirror.start();
    mirror.setEcosystem('Go', GO);
    mirror.setEcosystem('PyPI', PYPI);
    mirror.set('/debian/tracker/data/json', readFileSync(repoPath('test/fixtures/vulndb/debian-tracker.json')));
    mirror.set('/alpine/v3.20/main.json', readFileSync(repoPath('test/fixtures/vulndb/alpine-secdb-v3.20-main.json')));
    const dir = tempDir('palisade-update');
    db = openVulnerabilityDatabase(path.join(dir, 'vuln.db'));
    update = updater(mirror, path.join(dir, 'downloads'));
  });
  after(async () => {
    db.close();
    await mirror.stop();
  });

  it('the default sources: every OSV ecosystem Palisade matches, the Debian tracker, Alpine secdb per release', () => {
    const names = defaultSources().map((source) => source.name);
    for (const name of ['osv:Go', 'osv:PyPI', 'osv:npm', 'osv:Maven', 'osv:crates.io', 'osv:RubyGems', 'osv:NuGet', 'osv:Packagist', 'osv:Ubuntu', 'osv:Rocky Linux', 'debian-tracker', 'alpine:v3.22/community']) assert.ok(names.includes(name), name);
    const go = defaultSources().find((source) => source.name === 'osv:Rocky Linux')!;
    assert.equal(go.url, 'https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux/all.zip');
    assert.equal(defaultSources('http://m.example/v/').find((source) => source.name === 'alpine:v3.20/main')!.url, 'http://m.example/v/alpine/v3.20/main.json');
    assert.throws(() => selectSources(defaultSources(), ['osv:Cobol']), /no such default source/);
    assert.deepEqual(modifiedSince('2026-11-02T00:00:00Z,GO-2\n2026-11-01T00:00:00Z,GO-1\n', '2026-11-01T00:00:00Z', 'x'), { ids: ['GO-2'], newest: '2026-11-02T00:00:00Z' });
    assert.throws(() => modifiedSince('<html>', '2026-11-01T00:00:00Z', 'csv'), /csv: line 1: expected "<modified ISO time>,<id>"/);
  });

  it('first update downloads every archive and document, verified against x-goog-hash', async () => {
    const result = await update(db);
    assert.deepEqual(result.failures, []);
    assert.deepEqual(result.updated.map((item) => [item.name, item.action, item.md5Verified]), SOURCES.map((name) => [name, 'downloaded', true]));
    const live = (list: OsvRecord[]) => list.filter((record) => !record.withdrawn).length;
    assert.equal(result.updated[0]!.records, live(GO));
    assert.equal(result.updated[1]!.records, live(PYPI));
    assert.deepEqual(mirror.requests().map((entry) => entry.path), ['/osv/Go/all.zip', '/osv/PyPI/all.zip', '/debian/tracker/data/json', '/alpine/v3.20/main.json']);
    assert.ok(matchWithDatabase(db, [ekuiper('v1.14.1')]).findings.some((finding) => finding.id === 'GO-2024-3078'));
  });

  it('severity: a Go advisory without a rating takes the CVSS vector of the PyPI record that shares its aliases', async () => {
    const finding = (await db.match([ekuiper('v1.14.1')])).findings.find((item) => item.id === 'GO-2024-3078');
    // GO-2024-3078 names CVE-2024-43406 and GHSA-r5ph-4jxm-6j9p; PYSEC-2024-72 names them too, with CVSS:3.1 .../PR:L/.../C:H/I:H/A:H.
    assert.deepEqual([finding?.severity.level, finding?.severity.from, finding?.severity.via, finding?.severity.cvss[0]?.score], ['high', 'cvss', 'PYSEC-2024-72', 8.8]);
  });

  it('CycloneDX vulnerabilities: affects by bom-ref, ratings with method, score, vector; valid against the library schema', async () => {
    const packages = [ekuiper('v1.14.1'), { ...ekuiper('v1.14.1'), name: 'golang.org/x/text', version: 'v0.3.7', path: 'usr/bin/app' }];
    const { findings } = await db.match(packages);
    const inventory = { image: { reference: 'registry.example/app:1', digest: `sha256:${'a'.repeat(64)}`, layers: [] }, packages } as unknown as Parameters<typeof cycloneDxBom>[0];
    const text = cycloneDxBom(inventory, { version: 'test', now: NOW, vulnerabilities: findings });
    const problems = await new Validation.JsonStrictValidator(Spec.Version.v1dot5).validate(text);
    assert.equal(problems, null, JSON.stringify(problems));
    const bom = JSON.parse(text) as { components: { 'bom-ref': string; name: string }[]; vulnerabilities: { id: string; source: { name: string }; affects: { ref: string }[]; ratings: { method: string; score?: number; vector?: string; severity: string; source: { url: string } }[]; recommendation: string; references?: { id: string }[] }[] };
    const kuiper = bom.vulnerabilities.find((item) => item.id === 'GO-2024-3078')!;
    assert.deepEqual(kuiper.affects.map((affect) => affect.ref), [bom.components.find((component) => component.name === 'github.com/lf-edge/ekuiper')!['bom-ref']]);
    assert.deepEqual(kuiper.ratings.map((rating) => [rating.method, rating.score, rating.vector, rating.severity, rating.source.url]), [['CVSSv31', 8.8, 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 'high', 'https://osv.dev/vulnerability/PYSEC-2024-72']]);
    assert.equal(kuiper.source.name, 'OSV');
    assert.match(kuiper.recommendation, /github\.com\/lf-edge\/ekuiper v1\.14\.1 -> 1\.14\.2/);
    assert.deepEqual(kuiper.references?.map((reference) => reference.id).sort(), ['CVE-2024-43406', 'GHSA-r5ph-4jxm-6j9p']);
    const text2 = bom.vulnerabilities.find((item) => item.id === 'GO-2022-1059')!;
    assert.deepEqual(text2.ratings.map((rating) => [rating.method, rating.severity]), [['other', 'unknown']]);
    // Without the option, no vulnerabilities.
    assert.equal(JSON.parse(cycloneDxBom(inventory, { version: 'test', now: NOW })).vulnerabilities, undefined);
  });

  it('a second update fetches only modified_id.csv and conditional documents; a third only the modified records', async () => {
    mirror.log.length = 0;
    const quiet = await update(db);
    assert.deepEqual(quiet.updated.map((item) => item.action), ['up-to-date', 'up-to-date', 'not-modified', 'not-modified']);
    assert.deepEqual(mirror.requests().map((entry) => [entry.path, entry.status]), [['/osv/Go/modified_id.csv', 200], ['/osv/PyPI/modified_id.csv', 200], ['/debian/tracker/data/json', 304], ['/alpine/v3.20/main.json', 304]]);

    // Upstream changes three Go records: the ekuiper fix moves to 1.14.3, one record is withdrawn, one reworded.
    const changed = structuredClone(GO);
    const at = (id: string) => changed.find((record) => record.id === id)!;
    at('GO-2024-3078').affected![0]!.ranges![0]!.events[1] = { fixed: '1.14.3' };
    at('GO-2022-1059').withdrawn = '2026-11-30T00:00:00Z';
    const reworded = changed.find((record) => !record.withdrawn && !['GO-2024-3078', 'GO-2022-1059'].includes(record.id))!;
    reworded.summary = 'reworded upstream';
    for (const [index, record] of [at('GO-2024-3078'), at('GO-2022-1059'), reworded].entries()) record.modified = `2026-11-30T10:0${index}:00Z`;
    mirror.setEcosystem('Go', changed);
    mirror.log.length = 0;
    const before = matchWithDatabase(db, [{ ...ekuiper('v0.3.7'), name: 'golang.org/x/text' }]).findings.map((finding) => finding.id);
    assert.ok(before.includes('GO-2022-1059'));
    const third = await update(db, ['osv:Go']);
    assert.deepEqual(third.updated.map((item) => [item.action, item.records]), [['incremental', 3]]);
    assert.deepEqual(mirror.requests().map((entry) => entry.path).sort(), ['/osv/Go/GO-2022-1059.json', '/osv/Go/GO-2024-3078.json', `/osv/Go/${reworded.id}.json`, '/osv/Go/modified_id.csv'].sort());
    assert.ok(!mirror.requests().some((entry) => entry.path.endsWith('all.zip')));
    // The increment took effect: 1.14.2 is now affected, the withdrawn record is gone, the others stay.
    assert.ok(matchWithDatabase(db, [ekuiper('v1.14.2')]).findings.some((finding) => finding.id === 'GO-2024-3078'));
    assert.ok(!matchWithDatabase(db, [{ ...ekuiper('v0.3.7'), name: 'golang.org/x/text' }]).findings.some((finding) => finding.id === 'GO-2022-1059'));
    const source = db.status().sources.find((item) => item.location === `${mirror.url}/osv/Go/all.zip`)!;
    assert.equal(source.records, GO.filter((record) => !record.withdrawn).length - 1);
    assert.equal(db.feedState('osv:Go')?.newestModified, '2026-11-30T10:02:00Z');
    // And nothing more to fetch after it.
    mirror.log.length = 0;
    assert.deepEqual((await update(db, ['osv:Go'])).updated.map((item) => item.action), ['up-to-date']);
    assert.equal(mirror.requests().length, 1);
    mirror.setEcosystem('Go', GO);
  });

  it('a mirror without modified_id.csv: the archive, asked for conditionally', async () => {
    const csv = mirror.files.get('/osv/Go/modified_id.csv')!;
    mirror.files.delete('/osv/Go/modified_id.csv');
    mirror.log.length = 0;
    const result = await update(db, ['osv:Go']);
    assert.deepEqual(result.updated.map((item) => item.action), ['not-modified']);
    assert.deepEqual(mirror.requests().map((entry) => [entry.path, entry.status, entry.conditional]), [['/osv/Go/modified_id.csv', 404, false], ['/osv/Go/all.zip', 304, true]]);
    mirror.files.set('/osv/Go/modified_id.csv', csv);
  });

  it('a corrupted archive (hash mismatch, or not a zip) is refused and the previous data is kept', async () => {
    const counts = () => db.status().sources.map((item) => [item.location, item.records]);
    const kept = counts();
    const good = mirror.files.get('/osv/Go/all.zip')!.body;
    const flipped = Buffer.from(good);
    flipped.writeUInt8(flipped.readUInt8(flipped.length >> 1) ^ 0xff, flipped.length >> 1);
    mirror.set('/osv/Go/all.zip', flipped, { md5Of: good });
    const full = updater(mirror, tempDir('palisade-downloads'), { full: true });
    const refused = await full(db, ['osv:Go']);
    assert.equal(refused.updated.length, 0);
    assert.match(refused.failures[0]!.message, /MD5 mismatch: x-goog-hash says .* \(2 attempts\)/);
    assert.deepEqual(counts(), kept);
    // Bytes that hash right but are no zip: refused by the reader, nothing stored.
    mirror.set('/osv/Go/all.zip', good.subarray(0, good.length - 200));
    const truncated = await full(db, ['osv:Go']);
    assert.match(truncated.failures[0]!.message, /not a readable zip archive|no OSV records/);
    assert.deepEqual(counts(), kept);
    assert.ok(matchWithDatabase(db, [ekuiper('v1.14.1')]).findings.some((finding) => finding.id === 'GO-2024-3078'));
    mirror.set('/osv/Go/all.zip', good);
  });

  it('a zip bomb is refused (an entry inflating past what it declares, or past the limit) and the previous data kept', async () => {
    const kept = db.status().advisories;
    const full = updater(mirror, tempDir('palisade-downloads'), { full: true, limits: { maxDocumentBytes: 1 << 20 } });
    const zeros = Buffer.alloc(64 << 20);
    mirror.set('/osv/Go/all.zip', makeZip([{ name: 'GO-2024-3078.json', data: JSON.stringify(GO[0]) }, { name: 'bomb.json', data: zeros, declaredSize: 100 }]));
    const lying = await full(db, ['osv:Go']);
    assert.match(lying.failures[0]!.message, /bomb\.json/);
    mirror.set('/osv/Go/all.zip', makeZip([{ name: 'bomb.json', data: zeros }]));
    const honest = await full(db, ['osv:Go']);
    assert.match(honest.failures[0]!.message, /bomb\.json inflates to 67108864 bytes, more than the 1048576-byte limit/);
    assert.ok((mirror.files.get('/osv/Go/all.zip')!.body.length) < 1 << 20, 'the archive itself is small');
    assert.equal(db.status().advisories, kept);
    mirror.setEcosystem('Go', GO);
  });
});

describe('db update: interrupted downloads resume', () => {
  it('a download cut halfway continues with Range from where it stopped', async () => {
    const mirror = new Mirror();
    await mirror.start();
    try {
      mirror.setEcosystem('Go', GO);
      mirror.breakOnce.add('/osv/Go/all.zip');
      const dir = tempDir('palisade-resume');
      const db = openVulnerabilityDatabase(path.join(dir, 'vuln.db'));
      const progress: string[] = [];
      const result = await updater(mirror, path.join(dir, 'downloads'), { progress: (text) => progress.push(text) })(db, ['osv:Go']);
      assert.deepEqual(result.failures, []);
      // Progress (stderr on a terminal): the source, the interruption and the retry.
      assert.equal(progress[0], `[1/1] osv:Go: ${mirror.url}/osv/Go/all.zip`);
      assert.ok(progress.some((line) => /all\.zip: download interrupted: .*; retrying in 10 ms$/.test(line)), progress.join('\n'));
      const size = mirror.files.get('/osv/Go/all.zip')!.body.length;
      const [first, second] = mirror.requests('/osv/Go/all.zip');
      assert.equal(first?.status, 200);
      assert.equal(second?.status, 206);
      const from = Number(/^bytes=(\d+)-$/.exec(second?.range ?? '')?.[1]);
      assert.ok(from > 0 && from < size, `resumed at ${from} of ${size}`);
      assert.deepEqual([result.updated[0]?.resumedFrom, result.updated[0]?.md5Verified, result.updated[0]?.records], [from, true, GO.filter((record) => !record.withdrawn).length]);
      assert.equal(readdirSync(path.join(dir, 'downloads')).length, 0, 'no partial file left');
      db.close();

      // Across runs: a run that gives up keeps the partial file, the next one continues it.
      mirror.log.length = 0;
      mirror.breakOnce.add('/osv/Go/all.zip');
      const next = openVulnerabilityDatabase(path.join(dir, 'next.db'));
      const once = updater(mirror, path.join(dir, 'downloads-2'), { http: { attempts: 1, backoffMs: 10, headersTimeoutMs: 5000, idleTimeoutMs: 5000 } });
      const failed = await once(next, ['osv:Go']);
      assert.match(failed.failures[0]?.message ?? '', /download interrupted.*\(1 attempt\)/);
      assert.deepEqual(readdirSync(path.join(dir, 'downloads-2')).sort(), ['osv_Go-all.zip.part', 'osv_Go-all.zip.part.json']);
      assert.equal(next.status().sources.length, 0);
      const resumed = await once(next, ['osv:Go']);
      assert.deepEqual(resumed.failures, []);
      assert.ok((resumed.updated[0]?.resumedFrom ?? 0) > 0);
      assert.deepEqual(mirror.requests('/osv/Go/all.zip').map((entry) => entry.status), [200, 206]);
      next.close();
    } finally {
      await mirror.stop();
    }
  });
});

describe('palisade db update and image (built CLI): mirror, progress, staleness', () => {
  const mirror = new Mirror();
  before(async () => {
    await mirror.start();
    mirror.setEcosystem('Go', GO);
    mirror.set('/debian/tracker/data/json', readFileSync(repoPath('test/fixtures/vulndb/debian-tracker.json')));
  });
  after(() => mirror.stop());

  it('updates from PALISADE_DB_MIRROR, reports per source, exits 2 when a source fails', async () => {
    const db = path.join(tempDir('palisade-cli-update'), 'vuln.db');
    const first = await palisadeAsync(['db', 'update', '--db', db, '--source', 'osv:Go', '--source', 'debian-tracker'], { env: { PALISADE_DB_MIRROR: mirror.url } });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`^osv:Go: downloaded \\(${GO.filter((record) => !record.withdrawn).length} records, [\\d.]+ MB, MD5 verified\\)$`, 'm'));
    assert.match(first.stdout, /^debian-tracker: downloaded/m);
    const status = JSON.parse((await palisadeAsync(['db', 'status', '--db', db, '-o', 'json'])).stdout) as { feeds: { name: string; url: string; etag?: string; newestModified?: string }[] };
    const newestGo = GO.map(modifiedOf).sort((a, b) => Date.parse(a) - Date.parse(b)).at(-1);
    assert.deepEqual(status.feeds.map((feed) => [feed.name, feed.url, Boolean(feed.etag), feed.newestModified]), [
      ['debian-tracker', `${mirror.url}/debian/tracker/data/json`, true, undefined],
      ['osv:Go', `${mirror.url}/osv/Go/all.zip`, true, newestGo],
    ]);
    assert.match((await palisadeAsync(['db', 'status', '--db', db])).stdout, /DEFAULT SOURCE +CHECKED +NEWEST MODIFIED\n.*\nosv:Go +\S+ +20\d\d-/m);
    const second = await palisadeAsync(['db', 'update', '--db', db, '--source', 'osv:', '--mirror', mirror.url, '--retries', '0', '-o', 'json'], {});
    assert.equal(second.code, 2, 'the ecosystems this mirror lacks fail');
    const report = JSON.parse(second.stdout) as { sources: { name: string; action: string }[]; failures: string[] };
    assert.deepEqual(report.sources.map((item) => [item.name, item.action]), [['osv:Go', 'up-to-date']]);
    assert.match(report.failures.join('\n'), /osv:npm: .*\/osv\/npm\/all\.zip: HTTP 404/);
    assert.match(second.stderr, /osv:PyPI: .*HTTP 404 .*\(the data it brought before is kept\)/);
    const bad = await palisadeAsync(['db', 'update', '--db', db, '--mirror', 'ftp://x', '--source', 'osv:Go']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--mirror ftp:\/\/x: expected an http\(s\) URL/);
    const mixed = await palisadeAsync(['db', 'update', '--db', db, '--from', 'x.json', '--mirror', mirror.url]);
    assert.match(mixed.stderr, /--mirror is for the default sources, not with --from/);
  });

  it('palisade image says when the data is missing or stale, and the command that fixes it', async () => {
    assert.equal(vulnerabilityDataNotice({ updatedAt: '2026-11-30T00:00:00Z' }, NOW, 7, 'palisade db update'), undefined);
    assert.match(vulnerabilityDataNotice({ updatedAt: '2026-11-01T00:00:00Z' }, NOW, 7, 'palisade db update') ?? '', /is 30 days old .*run palisade db update$/);
    assert.equal(vulnerabilityDataNotice({ updatedAt: '2026-11-01T00:00:00Z' }, NOW, 0, 'palisade db update'), undefined);

    const dir = tempDir('palisade-stale');
    const file = path.join(dir, 'vuln.db');
    const old = openVulnerabilityDatabase(file);
    old.store({ location: 'x', format: 'osv', records: 0, advisories: [], replaces: {} }, new Date(Date.now() - 20 * 86_400_000));
    old.close();
    const missingImage = `docker-archive:${path.join(dir, 'absent.tar')}`;
    const stale = await palisadeAsync(['image', '--db', file, missingImage]);
    assert.match(stale.stderr, new RegExp(`palisade image: the vulnerability data is 20 days old \\(last updated .*, more than 7 days ago\\): vulnerabilities published since are missed; run palisade db update --db ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const allowed = await palisadeAsync(['image', '--db', file, '--db-max-age', '30', missingImage]);
    assert.doesNotMatch(allowed.stderr, /days old/);
    const env = await palisadeAsync(['image', '--db', file, missingImage], { env: { PALISADE_DB_MAX_AGE_DAYS: '40' } });
    assert.doesNotMatch(env.stderr, /days old/);
    const none = await palisadeAsync(['image', missingImage]);
    assert.match(none.stderr, /no vulnerability database at .*vuln\.db: listing packages only, no vulnerabilities \(run: palisade db update\)/);
    const absent = await palisadeAsync(['image', '--db', path.join(dir, 'none.db'), missingImage]);
    assert.equal(absent.code, 2);
    assert.match(absent.stderr, /--db .*none\.db: no such vulnerability database \(run: palisade db update --db .*none\.db\)/);
    const sbom = await palisadeAsync(['image', '--sbom-vulnerabilities', missingImage]);
    assert.match(sbom.stderr, /--sbom-vulnerabilities .* use it with -o cyclonedx/);
  });
});
