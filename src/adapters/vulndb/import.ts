/**
 * `palisade db update --from PATH|URL`: reads a file, a directory tree or a zip archive (as
 * OSV publishes per ecosystem: `<ecosystem>/all.zip`), or downloads one over http(s), and
 * stores what it holds. Every input is bounded: record and document sizes, zip entry count
 * and uncompressed sizes (checked against the bytes actually inflated), download size.
 */
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yaml from 'js-yaml';
import yauzl from 'yauzl';
import type { PackageAdvisory } from '../../core/images/advisory.js';
import type { SqliteVulnerabilityDatabase } from './database.js';
import { convertAlpineSecdb, convertDebianTracker, convertOsv, detectFormat, type Converted } from './formats.js';

export interface ImportLimits {
  /** One file or zip entry: an OSV record, a tracker or a secdb document (the Debian tracker JSON is about 80 MB). */
  maxDocumentBytes: number;
  maxZipEntries: number;
  maxZipTotalBytes: number;
  maxDownloadBytes: number;
  maxFiles: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxDocumentBytes: 256 << 20,
  maxZipEntries: 1_000_000,
  maxZipTotalBytes: 4 * 1024 ** 3,
  maxDownloadBytes: 1024 ** 3,
  maxFiles: 1_000_000,
};

export interface ImportSummary {
  location: string;
  /** One entry per stored batch: OSV records of a tree or archive, or one tracker/secdb document. */
  batches: { location: string; format: string; records: number; packages: number }[];
  problems: string[];
  /** The newest `modified` (or `published`) date of the OSV records imported. */
  newest?: string;
}

export interface ImportOptions {
  now: () => Date;
  progress?: (text: string) => void;
  limits?: Partial<ImportLimits>;
  /** 'merge' keeps what the source brought before and replaces only the records read (an incremental update). */
  mode?: 'replace' | 'merge';
}

export class ImportError extends Error {
  override name = 'ImportError';
}

const RECORD_EXTENSIONS = /\.(json|ya?ml)$/i;

function parseDocument(text: string, name: string): unknown {
  if (/\.ya?ml$/i.test(name)) return yaml.load(text, { schema: yaml.FAILSAFE_SCHEMA, filename: name });
  return JSON.parse(text);
}

/** Collects OSV records into one batch; tracker and secdb documents become batches of their own. */
class Collector {
  readonly osv: PackageAdvisory[] = [];
  readonly osvIds: string[] = [];
  osvRecords = 0;
  newest: string | undefined;
  readonly problems: string[] = [];
  readonly summary: ImportSummary;

  constructor(
    readonly location: string,
    private readonly db: SqliteVulnerabilityDatabase,
    private readonly options: ImportOptions,
  ) {
    this.summary = { location, batches: [], problems: this.problems };
  }

  add(text: string, name: string): void {
    let document: unknown;
    try {
      document = parseDocument(text, name);
    } catch (error) {
      this.problems.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
      return;
    }
    const format = detectFormat(document);
    if (format === 'osv' || format === 'osv-list') {
      const records = format === 'osv' ? [document] : (document as unknown[]);
      for (const record of records) this.addOsv(convertOsv(record, name), (record as { id?: string }).id);
    } else if (format === 'debian-tracker') {
      this.storeDocument(name, 'debian-tracker', convertDebianTracker(document, name), { feed: 'debian-tracker' });
    } else if (format === 'alpine-secdb') {
      const converted = convertAlpineSecdb(document, name);
      this.storeDocument(name, 'alpine-secdb', converted, { ecosystemOfFeed: { feed: 'alpine-secdb', ecosystem: converted.ecosystem! } });
    } else {
      this.problems.push(`${name}: not an OSV record, Debian security tracker or Alpine secdb document`);
    }
  }

  private addOsv(converted: Converted, id: string | undefined): void {
    this.problems.push(...converted.problems);
    if (id !== undefined) this.osvIds.push(id);
    this.osvRecords += converted.records;
    this.osv.push(...converted.advisories);
    if (converted.newest !== undefined && (this.newest === undefined || Date.parse(converted.newest) > Date.parse(this.newest))) this.newest = converted.newest;
    if (this.osvRecords % 1000 === 0 && converted.records > 0) this.options.progress?.(`${this.location}: ${this.osvRecords} OSV records`);
  }

  private storeDocument(name: string, format: string, converted: Converted, replaces: { feed?: 'debian-tracker'; ecosystemOfFeed?: { feed: 'alpine-secdb'; ecosystem: string } }): void {
    this.problems.push(...converted.problems);
    // A document inside an archive or tree is named after its container, so re-imports replace it.
    const location = name === this.location ? name : `${this.location}#${path.basename(name)}`;
    this.db.store({ location, format, records: converted.records, ...(converted.newest ? { newest: converted.newest } : {}), advisories: converted.advisories, replaces }, this.options.now());
    this.summary.batches.push({ location, format, records: converted.records, packages: converted.advisories.length });
  }

  finish(): ImportSummary {
    if (this.osvRecords > 0 || this.osvIds.length > 0) {
      this.db.store({ location: this.location, format: 'osv', records: this.osvRecords, ...(this.newest ? { newest: this.newest } : {}), advisories: this.osv, replaces: { osvIds: this.osvIds }, ...(this.options.mode ? { mode: this.options.mode } : {}) }, this.options.now());
      this.summary.batches.push({ location: this.location, format: 'osv', records: this.osvRecords, packages: this.osv.length });
      if (this.newest) this.summary.newest = this.newest;
    }
    return this.summary;
  }
}

async function readBounded(file: string, limit: number, name: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > limit) throw new ImportError(`${name}: ${size} bytes, more than the ${limit}-byte limit`);
    return (await handle.readFile()).toString('utf8');
  } finally {
    await handle.close();
  }
}

