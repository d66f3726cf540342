import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from dist/test/support. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SHARED = path.resolve(REPO_ROOT, '../shared');

export function repoPath(relative: string): string {
  return path.join(REPO_ROOT, relative);
}
