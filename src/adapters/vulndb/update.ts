/**
 * `palisade db update` without `--from`: the default sources, in the layouts their publishers
 * use, from the publishers or from a mirror that copies those layouts under one base URL.
 *
 * - OSV, one archive per ecosystem Palisade matches: `<Ecosystem>/all.zip` the first time, then
 *   only the records `<Ecosystem>/modified_id.csv` (`<modified ISO time>,<id>` per line) lists
 *   as modified since the newest time imported, each fetched as `<Ecosystem>/<ID>.json`.
 * - The Debian security tracker JSON and Alpine's secdb (`v3.xx/main.json`, `community.json`),
 *   fetched again only when changed (`If-None-Match`, `If-Modified-Since`).
 *
 * Each source is imported in one transaction, so a source that fails (network, hash, a
 * corrupted archive, a zip bomb) leaves the data it brought before in place; the others go on.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { OS_RELEASES } from '../../core/images/os-support.js';
import type { FeedState, SqliteVulnerabilityDatabase } from './database.js';
import { DEFAULT_HTTP_LIMITS, downloadFile, fetchBytes, HttpStatusError, type HttpLimits, type HttpOptions } from './download.js';
import { DEFAULT_IMPORT_LIMITS, importDocuments, ImportError, importFile, type ImportLimits, type ImportOptions, type ImportSummary } from './import.js';

export const OSV_BASE = 'https://osv-vulnerabilities.storage.googleapis.com';
export const DEBIAN_TRACKER_URL = 'https://security-tracker.debian.org/tracker/data/json';
export const ALPINE_SECDB_BASE = 'https://secdb.alpinelinux.org';

/**
 * The OSV ecosystems of the packages Palisade inventories and matches (language analyzers and
 * the distributions whose advisories OSV carries natively). Debian and Alpine come from their
 * own trackers instead: OSV's copies of them are conversions of the same data.
 */
export const OSV_ECOSYSTEMS: readonly string[] = ['AlmaLinux', 'crates.io', 'Go', 'Maven', 'npm', 'NuGet', 'Packagist', 'PyPI', 'Red Hat', 'Rocky Linux', 'RubyGems', 'Ubuntu'];

/** Alpine releases with a secdb: those of the OS support table. */
export const ALPINE_RELEASES: readonly string[] = OS_RELEASES.filter((release) => release.id === 'alpine').map((release) => `v${release.version}`);

export interface DefaultSource {
  /** `osv:Go`, `debian-tracker`, `alpine:v3.20/main`: what `--source` selects and state is kept under. */
  name: string;
  kind: 'osv' | 'debian-tracker' | 'alpine-secdb';
  /** The archive or document. For OSV, the ecosystem's folder is its directory. */
  url: string;
}

/**
 * The default sources, from the publishers or under a mirror's base URL, which serves the same
 * layouts under `osv/`, `debian/` and `alpine/`:
 * `<mirror>/osv/Go/all.zip`, `<mirror>/debian/tracker/data/json`, `<mirror>/alpine/v3.20/main.json`.
 */
export function defaultSources(mirror?: string): DefaultSource[] {
  const base = mirror?.replace(/\/+$/, '');
  const osv = base ? `${base}/osv` : OSV_BASE;
  const alpine = base ? `${base}/alpine` : ALPINE_SECDB_BASE;
  return [
    ...OSV_ECOSYSTEMS.map((ecosystem): DefaultSource => ({ name: `osv:${ecosystem}`, kind: 'osv', url: `${osv}/${encodeURIComponent(ecosystem)}/all.zip` })),
    { name: 'debian-tracker', kind: 'debian-tracker', url: base ? `${base}/debian/tracker/data/json` : DEBIAN_TRACKER_URL },
    ...ALPINE_RELEASES.flatMap((release) => ['main', 'community'].map((repository): DefaultSource => ({ name: `alpine:${release}/${repository}`, kind: 'alpine-secdb', url: `${alpine}/${release}/${repository}.json` }))),
  ];
}

/** Sources by name: exact names, or a prefix ending in `:` or `/` (`osv:`, `alpine:v3.20/`). */
export function selectSources(sources: readonly DefaultSource[], names: readonly string[]): DefaultSource[] {
  if (names.length === 0) return [...sources];
  for (const name of names) {
    if (!sources.some((source) => source.name === name || (/[:/]$/.test(name) && source.name.startsWith(name)))) throw new ImportError(`--source ${name}: no such default source (${sources.map((source) => source.name).join(', ')})`);
  }
  return sources.filter((source) => names.some((name) => source.name === name || (/[:/]$/.test(name) && source.name.startsWith(name))));
}

