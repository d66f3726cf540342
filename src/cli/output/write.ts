import type { CommandIO } from '../io.js';

/** Text to write: one string, or chunks for output too large to hold as one string. */
export type Rendered = string | Iterable<string>;

/** Chunks are gathered into writes of about this many characters. */
const BATCH = 1 << 20;

/**
 * Writes rendered output to stdout. Chunks are batched into large writes (join() builds each
 * batch as one flat string), and each write waits for stdout to take it, so a large report
 * never piles up in memory.
 */
export async function writeOutput(io: Pick<CommandIO, 'stdout'>, output: Rendered): Promise<void> {
  if (typeof output === 'string') {
    await io.stdout(output);
    return;
  }
  let pending: string[] = [];
  let size = 0;
  for (const chunk of output) {
    pending.push(chunk);
    size += chunk.length;
    if (size > BATCH) {
      await io.stdout(pending.join(''));
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) await io.stdout(pending.join(''));
}
