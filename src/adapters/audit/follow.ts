/**
 * Reads a log file line by line, and with `follow` keeps reading as it grows, the way the API
 * server writes its audit log (--audit-log-path, rotated by size with --audit-log-maxsize):
 *   - rename rotation: the path now names a new file (another inode); the old file is read to
 *     its end first, then the new one from its start;
 *   - copy-truncate rotation: the file shrank; it is read again from its start;
 *   - the path is missing for a moment between the two: the old file stays open until it appears.
 * Polling (every `pollMs`) rather than fs.watch: it behaves the same on every filesystem,
 * bind mounts and network volumes included. Partial lines wait for their newline, up to
 * `maxLineBytes`.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { LineSplitter } from './lines.js';

export interface FollowOptions {
  path: string;
  /** keep reading as the file grows (until the signal aborts) */
  follow: boolean;
  /** with follow: start at the beginning of the file (default: at its end, as tail -f -n 0) */
  fromStart?: boolean;
  pollMs?: number;
  /** a longer line is dropped and reported (default 1 MiB + 1 KiB) */
  maxLineBytes?: number;
  signal?: AbortSignal;
  line(text: string, where: { file: string; line: number }): void | Promise<void>;
  tooLong(where: { file: string; line: number }, bytes: number): void;
  /** a rotation or truncation was seen */
  rotated?(how: 'renamed' | 'truncated'): void;
}

const CHUNK = 64 * 1024;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function followFile(options: FollowOptions): Promise<void> {
  const pollMs = options.pollMs ?? 250;
  let pending: { text: string; number: number }[] = [];
  const splitter = new LineSplitter(options.maxLineBytes ?? 1024 * 1024 + 1024, {
    line: (text, number) => pending.push({ text, number }),
    tooLong: (number, bytes) => options.tooLong({ file: options.path, line: number }, bytes),
  });
  const deliver = async () => {
    const lines = pending;
    pending = [];
    for (const item of lines) await options.line(item.text, { file: options.path, line: item.number });
  };

  let handle: FileHandle = await open(options.path, 'r');
  let inode = (await handle.stat()).ino;
  let position = options.follow && !options.fromStart ? (await handle.stat()).size : 0;
  const buffer = Buffer.alloc(CHUNK);
  const drain = async () => {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      splitter.push(buffer.subarray(0, bytesRead));
      await deliver();
    }
  };
  try {
    await drain();
    if (!options.follow) {
      splitter.flush();
      await deliver();
      return;
    }
    while (!options.signal?.aborted) {
      await sleep(pollMs, options.signal);
      if (options.signal?.aborted) break;
      const current = await stat(options.path).catch(() => undefined);
      if (current && current.ino !== inode) {
        // Renamed away: finish the old file (the writer completes lines before it rotates).
        await drain();
        splitter.flush();
        await deliver();
        await handle.close();
        handle = await open(options.path, 'r');
        inode = (await handle.stat()).ino;
        position = 0;
        splitter.reset();
        options.rotated?.('renamed');
      } else if ((await handle.stat()).size < position) {
        position = 0;
        splitter.reset();
        options.rotated?.('truncated');
      }
      await drain();
    }
  } finally {
    await handle.close();
  }
}
