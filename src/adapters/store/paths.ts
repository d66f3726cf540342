import { homedir } from 'node:os';
import path from 'node:path';

/** Palisade's cache directory: $XDG_CACHE_HOME/palisade (when absolute, as the XDG spec requires), else ~/.cache/palisade. */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(homedir(), '.cache');
  return path.join(cache, 'palisade');
}

/** $PALISADE_IMAGE_STORE, else images.db in the cache directory. */
export function defaultImageStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.PALISADE_IMAGE_STORE || path.join(cacheDirectory(env), 'images.db');
}

/** $PALISADE_ALERT_STORE, else alerts.db in the cache directory: the alert outbox and dedup state. */
export function defaultAlertStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.PALISADE_ALERT_STORE || path.join(cacheDirectory(env), 'alerts.db');
}

/** $PALISADE_FINDING_STORE, else findings.db in the cache directory: what palisade watch records. */
export function defaultFindingStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.PALISADE_FINDING_STORE || path.join(cacheDirectory(env), 'findings.db');
}
