import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoPath } from './paths.js';
import { tempDir } from './temp.js';

/** A cache directory of the test run's own: no store or database of the developer's leaks in. */
const CACHE_HOME = tempDir('palisade-cache');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI the way a user does: a separate process, stdin given (empty by
 * default), from the repository root unless `cwd` says otherwise. NO_COLOR is unset
 * unless `env` sets it, so output is plain only because stdout is not a terminal.
 * XDG_CACHE_HOME is an empty directory of the test run unless `env` sets it.
 */
export function palisade(args: string[], options: { input?: string; cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const env: Record<string, string | undefined> = { ...process.env, XDG_CACHE_HOME: CACHE_HOME, ...options.env };
  for (const name of ['PALISADE_IMAGE_STORE', 'PALISADE_DB']) if (options.env?.[name] === undefined) delete env[name];
  if (options.env?.NO_COLOR === undefined) delete env.NO_COLOR;
  const result = spawnSync(process.execPath, [repoPath('bin/palisade.js'), ...args], {
    input: options.input ?? '',
    cwd: options.cwd ?? repoPath('.'),
    encoding: 'utf8',
    env,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The same, asynchronously: for tests whose servers (a test registry) run in this process and
 * must keep serving while the CLI runs. HOME and XDG_CACHE_HOME are fresh directories, and
 * PALISADE_DB / PALISADE_IMAGE_STORE unset, unless `env` sets them.
 */
export function palisadeAsync(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<CliRun & { ms: number }> {
  const { PALISADE_DB: _db, PALISADE_IMAGE_STORE: _store, NO_COLOR: _noColor, ...inherited } = process.env;
  const home = tempDir('palisade-home');
  const env = { ...inherited, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), ...options.env };
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [repoPath('bin/palisade.js'), ...args], { cwd: repoPath('.'), env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    child.stdin.end(options.input ?? '');
  });
}
