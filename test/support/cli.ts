import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoPath } from './paths.js';

/** A cache directory of the test run's own: no store or database of the developer's leaks in. */
const CACHE_HOME = mkdtempSync(path.join(tmpdir(), 'palisade-cache-'));

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
