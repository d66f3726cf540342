import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from dist/test/support. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The shared test data (real-world corpus, advisory databases), read in place and
 * never copied: PALISADE_SHARED when set, else ../shared beside the checkout, else
 * /work/shared. A missing folder makes the tests that need it fail, naming the path.
 */
export const SHARED = ((): string => {
  const candidates = [process.env.PALISADE_SHARED, path.resolve(REPO_ROOT, '../shared'), '/work/shared'].filter((item): item is string => Boolean(item));
  return candidates.find((candidate) => existsSync(path.join(candidate, 'corpus'))) ?? candidates[0]!;
})();

export function repoPath(relative: string): string {
  return path.join(REPO_ROOT, relative);
}
