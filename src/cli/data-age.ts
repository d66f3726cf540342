import { DEFAULT_MAX_DATA_AGE_DAYS } from '../app/image.js';
import { UsageError } from './usage-error.js';

/** `--db-max-age`, else PALISADE_DB_MAX_AGE_DAYS, else the default. */
export function maxDataAgeDays(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const text = flag ?? (env.PALISADE_DB_MAX_AGE_DAYS || undefined);
  if (text === undefined) return DEFAULT_MAX_DATA_AGE_DAYS;
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag !== undefined ? '--db-max-age' : 'PALISADE_DB_MAX_AGE_DAYS'}: expected a whole number of days, not "${text}"`);
  return Number(text);
}
