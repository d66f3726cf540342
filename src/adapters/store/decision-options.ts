/**
 * The options of a decision store, SQLite or PostgreSQL: its write buffer (BatchedWriter)
 * and how much it keeps. One definition and one set of defaults for both adapters.
 */
export interface DecisionStoreOptions {
  /** Records written per transaction at most, and the count that triggers a write (default 256). */
  batchSize?: number;
  /** Longest a record waits in the buffer (default 250 ms). */
  flushMs?: number;
  /** Records buffered at most; more are dropped (default 10,000). */
  maxBuffered?: number;
  /** Records kept at most, the newest (default 1,000,000). */
  maxRecords?: number;
  /** Records kept at most this long (default 7 days). */
  maxAgeMs?: number;
  /** Pruning runs after a write at most this often (default 10,000 ms). */
  pruneEveryMs?: number;
  now?: () => number;
  /** Told of a failed write (the batch is dropped). */
  onError?: (error: Error, records: number) => void;
}

export type ResolvedDecisionStoreOptions = Required<Omit<DecisionStoreOptions, 'onError'>> & Pick<DecisionStoreOptions, 'onError'>;

export function decisionStoreOptions(options: DecisionStoreOptions): ResolvedDecisionStoreOptions {
  return {
    batchSize: options.batchSize ?? 256,
    flushMs: options.flushMs ?? 250,
    maxBuffered: options.maxBuffered ?? 10_000,
    maxRecords: options.maxRecords ?? 1_000_000,
    maxAgeMs: options.maxAgeMs ?? 7 * 86_400_000,
    pruneEveryMs: options.pruneEveryMs ?? 10_000,
    now: options.now ?? Date.now,
    onError: options.onError,
  };
}
