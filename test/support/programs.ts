import { accessSync, constants, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoPath } from './paths.js';

/** Where scripts/provision.sh puts helm and kustomize (npm test runs it first). */
export const PROVISIONED_BIN = repoPath('.cache/bin');

/** PATH for processes the tests start: the provisioned programs first, then the inherited PATH. */
export const TEST_PATH = [PROVISIONED_BIN, process.env.PATH ?? ''].filter(Boolean).join(path.delimiter);

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of a program as TEST_PATH finds it, or undefined. */
export function findProgram(name: string): string | undefined {
  for (const directory of TEST_PATH.split(path.delimiter)) {
    if (directory === '') continue;
    const candidate = path.join(directory, name);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/** Like findProgram, but a missing program is a test failure that says how to get it. */
export function requireProgram(name: 'helm' | 'kustomize' | 'cosign'): string {
  const found = findProgram(name);
  if (!found) throw new Error(`${name} is not in ${PROVISIONED_BIN} nor on PATH: run bash scripts/provision.sh (npm test does)`);
  return found;
}

/**
 * A new directory (under `parent`, default the system's temporary directory) to use as the
 * whole PATH: the node binary plus the given programs (name -> absolute target, symlinked)
 * or shell scripts (name -> { script }).
 */
export function binDirectory(programs: Record<string, string | { script: string }> = {}, parent = tmpdir()): string {
  const directory = mkdtempSync(path.join(parent, 'palisade-bin-'));
  symlinkSync(process.execPath, path.join(directory, 'node'));
  for (const [name, target] of Object.entries(programs)) {
    const file = path.join(directory, name);
    if (typeof target === 'string') symlinkSync(target, file);
    else writeFileSync(file, `#!/bin/sh\n${target.script}\n`, { mode: 0o755 });
  }
  return directory;
}
