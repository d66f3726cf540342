import os from 'node:os';
import path from 'node:path';

/** `--db`, else PALISADE_DB, else $XDG_CACHE_HOME/palisade/vuln.db, else ~/.cache/palisade/vuln.db. */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PALISADE_DB) return env.PALISADE_DB;
  const cache = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(cache, 'palisade', 'vuln.db');
}
