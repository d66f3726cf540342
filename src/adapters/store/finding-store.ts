import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Finding } from '../../core/model/finding.js';
import { severityRank } from '../../core/model/severity.js';
import type { FindingEvent, FindingHistory, FindingQuery, FindingStore, SavedRun, ScanRun, StoredFinding } from '../../core/ports/findings.js';

/**
 * The SQLite adapter of the FindingStore port: one row per run, and the latest findings of each
 * scope by key, with when each was first and last seen. A finding its scope's last run no
 * longer reports is resolved: its row is deleted, and it starts afresh if it comes back.
 * The watcher records findings event by event (FindingHistory): the same latest rows, and a
 * history table of what opened, resolved and reopened each finding, and which change did
 * (added in place: a store written before it simply has no history).
 */
const SCHEMA_VERSION = '1';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  scope TEXT NOT NULL,
  at TEXT NOT NULL,
  findings INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  run INTEGER NOT NULL REFERENCES runs(id),
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  check_id TEXT NOT NULL,
  severity INTEGER NOT NULL,
  finding TEXT NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS findings_by_check ON findings (check_id);
CREATE TABLE IF NOT EXISTS history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  event TEXT NOT NULL,
  at TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  finding TEXT NOT NULL,
  cause TEXT
);
CREATE INDEX IF NOT EXISTS history_by_key ON history (scope, key);
`;

interface Row {
  scope: string;
  key: string;
  run: number;
  first_seen: string;
  last_seen: string;
  finding: string;
}

export class SqliteFindingStore implements FindingStore, FindingHistory {
  private constructor(private readonly db: Database.Database) {}

  /** Opens (creating) the store at `file`; ':memory:' for a store that lives as long as the process. */
  static open(file: string): SqliteFindingStore {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new Database(file);
    try {
      if (file !== ':memory:') db.pragma('journal_mode = WAL');
      db.exec(SCHEMA);
      db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema', SCHEMA_VERSION);
      const schema = (db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined)?.value;
      if (schema !== SCHEMA_VERSION) throw new Error(`${file}: finding store schema ${schema ?? 'unknown'}, this Palisade reads ${SCHEMA_VERSION}`);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteFindingStore(db);
  }

  async saveRun(run: ScanRun): Promise<SavedRun> {
    // One row per key: a key reported twice in a run is one finding (the last one reported).
    const byKey = new Map<string, Finding>();
    for (const item of run.findings) byKey.set(item.key, item.finding);
    return this.db.transaction((): SavedRun => {
      const id = Number(this.db.prepare('INSERT INTO runs (scope, at, findings) VALUES (?, ?, ?)').run(run.scope, run.at, byKey.size).lastInsertRowid);
      const previous = new Set((this.db.prepare('SELECT key FROM findings WHERE scope = ?').all(run.scope) as { key: string }[]).map((row) => row.key));
      const upsert = this.db.prepare(
        `INSERT INTO findings (scope, key, run, first_seen, last_seen, check_id, severity, finding) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (scope, key) DO UPDATE SET run = excluded.run, last_seen = excluded.last_seen, check_id = excluded.check_id, severity = excluded.severity, finding = excluded.finding`,
      );
      for (const [key, finding] of byKey) upsert.run(run.scope, key, id, run.at, run.at, finding.checkId, severityRank(finding.severity), JSON.stringify(finding));
      this.db.prepare('DELETE FROM findings WHERE scope = ? AND run <> ?').run(run.scope, id);
      const added = [...byKey.keys()].filter((key) => !previous.has(key)).sort();
      const resolved = [...previous].filter((key) => !byKey.has(key)).sort();
      return { run: String(id), added, resolved, unchanged: byKey.size - added.length };
    })();
  }

  async latest(query: FindingQuery = {}): Promise<StoredFinding[]> {
    const where: string[] = [];
    const parameters: (string | number)[] = [];
    if (query.scope !== undefined) {
      where.push('scope = ?');
      parameters.push(query.scope);
    }
    if (query.minSeverity !== undefined) {
      where.push('severity >= ?');
      parameters.push(severityRank(query.minSeverity));
    }
    if (query.checkIds !== undefined) {
      where.push(`check_id IN (${query.checkIds.map(() => '?').join(', ') || 'NULL'})`);
      parameters.push(...query.checkIds);
    }
    const rows = this.db.prepare(`SELECT scope, key, run, first_seen, last_seen, finding FROM findings${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY scope, key`).all(...parameters) as Row[];
    return rows.map((row) => ({ scope: row.scope, key: row.key, run: String(row.run), firstSeen: row.first_seen, lastSeen: row.last_seen, finding: JSON.parse(row.finding) as Finding }));
  }

  async recordEvents(scope: string, events: readonly FindingEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.db.transaction(() => {
      // Rows of the latest findings belong to a run: events go to the scope's last run (one is started if there is none).
      let run = (this.db.prepare('SELECT max(id) AS id FROM runs WHERE scope = ?').get(scope) as { id: number | null }).id;
      run ??= Number(this.db.prepare('INSERT INTO runs (scope, at, findings) VALUES (?, ?, 0)').run(scope, events[0]!.at).lastInsertRowid);
      const upsert = this.db.prepare(
        `INSERT INTO findings (scope, key, run, first_seen, last_seen, check_id, severity, finding) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (scope, key) DO UPDATE SET run = excluded.run, first_seen = excluded.first_seen, last_seen = excluded.last_seen, check_id = excluded.check_id, severity = excluded.severity, finding = excluded.finding`,
      );
      const remove = this.db.prepare('DELETE FROM findings WHERE scope = ? AND key = ?');
      const append = this.db.prepare('INSERT INTO history (scope, key, event, at, first_seen, finding, cause) VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (const event of events) {
        if (event.event === 'resolved') remove.run(scope, event.key);
        else upsert.run(scope, event.key, run, event.firstSeen, event.at, event.finding.checkId, severityRank(event.finding.severity), JSON.stringify(event.finding));
        if (event.event !== 'still-open') append.run(scope, event.key, event.event, event.at, event.firstSeen, JSON.stringify(event.finding), event.cause ? JSON.stringify(event.cause) : null);
      }
    })();
  }

  async resolvedKeys(scope: string): Promise<string[]> {
    return (this.db.prepare("SELECT DISTINCT key FROM history WHERE scope = ? AND event = 'resolved' ORDER BY key").all(scope) as { key: string }[]).map((row) => row.key);
  }

  async history(scope: string, key?: string): Promise<FindingEvent[]> {
    const rows = this.db.prepare(`SELECT key, event, at, first_seen, finding, cause FROM history WHERE scope = ?${key !== undefined ? ' AND key = ?' : ''} ORDER BY id`).all(...(key !== undefined ? [scope, key] : [scope])) as {
      key: string;
      event: FindingEvent['event'];
      at: string;
      first_seen: string;
      finding: string;
      cause: string | null;
    }[];
    return rows.map((row) => ({ event: row.event, key: row.key, at: row.at, firstSeen: row.first_seen, finding: JSON.parse(row.finding) as Finding, ...(row.cause ? { cause: JSON.parse(row.cause) as FindingEvent['cause'] } : {}) }));
  }

  close(): void {
    this.db.close();
  }
}