export interface UpdateOptions {
  now: () => Date;
  progress?: (text: string) => void;
  /** Where partial downloads are kept between attempts and runs. */
  downloads: string;
  userAgent: string;
  limits?: Partial<ImportLimits>;
  http?: Partial<HttpLimits>;
  /** Download every OSV archive whole, even when an increment would do. */
  full?: boolean;
  /** More modified OSV records than this, and the archive is downloaded instead (default 2000). */
  maxIncrementalRecords?: number;
}

export type UpdateAction = 'downloaded' | 'incremental' | 'not-modified' | 'up-to-date';

export interface SourceUpdate {
  name: string;
  url: string;
  action: UpdateAction;
  /** Records imported (an increment: records fetched). */
  records: number;
  /** Bytes downloaded, and where a partial download was continued from. */
  bytes: number;
  resumedFrom?: number;
  /** Whether the bytes were checked against the MD5 the server published. */
  md5Verified?: boolean;
  problems: string[];
}

export interface UpdateResult {
  updated: SourceUpdate[];
  failures: { name: string; url: string; message: string }[];
}

/** Records fetched at once in an incremental OSV update. */
const RECORD_CONCURRENCY = 6;

const OSV_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The ids `modified_id.csv` lists as modified after `since`, and the newest time it lists. */
export function modifiedSince(csv: string, since: string, where: string): { ids: string[]; newest?: string } {
  const threshold = Date.parse(since);
  const ids = new Set<string>();
  let newest: string | undefined;
  let lines = 0;
  for (const line of csv.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    lines++;
    const comma = line.indexOf(',');
    const time = line.slice(0, comma);
    const id = line.slice(comma + 1).trim();
    const when = Date.parse(time);
    if (comma < 0 || Number.isNaN(when) || !OSV_ID.test(id)) throw new ImportError(`${where}: line ${lines}: expected "<modified ISO time>,<id>", got ${JSON.stringify(line.slice(0, 100))}`);
    if (newest === undefined || when > Date.parse(newest)) newest = time;
    if (when > threshold) ids.add(id);
  }
  return { ids: [...ids], ...(newest ? { newest } : {}) };
}

function fileName(name: string, url: string): string {
  return `${name.replace(/[^A-Za-z0-9.-]+/g, '_')}-${path.basename(new URL(url).pathname) || 'download'}`;
}

/**
 * Brings an OSV ecosystem up to date from `modified_id.csv`: the records modified after the
 * newest time imported, fetched one by one and merged in one transaction. Undefined when the
 * archive must be downloaded instead: too many records changed, or the server has no index
 * (a mirror that copies only the archives).
 */
async function osvIncrement(
  source: DefaultSource,
  state: FeedState & { newestModified: string },
  db: SqliteVulnerabilityDatabase,
  options: UpdateOptions,
  http: HttpOptions,
  importOptions: ImportOptions,
  checkedAt: string,
): Promise<SourceUpdate | undefined> {
  const maxDocumentBytes = importOptions.limits?.maxDocumentBytes ?? DEFAULT_IMPORT_LIMITS.maxDocumentBytes;
  const folder = source.url.slice(0, source.url.lastIndexOf('/'));
  const csvUrl = `${folder}/modified_id.csv`;
  let csv: Buffer;
  try {
    csv = await fetchBytes(csvUrl, { ...http, maxBytes: maxDocumentBytes });
  } catch (error) {
    if (!(error instanceof HttpStatusError && error.status === 404)) throw error;
    options.progress?.(`${source.name}: no ${csvUrl}; checking the archive`);
    return undefined;
  }
  const { ids, newest } = modifiedSince(csv.toString('utf8'), state.newestModified, csvUrl);
  const base = { name: source.name, url: source.url, problems: [] as string[] };
  if (ids.length === 0) {
    db.setFeedState({ ...state, checkedAt });
    return { ...base, action: 'up-to-date', records: 0, bytes: csv.length };
  }
  if (ids.length > (options.maxIncrementalRecords ?? 2000)) {
    options.progress?.(`${source.name}: ${ids.length} records modified, more than an increment: downloading the archive`);
    return undefined;
  }
  options.progress?.(`${source.name}: ${ids.length} records modified since ${state.newestModified}`);
  const documents: { name: string; text: string }[] = new Array(ids.length);
  let bytes = csv.length;
  let next = 0;
  // A few requests at a time: thousands of small records one after the other would take minutes.
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const index = next++;
      const id = ids[index]!;
      const url = `${folder}/${encodeURIComponent(id)}.json`;
      const body = await fetchBytes(url, { ...http, maxBytes: maxDocumentBytes });
      bytes += body.length;
      const text = body.toString('utf8');
      try {
        JSON.parse(text);
      } catch (error) {
        throw new ImportError(`${url}: not JSON: ${(error as Error).message}`);
      }
      documents[index] = { name: `${id}.json`, text };
      if (index % 100 === 99) options.progress?.(`${source.name}: ${index + 1}/${ids.length} records`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(RECORD_CONCURRENCY, ids.length) }, worker));
  // One transaction: the increment lands whole or not at all.
  const summary = importDocuments(documents, source.url, db, { ...importOptions, mode: 'merge' });
  db.setFeedState({ ...state, newestModified: newest ?? state.newestModified, checkedAt });
  return { ...base, action: 'incremental', records: documents.length, bytes, problems: summary.problems };
}

