import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AlertState } from '../../core/alerts/state.js';
import type { AlertOutbox, Delivery, NewDelivery, OutboxChange, OutboxCounts, RecordResult } from '../../core/ports/alerts.js';

/**
 * The SQLite adapter of the AlertOutbox port (one file, WAL, synchronous=FULL: an alert
 * recorded is on disk). Deliveries are rows: pending until a sink accepts them (sent) or
 * their attempts run out (dead); a claim leases a row (lease_until), so a process that dies
 * mid-send leaves it to be claimed again once the lease passes: delivery is at least once.
 * Bounded: at most `maxPending` pending rows (further changes are refused, their state left
 * as it was), and finished rows beyond the newest `keepDone` are deleted.
 */
const SCHEMA_VERSION = '1';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alert_states (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  sink TEXT NOT NULL,
  status TEXT NOT NULL,
  delivery TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  next_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  done_at TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_at);
CREATE INDEX IF NOT EXISTS deliveries_by_key ON deliveries (key, sink, status);
`;

export interface SqliteAlertStoreOptions {
  /** Pending deliveries at most (default 10,000). */
  maxPending?: number;
  /** Finished (sent, dead, replaced) deliveries kept, the newest (default 10,000). */
  keepDone?: number;
}

interface DeliveryRow {
  id: number;
  delivery: string;
  attempts: number;
  created_at: string;
}

export class SqliteAlertStore implements AlertOutbox {
  private constructor(
    private readonly db: Database.Database,
    private readonly maxPending: number,
    private readonly keepDone: number,
  ) {}

  /** Opens (creating) the store at `file`; ':memory:' for one that lives as long as the process. */
  static open(file: string, options: SqliteAlertStoreOptions = {}): SqliteAlertStore {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new Database(file);
    try {
      if (file !== ':memory:') db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
      db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema', SCHEMA_VERSION);
      const schema = (db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined)?.value;
      if (schema !== SCHEMA_VERSION) throw new Error(`${file}: alert store schema ${schema ?? 'unknown'}, this Palisade reads ${SCHEMA_VERSION}`);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteAlertStore(db, options.maxPending ?? 10_000, options.keepDone ?? 10_000);
  }

  async states(scope?: string): Promise<AlertState[]> {
    const rows = (scope === undefined
      ? this.db.prepare('SELECT state FROM alert_states ORDER BY scope, key').all()
      : this.db.prepare('SELECT state FROM alert_states WHERE scope = ? ORDER BY key').all(scope)) as { state: string }[];
    return rows.map((row) => JSON.parse(row.state) as AlertState);
  }

  async record(changes: readonly OutboxChange[]): Promise<RecordResult> {
    const pendingCount = this.db.prepare("SELECT count(*) AS n FROM deliveries WHERE status = 'pending'");
    const supersede = this.db.prepare("UPDATE deliveries SET status = 'replaced', done_at = ? WHERE key = ? AND sink = ? AND status = 'pending' AND lease_until = 0");
    const insert = this.db.prepare("INSERT INTO deliveries (key, sink, status, delivery, created_at, next_at) VALUES (?, ?, 'pending', ?, ?, ?)");
    const upsert = this.db.prepare('INSERT INTO alert_states (scope, key, state) VALUES (?, ?, ?) ON CONFLICT (scope, key) DO UPDATE SET state = excluded.state');
    const remove = this.db.prepare('DELETE FROM alert_states WHERE scope = ? AND key = ?');
    const now = new Date();
    const result = this.db.transaction((): RecordResult => {
      let pending = (pendingCount.get() as { n: number }).n;
      let recorded = 0;
      let refused = 0;
      for (const change of changes) {
        if (change.deliveries.length > 0 && pending + change.deliveries.length > this.maxPending) {
          refused++;
          continue;
        }
        for (const delivery of change.deliveries) {
          pending -= supersede.run(now.toISOString(), change.key, delivery.sink).changes;
          insert.run(change.key, delivery.sink, JSON.stringify(delivery satisfies NewDelivery), now.toISOString(), 0);
          pending++;
        }
        if (change.state) upsert.run(change.scope, change.key, JSON.stringify(change.state));
        else remove.run(change.scope, change.key);
        recorded++;
      }
      return { recorded, refused };
    })();
    this.prune();
    return result;
  }

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<Delivery[]> {
    const at = now.getTime();
    return this.db.transaction((): Delivery[] => {
      const rows = this.db
        .prepare("SELECT id, delivery, attempts, created_at FROM deliveries WHERE status = 'pending' AND next_at <= ? AND lease_until <= ? ORDER BY next_at, id LIMIT ?")
        .all(at, at, limit) as DeliveryRow[];
      const lease = this.db.prepare('UPDATE deliveries SET lease_until = ? WHERE id = ?');
      for (const row of rows) lease.run(at + leaseMs, row.id);
      return rows.map((row) => ({ ...(JSON.parse(row.delivery) as NewDelivery), id: String(row.id), attempts: row.attempts, createdAt: row.created_at }));
    })();
  }

  async markSent(id: string, now: Date): Promise<void> {
    this.db.prepare("UPDATE deliveries SET status = 'sent', attempts = attempts + 1, lease_until = 0, done_at = ?, last_error = NULL WHERE id = ?").run(now.toISOString(), Number(id));
  }

  async markFailed(id: string, now: Date, error: string, retryAt: Date | undefined): Promise<void> {
    if (retryAt === undefined) {
      this.db.prepare("UPDATE deliveries SET status = 'dead', attempts = attempts + 1, lease_until = 0, done_at = ?, last_error = ? WHERE id = ?").run(now.toISOString(), error.slice(0, 500), Number(id));
    } else {
      this.db.prepare('UPDATE deliveries SET attempts = attempts + 1, lease_until = 0, next_at = ?, last_error = ? WHERE id = ?').run(retryAt.getTime(), error.slice(0, 500), Number(id));
    }
  }

  async nextDue(): Promise<Date | undefined> {
    const row = this.db.prepare("SELECT min(max(next_at, lease_until)) AS at FROM deliveries WHERE status = 'pending'").get() as { at: number | null };
    return row.at === null ? undefined : new Date(row.at);
  }

  async counts(): Promise<OutboxCounts> {
    const rows = this.db.prepare('SELECT status, count(*) AS n FROM deliveries GROUP BY status').all() as { status: string; n: number }[];
    const count = (status: string) => rows.find((row) => row.status === status)?.n ?? 0;
    return { pending: count('pending'), sent: count('sent'), dead: count('dead') };
  }

  /** The last error of every delivery of `key` (newest first): for tests and `palisade alert status`. */
  history(key?: string): { sink: string; status: string; attempts: number; lastError?: string }[] {
    const rows = (key === undefined
      ? this.db.prepare('SELECT sink, status, attempts, last_error FROM deliveries ORDER BY id DESC').all()
      : this.db.prepare('SELECT sink, status, attempts, last_error FROM deliveries WHERE key = ? ORDER BY id DESC').all(key)) as { sink: string; status: string; attempts: number; last_error: string | null }[];
    return rows.map((row) => ({ sink: row.sink, status: row.status, attempts: row.attempts, ...(row.last_error !== null ? { lastError: row.last_error } : {}) }));
  }

  /** Deletes finished deliveries beyond the newest keepDone. */
  private prune(): void {
    this.db.prepare("DELETE FROM deliveries WHERE status <> 'pending' AND id <= (SELECT id FROM deliveries WHERE status <> 'pending' ORDER BY id DESC LIMIT 1 OFFSET ?)").run(this.keepDone);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
