import { Counter, Gauge, type Registry } from 'prom-client';
import type { ImageScanSummary } from '../../core/images/results.js';

/**
 * The admission webhook's scan queue: digests a review found no scan for are scanned in the
 * background, one or two at a time, and the results are kept for the next review (and written
 * to the image store by the scan itself). Bounded: at most `maxQueued` wait; one more is
 * refused ("full") and asked again by a later review. Deduplicated by digest: a digest waiting,
 * being scanned, or recently failed is not queued again. The review that found the digest is
 * never kept waiting: it is answered at once (denied or warned as configured).
 */
export interface ScanQueueOptions {
  /** Scans `reference` (registry/repository@digest) and returns the stored summary; throws when it cannot. */
  scan: (reference: string, digest: string) => Promise<ImageScanSummary>;
  /** Scans at once (default 1; at most 4). */
  concurrency?: number;
  /** Digests waiting at most (default 100). */
  maxQueued?: number;
  /** A failed digest is not queued again for this long (default 60,000 ms). */
  failureTtlMs?: number;
  /** Results and failures remembered (default 1,000); the oldest go first. */
  maxRemembered?: number;
  /** Where the metrics are registered (the server's registry). */
  registry?: Registry;
  /** Told of every scan's end (for logs). */
  onDone?: (event: { reference: string; digest: string; ok: boolean; error?: string; seconds: number }) => void;
  now?: () => number;
}

export type EnqueueResult = 'queued' | 'scanning' | 'failed' | 'full' | 'done';

export type QueueStatus = { state: 'queued' | 'scanning' } | { state: 'failed'; reason: string } | { state: 'done'; summary: ImageScanSummary };

export interface ScanQueue {
  /** Queues a digest for a scan unless it is known to the queue (waiting, scanning, done, recently failed). */
  enqueue(reference: string, digest: string): EnqueueResult;
  /** What the queue knows of a digest. */
  status(digest: string): QueueStatus | undefined;
  /** A scan the queue finished, by the digest it was queued under or the scanned manifest's digest. */
  scanned(digest: string): ImageScanSummary | undefined;
  /** Digests waiting (not the ones being scanned). */
  readonly depth: number;
  /** Resolves once nothing waits or runs. */
  idle(): Promise<void>;
  /** Stops starting scans; waits for the running ones up to graceMs. */
  close(graceMs?: number): Promise<void>;
}

export function createScanQueue(options: ScanQueueOptions): ScanQueue {
  const concurrency = Math.min(4, Math.max(1, options.concurrency ?? 1));
  const maxQueued = options.maxQueued ?? 100;
  const failureTtl = options.failureTtlMs ?? 60_000;
  const maxRemembered = options.maxRemembered ?? 1000;
  const now = options.now ?? Date.now;
  const waiting: { reference: string; digest: string }[] = [];
  const queued = new Set<string>();
  const running = new Set<string>();
  const results = new Map<string, ImageScanSummary>();
  const failures = new Map<string, { at: number; reason: string }>();
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  const registers = options.registry ? [options.registry] : [];
  new Gauge({
    name: 'palisade_admission_scan_queue_depth',
    help: 'Image digests waiting for a scan in the admission scan queue (not counting those being scanned).',
    registers,
    collect() {
      this.set(waiting.length);
    },
  });
  new Gauge({
    name: 'palisade_admission_scans_running',
    help: 'Image scans the admission scan queue is running.',
    registers,
    collect() {
      this.set(running.size);
    },
  });
  const scans = new Counter({ name: 'palisade_admission_scans_total', help: 'Image scans the admission scan queue finished, by result (done, failed).', labelNames: ['result'], registers });
  const refused = new Counter({ name: 'palisade_admission_scan_queue_refused_total', help: 'Digests not queued because the scan queue was full.', registers });
  scans.inc({ result: 'done' }, 0);
  scans.inc({ result: 'failed' }, 0);

  const bounded = <T>(map: Map<string, T>, key: string, value: T) => {
    map.delete(key);
    map.set(key, value);
    while (map.size > maxRemembered) map.delete(map.keys().next().value as string);
  };

  const settleIdle = () => {
    if (waiting.length > 0 || running.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const pump = () => {
    while (!closed && running.size < concurrency && waiting.length > 0) {
      const job = waiting.shift()!;
      queued.delete(job.digest);
      running.add(job.digest);
      const started = now();
      options
        .scan(job.reference, job.digest)
        .then(
          (summary) => {
            bounded(results, job.digest, summary);
            if (summary.digest !== job.digest) bounded(results, summary.digest, summary);
            failures.delete(job.digest);
            scans.inc({ result: 'done' });
            options.onDone?.({ reference: job.reference, digest: job.digest, ok: true, seconds: (now() - started) / 1000 });
          },
          (error: Error) => {
            bounded(failures, job.digest, { at: now(), reason: error.message });
            scans.inc({ result: 'failed' });
            options.onDone?.({ reference: job.reference, digest: job.digest, ok: false, error: error.message, seconds: (now() - started) / 1000 });
          },
        )
        .finally(() => {
          running.delete(job.digest);
          pump();
          settleIdle();
        });
    }
  };

  const status = (digest: string): QueueStatus | undefined => {
    const summary = results.get(digest);
    if (summary) return { state: 'done', summary };
    if (running.has(digest)) return { state: 'scanning' };
    if (queued.has(digest)) return { state: 'queued' };
    const failure = failures.get(digest);
    if (failure && now() - failure.at < failureTtl) return { state: 'failed', reason: failure.reason };
    return undefined;
  };

  return {
    enqueue(reference, digest) {
      const known = status(digest);
      if (known) return known.state === 'failed' ? 'failed' : known.state === 'done' ? 'done' : known.state;
      if (closed || waiting.length >= maxQueued) {
        refused.inc();
        return 'full';
      }
      failures.delete(digest);
      waiting.push({ reference, digest });
      queued.add(digest);
      // Started on the next turn: the review that queued it is answered first.
      setImmediate(pump);
      return 'queued';
    },
    status,
    scanned: (digest) => results.get(digest),
    get depth() {
      return waiting.length;
    },
    idle() {
      if (waiting.length === 0 && running.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close(graceMs = 5000) {
      closed = true;
      waiting.length = 0;
      queued.clear();
      if (running.size === 0) return settleIdle();
      await Promise.race([new Promise<void>((resolve) => idleWaiters.push(resolve)), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    },
  };
}