async function updateOne(source: DefaultSource, db: SqliteVulnerabilityDatabase, options: UpdateOptions): Promise<SourceUpdate> {
  const limits = { ...DEFAULT_IMPORT_LIMITS, ...options.limits };
  const http: HttpOptions = { limits: { ...DEFAULT_HTTP_LIMITS, ...options.http }, maxBytes: limits.maxDownloadBytes, userAgent: options.userAgent, ...(options.progress ? { progress: options.progress } : {}) };
  const importOptions = { now: options.now, ...(options.progress ? { progress: options.progress } : {}), limits };
  const previous = db.feedState(source.name);
  const same = previous?.url === source.url ? previous : undefined;
  const checkedAt = options.now().toISOString();
  const result = (action: UpdateAction, extra: Partial<SourceUpdate> = {}): SourceUpdate => ({ name: source.name, url: source.url, action, records: 0, bytes: 0, problems: [], ...extra });

  if (source.kind === 'osv' && same?.newestModified && !options.full) {
    const increment = await osvIncrement(source, same as FeedState & { newestModified: string }, db, options, http, importOptions, checkedAt);
    if (increment) return increment;
  }

  const target = path.join(options.downloads, fileName(source.name, source.url));
  const conditional = same && (source.kind !== 'osv' || same.newestModified) ? { ...(same.etag ? { etag: same.etag } : {}), ...(same.lastModified ? { lastModified: same.lastModified } : {}) } : undefined;
  const downloaded = await downloadFile(source.url, target, { ...http, ...(conditional && !options.full ? { conditional } : {}) });
  if (downloaded.notModified) {
    db.setFeedState({ ...same!, checkedAt });
    return result('not-modified');
  }
  let summary: ImportSummary;
  try {
    summary = await importFile(downloaded.file, source.url, db, importOptions);
  } finally {
    await rm(downloaded.file, { force: true });
  }
  const expected = source.kind === 'osv' ? 'osv' : source.kind;
  const batch = summary.batches.find((item) => item.format === expected);
  if (!batch) throw new ImportError(`${source.url}: no ${expected === 'osv' ? 'OSV records' : `${expected} document`} in what was downloaded${summary.problems.length ? `: ${summary.problems.slice(0, 3).join('; ')}` : ''}`);
  const state: FeedState = { name: source.name, url: source.url, ...downloaded.validators, checkedAt };
  if (source.kind === 'osv' && summary.newest) state.newestModified = summary.newest;
  db.setFeedState(state);
  return result('downloaded', {
    records: batch.records,
    bytes: downloaded.bytes,
    ...(downloaded.resumedFrom !== undefined ? { resumedFrom: downloaded.resumedFrom } : {}),
    md5Verified: downloaded.md5Verified,
    problems: summary.problems,
  });
}

/** Updates each source in turn; one that fails is reported and the others still run. */
export async function updateDefaultSources(db: SqliteVulnerabilityDatabase, sources: readonly DefaultSource[], options: UpdateOptions): Promise<UpdateResult> {
  const updated: SourceUpdate[] = [];
  const failures: UpdateResult['failures'] = [];
  for (const [index, source] of sources.entries()) {
    options.progress?.(`[${index + 1}/${sources.length}] ${source.name}: ${source.url}`);
    try {
      updated.push(await updateOne(source, db, options));
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      failures.push({ name: source.name, url: source.url, message: error.message });
    }
  }
  return { updated, failures };
}
