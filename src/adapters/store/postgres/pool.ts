import pg from 'pg';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { redactLocation } from './url.js';

/** A pool on the URL's database, migrated to this Palisade's schema. Errors never carry the URL's password. */
export async function openPool(url: string): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
  // An idle connection the server drops is replaced; without a listener its error would end the process.
  pool.on('error', () => undefined);
  try {
    await migrate(pool, MIGRATIONS);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`${redactLocation(url)}: ${scrub((error as Error).message, url)}`, { cause: error });
  }
  return pool;
}

/** Removes the URL's password from a message, should a driver ever echo it. */
function scrub(message: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // nothing to scrub
  }
  return password ? message.split(password).join('***') : message;
}

/** Runs `work` in a transaction on one connection of the pool. */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