async function walk(directory: string, limits: ImportLimits, found: string[] = []): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    // Symbolic links are not followed: a loop or a link out of the tree is not data.
    if (entry.isDirectory()) await walk(full, limits, found);
    else if (entry.isFile() && RECORD_EXTENSIONS.test(entry.name)) {
      found.push(full);
      if (found.length > limits.maxFiles) throw new ImportError(`${directory}: more than ${limits.maxFiles} files`);
    }
  }
  return found;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(file, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (error, zip) => (error ? reject(error) : resolve(zip))));
}

async function readZip(file: string, collector: Collector, limits: ImportLimits): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (error) {
    throw new ImportError(`${file}: not a readable zip archive: ${(error as Error).message}`);
  }
  if (zip.entryCount > limits.maxZipEntries) {
    zip.close();
    throw new ImportError(`${file}: ${zip.entryCount} entries, more than the ${limits.maxZipEntries} allowed`);
  }
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error): void => {
      zip.close();
      reject(error);
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/') || !RECORD_EXTENSIONS.test(entry.fileName)) {
        zip.readEntry();
        return;
      }
      // Declared sizes are checked before inflating; yauzl then refuses an entry that inflates to more.
      if (entry.uncompressedSize > limits.maxDocumentBytes) {
        fail(new ImportError(`${file}: entry ${entry.fileName} inflates to ${entry.uncompressedSize} bytes, more than the ${limits.maxDocumentBytes}-byte limit`));
        return;
      }
      total += entry.uncompressedSize;
      if (total > limits.maxZipTotalBytes) {
        fail(new ImportError(`${file}: entries inflate to more than the ${limits.maxZipTotalBytes}-byte limit`));
        return;
      }
      zip.openReadStream(entry, (error, stream) => {
        if (error) return fail(new ImportError(`${file}: ${entry.fileName}: ${error.message}`));
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', (streamError) => fail(new ImportError(`${file}: ${entry.fileName}: ${streamError.message}`)));
        stream.on('end', () => {
          try {
            collector.add(Buffer.concat(chunks).toString('utf8'), entry.fileName);
          } catch (addError) {
            return fail(addError as Error);
          }
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}

async function isZip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.readUInt32LE(0) === 0x04034b50;
  } finally {
    await handle.close();
  }
}

/** Imports a file, tree or zip archive already on disk, stored under `location`. */
export async function importFile(file: string, location: string, db: SqliteVulnerabilityDatabase, options: ImportOptions): Promise<ImportSummary> {
  return importPath(file, location, db, options, { ...DEFAULT_IMPORT_LIMITS, ...options.limits });
}

/** Imports documents already read (OSV records fetched one by one), in one batch under `location`. */
export function importDocuments(documents: readonly { name: string; text: string }[], location: string, db: SqliteVulnerabilityDatabase, options: ImportOptions): ImportSummary {
  const collector = new Collector(location, db, options);
  for (const document of documents) collector.add(document.text, document.name);
  return collector.finish();
}

async function importPath(file: string, location: string, db: SqliteVulnerabilityDatabase, options: ImportOptions, limits: ImportLimits): Promise<ImportSummary> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    throw new ImportError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`);
  }
  const collector = new Collector(location, db, options);
  if (info.isDirectory()) {
    const files = await walk(file, limits);
    options.progress?.(`${file}: ${files.length} files`);
    // Synchronous reads: thousands of small files, and nothing else runs meanwhile.
    for (const entry of files) {
      const size = statSync(entry).size;
      if (size > limits.maxDocumentBytes) {
        collector.problems.push(`${entry}: ${size} bytes, more than the ${limits.maxDocumentBytes}-byte limit; skipped`);
        continue;
      }
      collector.add(readFileSync(entry, 'utf8'), entry);
    }
  } else if (await isZip(file)) {
    await readZip(file, collector, limits);
  } else {
    collector.add(await readBounded(file, limits.maxDocumentBytes, location), location);
  }
  return collector.finish();
}

async function download(url: URL, limits: ImportLimits, progress?: (text: string) => void): Promise<{ directory: string; file: string }> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(10 * 60_000) });
  } catch (error) {
    throw new ImportError(`${url.href}: ${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ''}`);
  }
  if (!response.ok || !response.body) throw new ImportError(`${url.href}: HTTP ${response.status} ${response.statusText}`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limits.maxDownloadBytes) throw new ImportError(`${url.href}: ${declared} bytes, more than the ${limits.maxDownloadBytes}-byte download limit`);
  const directory = await mkdtemp(path.join(os.tmpdir(), 'palisade-db-'));
  const file = path.join(directory, path.basename(url.pathname) || 'download');
  let received = 0;
  const bound = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > limits.maxDownloadBytes) callback(new ImportError(`${url.href}: more than the ${limits.maxDownloadBytes}-byte download limit`));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), bound, createWriteStream(file));
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error instanceof ImportError ? error : new ImportError(`${url.href}: ${(error as Error).message}`);
  }
  progress?.(`${url.href}: downloaded ${received} bytes`);
  return { directory, file };
}

/** Imports a path or an http(s) URL into the database. */
export async function importFrom(from: string, db: SqliteVulnerabilityDatabase, options: ImportOptions): Promise<ImportSummary> {
  const limits = { ...DEFAULT_IMPORT_LIMITS, ...options.limits };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(from)) {
    const url = new URL(from);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ImportError(`${from}: only http and https URLs are supported`);
    const { directory, file } = await download(url, limits, options.progress);
    try {
      return await importPath(file, url.href, db, options, limits);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }
  return importPath(from, path.resolve(from), db, options, limits);
}
