import { mkdirSync } from 'node:fs';
import { decisionStoreOptions, type DecisionStoreOptions, type ResolvedDecisionStoreOptions } from './decision-options.js';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BatchedWriter } from './batched-writer.js';
import type { DecisionQuery, DecisionRecord, DecisionStore } from '../../core/ports/decisions.js';

/**
 * The SQLite adapter of the DecisionStore port (one file, WAL). `record` pushes to a bounded
 * buffer and returns; the buffer is written in one transaction per batch, every `flushMs` or as
 * soon as `batchSize` records wait, so a review never waits on disk (a batch of a few hundred
 * rows takes a millisecond or two on the event loop). When the buffer is full (the disk is
 * slower than the reviews), records are dropped and counted (`dropped`), never waited for.
 * One row per decision: the columns one filters on, and the record as JSON. Bounded on disk:
 * records older than `maxAgeMs` and beyond the newest `maxRecords` are deleted (checked after
 * writes, at most every `pruneEveryMs`); SQLite reuses the freed pages, so the file stops growing.
 */
const SCHEMA_VERSION = '1';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  uid TEXT,
  verdict TEXT NOT NULL,
  operation TEXT,
  kind TEXT,
  namespace TEXT,
  name TEXT,
  user TEXT,
  latency_ms REAL NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_by_time ON decisions (at);
CREATE INDEX IF NOT EXISTS decisions_by_namespace ON decisions (namespace, at);
CREATE INDEX IF NOT EXISTS decisions_by_uid ON decisions (uid);
`;

export type SqliteDecisionStoreOptions = DecisionStoreOptions;

export class SqliteDecisionStore implements DecisionStore {
  private readonly insert: Database.Statement;
  private readonly writer: BatchedWriter<DecisionRecord>;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    private readonly options: ResolvedDecisionStoreOptions,
  ) {
    this.insert = db.prepare('INSERT INTO decisions (at, uid, verdict, operation, kind, namespace, name, user, latency_ms, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const writeBatch = db.transaction((batch: DecisionRecord[]) => {
      for (const item of batch) this.insert.run(item.at, item.uid ?? null, item.verdict, item.operation ?? null, item.kind ?? null, item.namespace ?? null, item.name ?? null, item.user ?? null, item.latencyMs, JSON.stringify(item));
    });
    this.writer = new BatchedWriter({ write: (batch) => void writeBatch(batch), prune: () => this.prune() }, options);
  }

  /** Records dropped because the buffer was full or a write failed. */
  get dropped(): number {
    return this.writer.dropped;
  }

  /** Records written. */
  get written(): number {
    return this.writer.written;
  }

  /** Opens (creating) the store at `file`; ':memory:' for a store that lives as long as the process. */
  static open(file: string, options: SqliteDecisionStoreOptions = {}): SqliteDecisionStore {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new Database(file);
    try {
      if (file !== ':memory:') db.pragma('journal_mode = WAL');
      // WAL with synchronous=NORMAL: a crash may lose the last batches, never corrupt the file.
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema', SCHEMA_VERSION);
      const schema = (db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined)?.value;
      if (schema !== SCHEMA_VERSION) throw new Error(`${file}: decision store schema ${schema ?? 'unknown'}, this Palisade reads ${SCHEMA_VERSION}`);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteDecisionStore(db, decisionStoreOptions(options));
  }

  async record(decision: DecisionRecord): Promise<void> {
    this.writer.add(decision);
  }

  /** Deletes records older than maxAgeMs and beyond the newest maxRecords (also done after writes, at most every pruneEveryMs). */
  prune(): void {
    const now = this.options.now();
    this.db.prepare('DELETE FROM decisions WHERE at < ?').run(new Date(now - this.options.maxAgeMs).toISOString());
    this.db.prepare('DELETE FROM decisions WHERE id <= (SELECT id FROM decisions ORDER BY id DESC LIMIT 1 OFFSET ?)').run(this.options.maxRecords);
  }

  async flush(): Promise<void> {
    await this.writer.flush();
  }

  async list(query: DecisionQuery = {}): Promise<DecisionRecord[]> {
    const where: string[] = [];
    const parameters: (string | number)[] = [];
    for (const [column, value] of [['at >=', query.since], ['verdict =', query.verdict], ['namespace =', query.namespace], ['uid =', query.uid]] as const) {
      if (value === undefined) continue;
      where.push(`${column} ?`);
      parameters.push(value);
    }
    const rows = this.db.prepare(`SELECT record FROM decisions${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`).all(...parameters, query.limit ?? 1000) as { record: string }[];
    return rows.map((row) => JSON.parse(row.record) as DecisionRecord);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer.close();
    this.db.close();
  }
}
