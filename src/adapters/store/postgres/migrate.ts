import type pg from 'pg';
import type { Migration } from './migrations.js';

/**
 * A small versioned migration runner: `schema_migrations` records each version applied; the
 * pending ones are applied in order, each in its own transaction with its record, so a failed
 * migration leaves nothing half-done. A session-level advisory lock is held throughout, so
 * replicas that start together take turns: the first applies, the others find nothing to do.
 * A database migrated by a newer Palisade (a version this one does not know) is refused.
 */

/** The advisory lock key of Palisade's migrations (ASCII "pali"). */
export const MIGRATION_LOCK = 0x70616c69;

export class SchemaTooNewError extends Error {
  readonly code = 'schema-too-new';
}

/** Applies the pending migrations; returns the versions this call applied. */
export async function migrate(pool: pg.Pool, migrations: readonly Migration[]): Promise<number[]> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
      const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
      const known = new Set(migrations.map((migration) => migration.version));
      const unknown = [...done].filter((version) => !known.has(version)).sort((a, b) => a - b);
      if (unknown.length > 0) throw new SchemaTooNewError(`the database has schema migration ${unknown.at(-1)}, this Palisade knows up to ${Math.max(0, ...known)}`);
      const applied: number[] = [];
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`schema migration ${migration.version} (${migration.name}): ${(error as Error).message}`, { cause: error });
        }
        applied.push(migration.version);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {
        broken = true;
      });
    }
  } finally {
    // A connection whose unlock failed still holds the lock: close it rather than return it to the pool.
    client.release(broken);
  }
}
