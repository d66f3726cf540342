import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CommandIO } from '../io.js';
import { UsageError } from '../usage-error.js';

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

/**
 * Writes rendered output to a file atomically: to a temporary file in the same directory
 * (so the rename stays on one filesystem), flushed, then renamed over the target.
 */
export async function writeFileAtomically(file: string, output: Rendered): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let handle;
  try {
    handle = await open(temporary, 'wx', 0o644);
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (error as Error).message}`);
  }
  try {
    const sink = handle;
    await writeOutput({ stdout: async (text) => void (await sink.write(text)) }, output);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, file);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw new UsageError(`cannot write ${file}: ${(error as Error).message}`);
  }
}
