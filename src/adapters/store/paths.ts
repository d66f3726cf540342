import { homedir } from 'node:os';
import path from 'node:path';

/** Palisade's cache directory: $XDG_CACHE_HOME/palisade, else ~/.cache/palisade. */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'palisade');
}

/** $PALISADE_IMAGE_STORE, else images.db in the cache directory. */
export function defaultImageStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.PALISADE_IMAGE_STORE || path.join(cacheDirectory(env), 'images.db');
}
