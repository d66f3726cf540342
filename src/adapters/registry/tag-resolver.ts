import type { ImageReference } from '../../core/images/reference.js';
import { tagReference } from '../../core/images/results.js';

/**
 * Tags resolved to the digests they name now, for the admission webhook: a bounded cache with a
 * short time to live in front of a registry HEAD (RegistryClient.headDigest). A review asks with
 * a budget (what is left of its deadline): a fresh entry answers at once; otherwise one request
 * per tag is made (concurrent reviews of the same tag share it) and the review waits for it at
 * most `budgetMs`; a request that outlives the budget still fills the cache for the next review.
 * An entry past half its life is refreshed in the background when read, so a tag in use is
 * rarely resolved on a review's path. Failures are remembered briefly (`failureTtlMs`) so that a
 * registry that is down is not asked again by every review.
 */
export interface TagResolverOptions {
  /** The registry lookup: the digest `reference`'s tag names now (throws when it cannot tell). */
  head: (reference: ImageReference, tag: string) => Promise<string>;
  /** How long a resolution is trusted (default 60,000 ms). */
  ttlMs?: number;
  /** How long a failure is remembered (default 5,000 ms). */
  failureTtlMs?: number;
  /** Tags kept (default 10,000); the least recently used go first. */
  maxEntries?: number;
  /** Registry requests in flight at once (default 16); a review that would start one more is answered "busy". */
  maxInFlight?: number;
  now?: () => number;
}

export type TagResolution =
  | { ok: true; digest: string; /** cache: answered from the cache; registry: asked during this review */ from: 'cache' | 'registry' }
  | { ok: false; reason: string };

export interface TagResolverStats {
  entries: number;
  inFlight: number;
  hits: number;
  misses: number;
  failures: number;
}

export interface TagResolver {
  /** The digest the reference's tag names now; undefined for a reference that pins a digest or names none. */
  resolve(reference: ImageReference, budgetMs: number): Promise<TagResolution | undefined>;
  stats(): TagResolverStats;
}

interface Entry {
  at: number;
  digest?: string;
  reason?: string;
}

export function createTagResolver(options: TagResolverOptions): TagResolver {
  const ttl = options.ttlMs ?? 60_000;
  const failureTtl = options.failureTtlMs ?? 5000;
  const maxEntries = options.maxEntries ?? 10_000;
  const maxInFlight = options.maxInFlight ?? 16;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Entry>>();
  const counts = { hits: 0, misses: 0, failures: 0 };

  const remember = (key: string, entry: Entry) => {
    entries.delete(key);
    entries.set(key, entry);
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  };

  const fetchEntry = (key: string, reference: ImageReference, tag: string): Promise<Entry> | undefined => {
    const running = inFlight.get(key);
    if (running) return running;
    if (inFlight.size >= maxInFlight) return undefined;
    const request = options
      .head(reference, tag)
      .then(
        (digest): Entry => ({ at: now(), digest }),
        (error: Error): Entry => {
          counts.failures++;
          return { at: now(), reason: error.message };
        },
      )
      .then((entry) => {
        // A failure does not replace a good answer that is still fresh (a refresh that failed).
        const known = entries.get(key);
        if (entry.digest !== undefined || !known?.digest || now() - known.at >= ttl) remember(key, entry);
        return entry;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, request);
    return request;
  };

  return {
    async resolve(reference, budgetMs) {
      if (reference.digest !== undefined) return undefined;
      const key = tagReference(reference);
      if (key === undefined) return undefined;
      const tag = key.slice(key.lastIndexOf(':') + 1);
      const known = entries.get(key);
      const age = known ? now() - known.at : Infinity;
      if (known?.digest !== undefined && age < ttl) {
        counts.hits++;
        remember(key, known);
        if (age >= ttl / 2) fetchEntry(key, reference, tag)?.catch(() => undefined);
        return { ok: true, digest: known.digest, from: 'cache' };
      }
      if (known?.reason !== undefined && age < failureTtl) {
        counts.hits++;
        return { ok: false, reason: known.reason };
      }
      counts.misses++;
      const request = fetchEntry(key, reference, tag);
      if (!request) return { ok: false, reason: `${maxInFlight} tag resolutions already in flight` };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), Math.max(0, budgetMs));
      });
      const entry = await Promise.race([request, timeout]);
      clearTimeout(timer);
      if (!entry) return { ok: false, reason: `the registry did not answer within ${Math.max(0, Math.round(budgetMs))} ms` };
      return entry.digest !== undefined ? { ok: true, digest: entry.digest, from: 'registry' } : { ok: false, reason: entry.reason ?? 'unknown error' };
    },
    stats: () => ({ entries: entries.size, inFlight: inFlight.size, ...counts }),
  };
}
