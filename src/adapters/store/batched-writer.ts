/**
 * The write path the decision stores share (SQLite and PostgreSQL): `add` pushes to a bounded
 * buffer and returns at once; the buffer is written a batch at a time, one write after another,
 * every `flushMs` or as soon as `batchSize` items wait. Items over the buffer, or of a failed
 * write, are dropped and counted, so a slow disk or database never slows the caller. After a
 * write, the store is pruned at most every `pruneEveryMs`.
 */
export interface BatchedWriterOptions {
  batchSize: number;
  flushMs: number;
  maxBuffered: number;
  pruneEveryMs: number;
  now: () => number;
  /** Told of a failed write (the batch is dropped) or prune (0 items). */
  onError?: (error: Error, items: number) => void;
}

export interface BatchSink<T> {
  write(batch: T[]): void | Promise<void>;
  prune(): void | Promise<void>;
}

export class BatchedWriter<T> {
  /** Items dropped because the buffer was full or a write failed. */
  dropped = 0;
  /** Items written. */
  written = 0;
  private buffer: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private writing: Promise<void> = Promise.resolve();
  private prunedAt = 0;

  constructor(
    private readonly sink: BatchSink<T>,
    private readonly options: BatchedWriterOptions,
  ) {}

  add(item: T): void {
    if (this.closed || this.buffer.length >= this.options.maxBuffered) {
      this.dropped++;
      return;
    }
    this.buffer.push(item);
    if (this.buffer.length >= this.options.batchSize) {
      clearTimeout(this.timer);
      this.timer = undefined;
      // After the caller's own work (a review's answer), not inside it.
      setImmediate(() => void this.write());
    } else
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.write();
      }, this.options.flushMs).unref();
  }

  /** Writes what is buffered now; resolves when it is stored (or dropped). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.write();
  }

  /** Flushes, then takes no more items. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private write(): Promise<void> {
    this.writing = this.writing.then(() => this.drain());
    return this.writing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.options.batchSize);
      try {
        await this.sink.write(batch);
        this.written += batch.length;
      } catch (error) {
        this.dropped += batch.length;
        this.options.onError?.(error as Error, batch.length);
      }
    }
    if (this.options.now() - this.prunedAt < this.options.pruneEveryMs) return;
    this.prunedAt = this.options.now();
    try {
      await this.sink.prune();
    } catch (error) {
      this.options.onError?.(error as Error, 0);
    }
  }
}
