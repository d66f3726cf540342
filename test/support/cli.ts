import { spawnSync } from 'node:child_process';
import { repoPath } from './paths.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI the way a user does: a separate process, stdin given (empty by
 * default), from the repository root unless `cwd` says otherwise. NO_COLOR is unset
 * unless `env` sets it, so output is plain only because stdout is not a terminal.
 */
export function palisade(args: string[], options: { input?: string; cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (options.env?.NO_COLOR === undefined) delete env.NO_COLOR;
  const result = spawnSync(process.execPath, [repoPath('bin/palisade.js'), ...args], {
    input: options.input ?? '',
    cwd: options.cwd ?? repoPath('.'),
    encoding: 'utf8',
    env,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
