import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Finding } from '../../core/model/finding.js';
import { severityRank } from '../../core/model/severity.js';
import type { FindingQuery, FindingStore, SavedRun, ScanRun, StoredFinding } from '../../core/ports/findings.js';

/**
 * The SQLite adapter of the FindingStore port: one row per run, and the latest findings of each
 * scope by key, with when each was first and last seen. A finding its scope's last run no
 * longer reports is resolved: its row is deleted, and it starts afresh if it comes back.
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
`;

interface Row {
  scope: string;
  key: string;
  run: number;
  first_seen: string;
  last_seen: string;
  finding: string;
}

export class SqliteFindingStore implements FindingStore {
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

  close(): void {
    this.db.close();
  }
}
