import type pg from 'pg';
import { decisionStoreOptions, type DecisionStoreOptions, type ResolvedDecisionStoreOptions } from '../decision-options.js';
import type { DecisionQuery, DecisionRecord, DecisionStore } from '../../../core/ports/decisions.js';
import { openPool } from './pool.js';
import { BatchedWriter } from '../batched-writer.js';

/**
 * The PostgreSQL adapter of the DecisionStore port, with the SQLite adapter's semantics
 * (../decision-store.ts): `record` pushes to a bounded buffer and returns; the buffer is written
 * as one multi-row INSERT per batch (every `flushMs`, or as soon as `batchSize` records wait),
 * one write at a time; records over the buffer, or of a failed write, are dropped and counted.
 * Records older than `maxAgeMs` and beyond the newest `maxRecords` are deleted after writes (at
 * most every `pruneEveryMs`). Replicas of the webhook may share one database.
 */
export type PostgresDecisionStoreOptions = DecisionStoreOptions;

export class PostgresDecisionStore implements DecisionStore {
  private readonly writer: BatchedWriter<DecisionRecord>;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly options: ResolvedDecisionStoreOptions,
  ) {
    this.writer = new BatchedWriter({ write: (batch) => this.insert(batch), prune: () => this.prune() }, options);
  }

  /** Records dropped because the buffer was full or a write failed. */
  get dropped(): number {
    return this.writer.dropped;
  }

  /** Records written. */
  get written(): number {
    return this.writer.written;
  }

  /** Connects to `url` (postgres://...) and migrates its schema. */
  static async open(url: string, options: PostgresDecisionStoreOptions = {}): Promise<PostgresDecisionStore> {
    return new PostgresDecisionStore(await openPool(url), decisionStoreOptions(options));
  }

  async record(decision: DecisionRecord): Promise<void> {
    this.writer.add(decision);
  }

  /** One multi-row INSERT per batch. */
  private async insert(batch: DecisionRecord[]): Promise<void> {
    const column = <T>(of: (item: DecisionRecord) => T) => batch.map(of);
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
  }

  /** Deletes records older than maxAgeMs and beyond the newest maxRecords (also done after writes, at most every pruneEveryMs). */
  async prune(): Promise<void> {
    const now = this.options.now();
    await this.pool.query('DELETE FROM decisions WHERE at < $1', [new Date(now - this.options.maxAgeMs).toISOString()]);
    await this.pool.query('DELETE FROM decisions WHERE id <= (SELECT id FROM decisions ORDER BY id DESC LIMIT 1 OFFSET $1)', [this.options.maxRecords]);
  }

  async flush(): Promise<void> {
    await this.writer.flush();
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
    this.closed = true;
    await this.writer.close();
    await this.pool.end();
  }
}
