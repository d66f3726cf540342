import path from 'node:path';
import { cacheDirectory } from '../store/paths.js';

/** `--db`, else PALISADE_DB, else vuln.db in Palisade's cache directory ($XDG_CACHE_HOME/palisade or ~/.cache/palisade). */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.PALISADE_DB || path.join(cacheDirectory(env), 'vuln.db');
}
