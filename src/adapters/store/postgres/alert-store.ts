import type pg from 'pg';
import type { AlertState } from '../../../core/alerts/state.js';
import type { AlertOutbox, Delivery, NewDelivery, OutboxChange, OutboxCounts, RecordResult } from '../../../core/ports/alerts.js';
import { openPool, transaction } from './pool.js';

/**
 * The PostgreSQL adapter of the AlertOutbox port: the SQLite adapter's rows and semantics
 * (../alert-store.ts), safe for several replicas draining one outbox. A claim takes due rows
 * with `FOR UPDATE SKIP LOCKED` and leases them in the same statement, so two consumers never
 * claim the same delivery while its lease holds; a consumer that dies mid-send leaves the row
 * to be claimed again once the lease passes (at least once, as with SQLite). Recording takes a
 * transaction-level advisory lock, so the bound on pending rows holds across replicas.
 */
export interface PostgresAlertStoreOptions {
  /** Pending deliveries at most (default 10,000). */
  maxPending?: number;
  /** Finished (sent, dead, replaced) deliveries kept, the newest (default 10,000). */
  keepDone?: number;
}

/** The advisory lock key of recording into the outbox (ASCII "alrt"). */
const RECORD_LOCK = 0x616c7274;

export class PostgresAlertStore implements AlertOutbox {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly maxPending: number,
    private readonly keepDone: number,
  ) {}

  /** Connects to `url` (postgres://...) and migrates its schema. */
  static async open(url: string, options: PostgresAlertStoreOptions = {}): Promise<PostgresAlertStore> {
    return new PostgresAlertStore(await openPool(url), options.maxPending ?? 10_000, options.keepDone ?? 10_000);
  }

  async states(scope?: string): Promise<AlertState[]> {
    const { rows } = scope === undefined
      ? await this.pool.query<{ state: string }>('SELECT state FROM alert_states ORDER BY scope, key')
      : await this.pool.query<{ state: string }>('SELECT state FROM alert_states WHERE scope = $1 ORDER BY key', [scope]);
    return rows.map((row) => JSON.parse(row.state) as AlertState);
  }

  async record(changes: readonly OutboxChange[]): Promise<RecordResult> {
    const now = new Date().toISOString();
    const result = await transaction(this.pool, async (client): Promise<RecordResult> => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [RECORD_LOCK]);
      let pending = (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending'")).rows[0]!.n;
      let recorded = 0;
      let refused = 0;
      for (const change of changes) {
        if (change.deliveries.length > 0 && pending + change.deliveries.length > this.maxPending) {
          refused++;
          continue;
        }
        for (const delivery of change.deliveries) {
          // A newer delivery of a key to a sink replaces one still pending and not claimed.
          pending -= (await client.query("UPDATE deliveries SET status = 'replaced', done_at = $1 WHERE key = $2 AND sink = $3 AND status = 'pending' AND lease_until = 0", [now, change.key, delivery.sink])).rowCount ?? 0;
          await client.query("INSERT INTO deliveries (key, sink, status, delivery, created_at, next_at) VALUES ($1, $2, 'pending', $3, $4, 0)", [change.key, delivery.sink, JSON.stringify(delivery satisfies NewDelivery), now]);
          pending++;
        }
        if (change.state) await client.query('INSERT INTO alert_states (scope, key, state) VALUES ($1, $2, $3) ON CONFLICT (scope, key) DO UPDATE SET state = excluded.state', [change.scope, change.key, JSON.stringify(change.state)]);
        else await client.query('DELETE FROM alert_states WHERE scope = $1 AND key = $2', [change.scope, change.key]);
        recorded++;
      }
      return { recorded, refused };
    });
    await this.prune();
    return result;
  }

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<Delivery[]> {
    const at = now.getTime();
    const { rows } = await this.pool.query<{ id: string; delivery: string; attempts: number; created_at: string; next_at: string }>(
      `UPDATE deliveries SET lease_until = $2 WHERE id IN (
         SELECT id FROM deliveries WHERE status = 'pending' AND next_at <= $1 AND lease_until <= $1
         ORDER BY next_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id, delivery, attempts, created_at, next_at`,
      [at, at + leaseMs, limit],
    );
    // RETURNING keeps no order: oldest first, as the port says.
    rows.sort((a, b) => Number(a.next_at) - Number(b.next_at) || Number(a.id) - Number(b.id));
    return rows.map((row) => ({ ...(JSON.parse(row.delivery) as NewDelivery), id: String(row.id), attempts: row.attempts, createdAt: row.created_at }));
  }

  async markSent(id: string, now: Date): Promise<void> {
    await this.pool.query("UPDATE deliveries SET status = 'sent', attempts = attempts + 1, lease_until = 0, done_at = $1, last_error = NULL WHERE id = $2", [now.toISOString(), id]);
  }

  async markFailed(id: string, now: Date, error: string, retryAt: Date | undefined): Promise<void> {
    if (retryAt === undefined) await this.pool.query("UPDATE deliveries SET status = 'dead', attempts = attempts + 1, lease_until = 0, done_at = $1, last_error = $2 WHERE id = $3", [now.toISOString(), error.slice(0, 500), id]);
    else await this.pool.query('UPDATE deliveries SET attempts = attempts + 1, lease_until = 0, next_at = $1, last_error = $2 WHERE id = $3', [retryAt.getTime(), error.slice(0, 500), id]);
  }

  async nextDue(): Promise<Date | undefined> {
    const { rows } = await this.pool.query<{ at: string | null }>("SELECT min(greatest(next_at, lease_until)) AS at FROM deliveries WHERE status = 'pending'");
    return rows[0]!.at === null ? undefined : new Date(Number(rows[0]!.at));
  }

  async counts(): Promise<OutboxCounts> {
    const { rows } = await this.pool.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM deliveries GROUP BY status');
    const count = (status: string) => rows.find((row) => row.status === status)?.n ?? 0;
    return { pending: count('pending'), sent: count('sent'), dead: count('dead') };
  }

  /** Every delivery of `key` (or all), newest first, with its last error. */
  async history(key?: string): Promise<{ sink: string; status: string; attempts: number; lastError?: string }[]> {
    const { rows } = key === undefined
      ? await this.pool.query<{ sink: string; status: string; attempts: number; last_error: string | null }>('SELECT sink, status, attempts, last_error FROM deliveries ORDER BY id DESC')
      : await this.pool.query<{ sink: string; status: string; attempts: number; last_error: string | null }>('SELECT sink, status, attempts, last_error FROM deliveries WHERE key = $1 ORDER BY id DESC', [key]);
    return rows.map((row) => ({ sink: row.sink, status: row.status, attempts: row.attempts, ...(row.last_error !== null ? { lastError: row.last_error } : {}) }));
  }

  /** Deletes finished deliveries beyond the newest keepDone. */
  private async prune(): Promise<void> {
    await this.pool.query("DELETE FROM deliveries WHERE status <> 'pending' AND id <= (SELECT id FROM deliveries WHERE status <> 'pending' ORDER BY id DESC LIMIT 1 OFFSET $1)", [this.keepDone]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
