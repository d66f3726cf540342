/**
 * Loads the CLI bundle (one CommonJS file, scripts/bundle.mjs) through a V8 code cache, what
 * Node 22's module compile cache does and Node 20 lacks: compiling the bundle's megabyte of
 * JavaScript on every run is most of a small scan's start-up time.
 *
 * The cache is one file per command under `$XDG_CACHE_HOME/palisade/code-cache/` (or
 * `~/.cache/...`), named by a hash of the bundle's text, Node's version and architecture and
 * the flags it runs with, so a rebuilt bundle or another Node never reads it. It is written
 * after the command has run, so it holds the functions that command compiled, and only when
 * it was missing, damaged or refused by V8. A file starts with the SHA-256 of what follows, so
 * a truncated or corrupted cache is ignored (and rewritten) rather than handed to V8. Writes go
 * to a temporary file renamed into place, so concurrent runs never read half a cache; any
 * error reading or writing it (a read-only home, no home) only costs the speed-up.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

const DIGEST_BYTES = 32;

/** Where code caches go: `$XDG_CACHE_HOME/palisade/code-cache`, else `~/.cache/...`; none without a home. */
export function codeCacheDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'palisade', 'code-cache');
  let home: string;
  try {
    home = homedir();
  } catch {
    return undefined;
  }
  return home ? join(home, '.cache', 'palisade', 'code-cache') : undefined;
}

/** Whether this Node can run the bundle: it requires ES-module npm packages (Node 20.19+, 22.12+). */
export function canLoadBundle(): boolean {
  return (process.features as { require_module?: boolean }).require_module === true;
}

export interface LoadedBundle<T> {
  exports: T;
  /** How the cache was used: `hit`, `miss` (none yet), `damaged` (checksum), `rejected` (by V8), `off` (no directory). */
  cache: 'hit' | 'miss' | 'damaged' | 'rejected' | 'off';
  /** Writes the cache if this run had no usable one; never throws. Call it once the command has run. */
  save(): void;
}

/**
 * Compiles and runs the CommonJS bundle `file`, with the code cache `name` (a command) from
 * `cacheDirectory` when one is there and sound.
 */
export function loadBundle<T>(file: string, options: { name: string; cacheDirectory: string | undefined }): LoadedBundle<T> {
  const source = readFileSync(file, 'utf8');
  const key = createHash('sha256')
    .update(source)
    .update(`\0${process.version}\0${process.arch}\0${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`)
    .digest('hex')
    .slice(0, 20);
  const prefix = `${basename(file)}-${options.name}-`;
  const cacheFile = options.cacheDirectory === undefined ? undefined : join(options.cacheDirectory, `${prefix}${key}.bin`);
  const read: CacheRead = cacheFile === undefined ? { state: 'off' } : readCache(cacheFile);
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __bundle_url) {${source}\n})`, {
    filename: file,
    ...(read.data ? { cachedData: read.data } : {}),
  });
  const cache = read.data && script.cachedDataRejected ? 'rejected' : read.state;
  const module = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), pathToFileURL(file).href);
  let saved = false;
  return {
    exports: module.exports,
    cache,
    save() {
      if (saved || cacheFile === undefined || cache === 'hit') return;
      saved = true;
      try {
        writeCache(cacheFile, prefix, script.createCachedData());
      } catch {
        // A read-only or missing home: the next run compiles again.
      }
    },
  };
}

interface CacheRead {
  state: 'hit' | 'miss' | 'damaged' | 'off';
  data?: Buffer;
}

function readCache(file: string): CacheRead {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return { state: 'miss' };
  }
  const data = bytes.subarray(DIGEST_BYTES);
  if (bytes.length <= DIGEST_BYTES || !createHash('sha256').update(data).digest().equals(bytes.subarray(0, DIGEST_BYTES))) return { state: 'damaged' };
  return { state: 'hit', data };
}

function writeCache(file: string, prefix: string, data: Buffer): void {
  const directory = dirname(file);
  mkdirSync(directory, { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([createHash('sha256').update(data).digest(), data]));
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  // Caches of earlier builds of the bundle for this command are never read again.
  for (const entry of readdirSync(directory)) {
    if (entry.startsWith(prefix) && entry.endsWith('.bin') && join(directory, entry) !== file) rmSync(join(directory, entry), { force: true });
  }
}
