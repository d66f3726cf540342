import type pg from 'pg';
import type { DecisionQuery, DecisionRecord, DecisionStore } from '../../../core/ports/decisions.js';
import { openPool } from './pool.js';

/**
 * The PostgreSQL adapter of the DecisionStore port, with the SQLite adapter's semantics
 * (../decision-store.ts): `record` pushes to a bounded buffer and returns; the buffer is written
 * as one multi-row INSERT per batch (every `flushMs`, or as soon as `batchSize` records wait),
 * one write at a time; records over the buffer, or of a failed write, are dropped and counted.
 * Records older than `maxAgeMs` and beyond the newest `maxRecords` are deleted after writes (at
 * most every `pruneEveryMs`). Replicas of the webhook may share one database.
 */
export interface PostgresDecisionStoreOptions {
  batchSize?: number;
  flushMs?: number;
  maxBuffered?: number;
  maxRecords?: number;
  maxAgeMs?: number;
  pruneEveryMs?: number;
  now?: () => number;
  onError?: (error: Error, records: number) => void;
}

export class PostgresDecisionStore implements DecisionStore {
  private buffer: DecisionRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private writing: Promise<void> = Promise.resolve();
  private prunedAt = 0;
  /** Records dropped because the buffer was full or a write failed. */
  dropped = 0;
  /** Records written. */
  written = 0;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly options: Required<Omit<PostgresDecisionStoreOptions, 'onError'>> & Pick<PostgresDecisionStoreOptions, 'onError'>,
  ) {}

  /** Connects to `url` (postgres://...) and migrates its schema. */
  static async open(url: string, options: PostgresDecisionStoreOptions = {}): Promise<PostgresDecisionStore> {
    return new PostgresDecisionStore(await openPool(url), {
      batchSize: options.batchSize ?? 256,
      flushMs: options.flushMs ?? 250,
      maxBuffered: options.maxBuffered ?? 10_000,
      maxRecords: options.maxRecords ?? 1_000_000,
      maxAgeMs: options.maxAgeMs ?? 7 * 86_400_000,
      pruneEveryMs: options.pruneEveryMs ?? 10_000,
      now: options.now ?? Date.now,
      onError: options.onError,
    });
  }

  async record(decision: DecisionRecord): Promise<void> {
    if (this.closed || this.buffer.length >= this.options.maxBuffered) {
      this.dropped++;
      return;
    }
    this.buffer.push(decision);
    if (this.buffer.length >= this.options.batchSize) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.write();
    } else this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, this.options.flushMs).unref();
  }

  /** Writes what is buffered, after any write in progress; resolves when it is stored (or dropped). */
  private write(): Promise<void> {
    this.writing = this.writing.then(() => this.drain());
    return this.writing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.options.batchSize);
      const column = <T>(of: (item: DecisionRecord) => T) => batch.map(of);
      try {
        await this.pool.query(
          `INSERT INTO decisions (at, uid, verdict, operation, kind, namespace, name, "user", latency_ms, record)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[], $10::text[])`,
          [
            column((item) => item.at),
            column((item) => item.uid ?? null),
            column((item) => item.verdict),
            column((item) => item.operation ?? null),
            column((item) => item.kind ?? null),
            column((item) => item.namespace ?? null),
            column((item) => item.name ?? null),
            column((item) => item.user ?? null),
            column((item) => item.latencyMs),
            column((item) => JSON.stringify(item)),
          ],
        );
        this.written += batch.length;
      } catch (error) {
        this.dropped += batch.length;
        this.options.onError?.(error as Error, batch.length);
      }
    }
    if (this.options.now() - this.prunedAt >= this.options.pruneEveryMs) await this.prune();
  }

  /** Deletes records older than maxAgeMs and beyond the newest maxRecords. */
  async prune(): Promise<void> {
    this.prunedAt = this.options.now();
    try {
      await this.pool.query('DELETE FROM decisions WHERE at < $1', [new Date(this.prunedAt - this.options.maxAgeMs).toISOString()]);
      await this.pool.query('DELETE FROM decisions WHERE id <= (SELECT id FROM decisions ORDER BY id DESC LIMIT 1 OFFSET $1)', [this.options.maxRecords]);
    } catch (error) {
      this.options.onError?.(error as Error, 0);
    }
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.write();
  }

  async list(query: DecisionQuery = {}): Promise<DecisionRecord[]> {
    const where: string[] = [];
    const parameters: unknown[] = [];
    for (const [column, value] of [['at >=', query.since], ['verdict =', query.verdict], ['namespace =', query.namespace], ['uid =', query.uid]] as const) {
      if (value === undefined) continue;
      parameters.push(value);
      where.push(`${column} $${parameters.length}`);
    }
    parameters.push(query.limit ?? 1000);
    const { rows } = await this.pool.query<{ record: string }>(`SELECT record FROM decisions${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${parameters.length}`, parameters);
    return rows.map((row) => JSON.parse(row.record) as DecisionRecord);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await this.pool.end();
  }
}
