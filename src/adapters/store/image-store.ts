import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ImageScanSummary } from '../../core/images/results.js';
import type { ImageResultsStore, StoredImageScan } from '../../core/ports/images.js';

/**
 * The local store of image scans, by manifest digest (SQLite, one file): what `palisade image`
 * found, for `palisade scan`'s image checks and the admission webhook to read without pulling,
 * and for a second scan of the same digest to be instant.
 */
const SCHEMA_VERSION = 1;

/** A stored scan: its summary, and the full report `palisade image` produced, as it printed it in JSON. */
export type StoredScan = StoredImageScan;

/**
 * The SQLite adapter of the ImageResultsStore port. better-sqlite3 is synchronous; the port's
 * methods are async so that a networked store (PostgreSQL) can implement the same interface.
 */
export class ImageStore implements ImageResultsStore {
  private constructor(private readonly db: Database.Database) {}

  /** Opens (creating when writable) the store at `file`. */
  static open(file: string, options: { readonly?: boolean } = {}): ImageStore {
    if (!options.readonly) mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.exec(`
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS scans (
          digest TEXT PRIMARY KEY,
          reference TEXT NOT NULL,
          scanned_at TEXT NOT NULL,
          summary TEXT NOT NULL,
          report TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS refs (reference TEXT PRIMARY KEY, digest TEXT NOT NULL, seen_at TEXT NOT NULL);
      `);
      db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema', String(SCHEMA_VERSION));
    }
    const schema = (db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined)?.value;
    if (schema !== String(SCHEMA_VERSION)) {
      db.close();
      throw new Error(`${file}: image store schema ${schema ?? 'unknown'}, this Palisade reads ${SCHEMA_VERSION}`);
    }
    return new ImageStore(db);
  }

  /** Opens the store read-only when it exists; undefined when there is none yet. */
  static openIfExists(file: string): ImageStore | undefined {
    try {
      return ImageStore.open(file, { readonly: true });
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CANTOPEN') return undefined;
      throw error;
    }
  }

  /** Records a scan; a later scan of the same digest replaces it, and the reference now names that digest. */
  async put(summary: ImageScanSummary, report: unknown): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT OR REPLACE INTO scans (digest, reference, scanned_at, summary, report) VALUES (?, ?, ?, ?, ?)')
        .run(summary.digest, summary.reference, summary.scannedAt, JSON.stringify(summary), JSON.stringify(report));
      this.db.prepare('INSERT OR REPLACE INTO refs (reference, digest, seen_at) VALUES (?, ?, ?)').run(summary.reference, summary.digest, summary.scannedAt);
    })();
  }

  /** The scan of one digest: "was this scanned, when, and what was found". */
  async get(digest: string): Promise<StoredScan | undefined> {
    const row = this.db.prepare('SELECT summary, report FROM scans WHERE digest = ?').get(digest) as { summary: string; report: string } | undefined;
    return row ? { summary: JSON.parse(row.summary) as ImageScanSummary, report: JSON.parse(row.report) } : undefined;
  }

  /** The digest a reference named when it was last scanned. */
  async digestOf(reference: string): Promise<string | undefined> {
    return (this.db.prepare('SELECT digest FROM refs WHERE reference = ?').get(reference) as { digest: string } | undefined)?.digest;
  }

  /**
   * Every scan's summary, for the checks (summaries are small; reports stay on disk); a scan
   * reused under other references is listed once more under each of them.
   */
  async summaries(): Promise<ImageScanSummary[]> {
    const scans = (this.db.prepare('SELECT summary FROM scans').all() as { summary: string }[]).map((row) => JSON.parse(row.summary) as ImageScanSummary);
    const byDigest = new Map(scans.map((summary) => [summary.digest, summary]));
    const others = (this.db.prepare('SELECT reference, digest FROM refs ORDER BY reference').all() as { reference: string; digest: string }[]).flatMap((row) => {
      const summary = byDigest.get(row.digest);
      return summary && summary.reference !== row.reference ? [{ ...summary, reference: row.reference }] : [];
    });
    return [...scans, ...others];
  }

  /** Records that a reference names a digest already stored (a scan reused under another name). */
  async noteReference(reference: string, digest: string, seenAt: string): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO refs (reference, digest, seen_at) VALUES (?, ?, ?)').run(reference, digest, seenAt);
  }

  close(): void {
    this.db.close();
  }
}
