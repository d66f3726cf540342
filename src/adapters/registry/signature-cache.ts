import { Gauge, type Registry } from 'prom-client';
import type { SignatureResults, SignatureVerdict } from '../../core/images/signatures.js';
import type { SignatureVerifier } from '../../core/ports/signatures.js';

/**
 * Verdicts kept per image reference for a while, so the admission webhook does not read the
 * registry on every review: a reference pinned by digest names fixed content, so its verdict is
 * a verdict on the digest; a tag's verdict is re-checked after the TTL (the tag may have moved).
 * An `error` verdict (registry unreachable) is kept only briefly, so a retry soon tries again.
 *
 * `prepare` starts the verifications a review needs and waits for them at most `budgetMs`;
 * what did not finish stays unknown to `results` (the check then reports it as not evaluated,
 * which denies in an enforced namespace) and keeps running, so the retry the denial asks for
 * finds it cached. Concurrent reviews of one image share one verification.
 */
export interface SignatureCache {
  /** The verdicts known now (read synchronously by the checks, through the inventory). */
  readonly results: SignatureResults;
  /** Verifies the images not cached (or expired), waiting at most budgetMs. */
  prepare(images: readonly string[], budgetMs: number): Promise<void>;
  /** How many verifications reached the registry, how many lookups the cache answered, and the verdicts reached by status. */
  readonly stats: { verified: number; hits: number; verdicts: Record<SignatureVerdict['status'], number> };
}

export interface SignatureCacheOptions {
  ttlMs: number;
  /** How long an `error` verdict is kept (default 10 s). */
  errorTtlMs?: number;
  now?: () => number;
}

export function createSignatureCache(verifier: SignatureVerifier, options: SignatureCacheOptions): SignatureCache {
  const now = options.now ?? Date.now;
  const errorTtl = Math.min(options.errorTtlMs ?? 10_000, options.ttlMs);
  const entries = new Map<string, { verdict: SignatureVerdict; expires: number }>();
  const pending = new Map<string, Promise<void>>();
  const stats = { verified: 0, hits: 0, verdicts: { verified: 0, unsigned: 0, invalid: 0, error: 0 } };

  const fresh = (image: string): SignatureVerdict | undefined => {
    const entry = entries.get(image);
    if (!entry) return undefined;
    if (entry.expires <= now()) {
      entries.delete(image);
      return undefined;
    }
    return entry.verdict;
  };

  const start = (image: string): Promise<void> => {
    let running = pending.get(image);
    if (running) return running;
    stats.verified++;
    running = verifier
      .verify(image)
      .then(
        (verdict) => {
          stats.verdicts[verdict.status]++;
          entries.set(image, { verdict, expires: now() + (verdict.status === 'error' ? errorTtl : options.ttlMs) });
        },
        (error: unknown) => {
          stats.verdicts.error++;
          entries.set(image, { verdict: { image, status: 'error', reason: (error as Error).message, found: { classic: 0, bundles: 0 } }, expires: now() + errorTtl });
        },
      )
      .finally(() => pending.delete(image));
    pending.set(image, running);
    return running;
  };

  return {
    stats,
    results: {
      lookup: (image) => fresh(image),
    },
    async prepare(images, budgetMs) {
      const waits: Promise<void>[] = [];
      for (const image of new Set(images)) {
        if (fresh(image)) {
          stats.hits++;
          continue;
        }
        waits.push(start(image));
      }
      if (waits.length === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(waits), new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, budgetMs))))]);
      clearTimeout(timer);
    },
  };
}

/** The cache's counts as Prometheus metrics (read when scraped): registry reads, cache hits, verdicts by status. */
export function registerSignatureMetrics(registry: Registry, cache: SignatureCache): void {
  new Gauge({
    name: 'palisade_admission_signature_verifications',
    help: 'Signature verifications that read the registry since the start (the others were answered from the cache).',
    registers: [registry],
    collect() {
      this.set(cache.stats.verified);
    },
  });
  new Gauge({
    name: 'palisade_admission_signature_cache_hits',
    help: 'Images of reviews whose signature verdict came from the cache, since the start.',
    registers: [registry],
    collect() {
      this.set(cache.stats.hits);
    },
  });
  new Gauge({
    name: 'palisade_admission_signature_verdicts',
    help: 'Signature verdicts reached since the start, by status (verified, unsigned, invalid, error).',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      for (const [status, count] of Object.entries(cache.stats.verdicts)) this.set({ status }, count);
    },
  });
}
