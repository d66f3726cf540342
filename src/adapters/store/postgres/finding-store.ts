import type pg from 'pg';
import type { Finding } from '../../../core/model/finding.js';
import { severityRank } from '../../../core/model/severity.js';
import type { FindingEvent, FindingHistory, FindingQuery, FindingStore, SavedRun, ScanRun, StoredFinding } from '../../../core/ports/findings.js';
import { openPool, transaction } from './pool.js';

/**
 * The PostgreSQL adapter of the FindingStore and FindingHistory ports: the SQLite adapter's
 * tables and semantics (../finding-store.ts), for several replicas on one database. Writes of a
 * scope are serialized by a transaction-level advisory lock on the scope, so two replicas saving
 * the same scope at once do not interleave their runs.
 */
export class PostgresFindingStore implements FindingStore, FindingHistory {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects to `url` (postgres://...) and migrates its schema. */
  static async open(url: string): Promise<PostgresFindingStore> {
    return new PostgresFindingStore(await openPool(url));
  }

  async saveRun(run: ScanRun): Promise<SavedRun> {
    const byKey = new Map<string, Finding>();
    for (const item of run.findings) byKey.set(item.key, item.finding);
    return transaction(this.pool, async (client) => {
      await lockScope(client, run.scope);
      const id = (await client.query<{ id: string }>('INSERT INTO runs (scope, at, findings) VALUES ($1, $2, $3) RETURNING id', [run.scope, run.at, byKey.size])).rows[0]!.id;
      const previous = new Set((await client.query<{ key: string }>('SELECT key FROM findings WHERE scope = $1', [run.scope])).rows.map((row) => row.key));
      const entries = [...byKey];
      await client.query(
        `INSERT INTO findings (scope, key, run, first_seen, last_seen, check_id, severity, finding)
         SELECT $1, item.key, $2, $3, $3, item.check_id, item.severity, item.finding
           FROM unnest($4::text[], $5::text[], $6::int[], $7::text[]) AS item (key, check_id, severity, finding)
         ON CONFLICT (scope, key) DO UPDATE SET run = excluded.run, last_seen = excluded.last_seen, check_id = excluded.check_id, severity = excluded.severity, finding = excluded.finding`,
        [run.scope, id, run.at, entries.map(([key]) => key), entries.map(([, finding]) => finding.checkId), entries.map(([, finding]) => severityRank(finding.severity)), entries.map(([, finding]) => JSON.stringify(finding))],
      );
      await client.query('DELETE FROM findings WHERE scope = $1 AND run <> $2', [run.scope, id]);
      const added = [...byKey.keys()].filter((key) => !previous.has(key)).sort();
      const resolved = [...previous].filter((key) => !byKey.has(key)).sort();
      return { run: id, added, resolved, unchanged: byKey.size - added.length };
    });
  }

  async latest(query: FindingQuery = {}): Promise<StoredFinding[]> {
    const where: string[] = [];
    const parameters: unknown[] = [];
    if (query.scope !== undefined) {
      parameters.push(query.scope);
      where.push(`scope = $${parameters.length}`);
    }
    if (query.minSeverity !== undefined) {
      parameters.push(severityRank(query.minSeverity));
      where.push(`severity >= $${parameters.length}`);
    }
    if (query.checkIds !== undefined) {
      parameters.push([...query.checkIds]);
      where.push(`check_id = ANY($${parameters.length}::text[])`);
    }
    const { rows } = await this.pool.query<{ scope: string; key: string; run: string; first_seen: string; last_seen: string; finding: string }>(
      `SELECT scope, key, run, first_seen, last_seen, finding FROM findings${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY scope, key`,
      parameters,
    );
    return rows.map((row) => ({ scope: row.scope, key: row.key, run: String(row.run), firstSeen: row.first_seen, lastSeen: row.last_seen, finding: JSON.parse(row.finding) as Finding }));
  }

  async recordEvents(scope: string, events: readonly FindingEvent[]): Promise<void> {
    if (events.length === 0) return;
    await transaction(this.pool, async (client) => {
      await lockScope(client, scope);
      // Rows of the latest findings belong to a run: events go to the scope's last run (one is started if there is none).
      let run = (await client.query<{ id: string | null }>('SELECT max(id) AS id FROM runs WHERE scope = $1', [scope])).rows[0]!.id;
      run ??= (await client.query<{ id: string }>('INSERT INTO runs (scope, at, findings) VALUES ($1, $2, 0) RETURNING id', [scope, events[0]!.at])).rows[0]!.id;
      for (const event of events) {
        if (event.event === 'resolved') await client.query('DELETE FROM findings WHERE scope = $1 AND key = $2', [scope, event.key]);
        else
          await client.query(
            `INSERT INTO findings (scope, key, run, first_seen, last_seen, check_id, severity, finding) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (scope, key) DO UPDATE SET run = excluded.run, first_seen = excluded.first_seen, last_seen = excluded.last_seen, check_id = excluded.check_id, severity = excluded.severity, finding = excluded.finding`,
            [scope, event.key, run, event.firstSeen, event.at, event.finding.checkId, severityRank(event.finding.severity), JSON.stringify(event.finding)],
          );
        if (event.event !== 'still-open')
          await client.query('INSERT INTO history (scope, key, event, at, first_seen, finding, cause) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
            scope,
            event.key,
            event.event,
            event.at,
            event.firstSeen,
            JSON.stringify(event.finding),
            event.cause ? JSON.stringify(event.cause) : null,
          ]);
      }
    });
  }

  async resolvedKeys(scope: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ key: string }>("SELECT DISTINCT key FROM history WHERE scope = $1 AND event = 'resolved' ORDER BY key", [scope]);
    return rows.map((row) => row.key);
  }

  async history(scope: string, key?: string): Promise<FindingEvent[]> {
    const { rows } = await this.pool.query<{ key: string; event: FindingEvent['event']; at: string; first_seen: string; finding: string; cause: string | null }>(
      `SELECT key, event, at, first_seen, finding, cause FROM history WHERE scope = $1${key !== undefined ? ' AND key = $2' : ''} ORDER BY id`,
      key !== undefined ? [scope, key] : [scope],
    );
    return rows.map((row) => ({ event: row.event, key: row.key, at: row.at, firstSeen: row.first_seen, finding: JSON.parse(row.finding) as Finding, ...(row.cause ? { cause: JSON.parse(row.cause) as FindingEvent['cause'] } : {}) }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Serializes the writes of one scope across replicas, until the transaction ends. */
async function lockScope(client: pg.PoolClient, scope: string): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext('palisade:findings:' || $1))", [scope]);
}
