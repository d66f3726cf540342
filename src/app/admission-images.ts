/**
 * The image gates' preparation of one admission review (docs/admission.md, "Image gates"):
 * before the review is judged, each tag its objects name is resolved to the digest it names now
 * (through a cache in front of the registry, within the review's budget), and each digest with no
 * scan is queued for one. The review is then judged (app/admission.ts, unchanged) against image
 * results that see the image by that digest, and that tell the image checks why a scan is
 * missing (queued, failed, or the tag could not be resolved: not evaluated). Nothing here waits
 * for a scan: the review that finds a digest unknown is answered at once.
 */
import { extractWorkload } from '../core/kinds/pod-spec.js';
import { containerImages } from '../core/kinds/images.js';
import type { ImageGateStatus, ImageResults, ImageScanSummary } from '../core/images/results.js';
import type { ImageReference } from '../core/images/reference.js';
import { asRecord } from '../core/model/values.js';
import type { KubeObject } from '../core/model/resource.js';

/** A tag's digest now (adapters/registry/tag-resolver.ts). */
export type TagLookup = { ok: true; digest: string; from: 'cache' | 'registry' } | { ok: false; reason: string };

/** The scan queue as the gate uses it (adapters/admission/scan-queue.ts). */
export interface ImageScanQueue {
  enqueue(reference: string, digest: string): 'queued' | 'scanning' | 'failed' | 'full' | 'done';
  status(digest: string): { state: 'queued' | 'scanning' } | { state: 'failed'; reason: string } | { state: 'done'; summary: ImageScanSummary } | undefined;
  scanned(digest: string): ImageScanSummary | undefined;
}

export interface ImageGateDeps {
  /** Resolves a tag; absent: a tag is judged on its last stored scan. */
  resolve?: (reference: ImageReference, budgetMs: number) => Promise<TagLookup | undefined>;
  /** Queues unknown digests for a scan; absent: they are only "never scanned". */
  queue?: ImageScanQueue;
}

/** What the gate did for one image of a review, for the decision log and record. */
export interface ImageNote {
  image: string;
  /** The digest judged (pinned, or the tag's now); absent when the tag was not resolved. */
  digest?: string;
  /** pinned: the reference names a digest; cache / registry: the tag was resolved; unresolved: it could not be; stored: not resolved (the tag's last stored scan). */
  resolution: 'pinned' | 'cache' | 'registry' | 'unresolved' | 'stored';
  /** found: a scan exists; queued, scanning, failed (recently; not queued again), full (the queue was full); none: no scan and no queue. */
  scan: 'found' | 'queued' | 'scanning' | 'failed' | 'full' | 'none';
  reason?: string;
}

export interface PreparedImages {
  /** The results to judge this review against (undefined when there are none: no image gates). */
  images?: ImageResults;
  notes: ImageNote[];
}

/** The images a review's objects name (the new object and, for an UPDATE, the old one), once each. */
export function reviewImages(body: unknown): { image: string; reference: ImageReference }[] {
  const request = asRecord(asRecord(body)?.request);
  if (!request || (request.operation !== 'CREATE' && request.operation !== 'UPDATE')) return [];
  const seen = new Map<string, ImageReference>();
  for (const object of [request.object, request.oldObject]) {
    const record = asRecord(object);
    if (!record) continue;
    for (const { image, reference } of containerImages(extractWorkload(record as KubeObject))) if (!seen.has(image)) seen.set(image, reference);
  }
  return [...seen].map(([image, reference]) => ({ image, reference }));
}

function pinned(reference: ImageReference, digest: string): string {
  return `${reference.registry}/${reference.repository}@${digest}`;
}

/**
 * Resolves the review's tags (in parallel, each within `budgetMs`), queues the digests with no
 * scan, and returns the results to judge the review against. Without base results (no image
 * store) there are no image gates and nothing is done.
 */
export async function prepareImages(body: unknown, base: ImageResults | undefined, deps: ImageGateDeps, budgetMs: number): Promise<PreparedImages> {
  if (!base) return { notes: [] };
  const images = reviewImages(body);
  if (images.length === 0) return { images: base, notes: [] };
  const digests = new Map<string, string | undefined>();
  const statuses = new Map<string, ImageGateStatus>();
  const find = (reference: ImageReference, digest: string): ImageScanSummary | undefined => base.lookup(pinned(reference, digest)) ?? deps.queue?.scanned(digest);
  const notes = await Promise.all(
    images.map(async ({ image, reference }): Promise<ImageNote> => {
      let digest = reference.digest;
      let resolution: ImageNote['resolution'] = 'pinned';
      if (digest === undefined) {
        const lookup = deps.resolve ? await deps.resolve(reference, budgetMs) : undefined;
        if (!lookup) return { image, resolution: 'stored', scan: base.lookup(image) ? 'found' : 'none' };
        if (!lookup.ok) {
          digests.set(image, undefined);
          statuses.set(image, { state: 'unresolved', reason: lookup.reason });
          return { image, resolution: 'unresolved', scan: 'none', reason: lookup.reason };
        }
        digest = lookup.digest;
        resolution = lookup.from;
      }
      digests.set(image, digest);
      if (find(reference, digest)) return { image, digest, resolution, scan: 'found' };
      if (!deps.queue) return { image, digest, resolution, scan: 'none' };
      const queued = deps.queue.enqueue(pinned(reference, digest), digest);
      if (queued === 'queued' || queued === 'scanning') {
        statuses.set(image, { state: 'queued', digest });
        return { image, digest, resolution, scan: queued };
      }
      if (queued === 'failed') {
        const known = deps.queue.status(digest);
        const reason = known?.state === 'failed' ? known.reason : 'unknown error';
        statuses.set(image, { state: 'scan-failed', digest, reason });
        return { image, digest, resolution, scan: 'failed', reason };
      }
      return { image, digest, resolution, scan: queued === 'done' ? 'found' : 'full' };
    }),
  );
  const references = new Map(images.map(({ image, reference }) => [image, reference]));
  const results: ImageResults = {
    lookup(image) {
      const reference = references.get(image);
      if (!reference || !digests.has(image)) return base.lookup(image) ?? (reference?.digest !== undefined ? deps.queue?.scanned(reference.digest) : undefined);
      const digest = digests.get(image);
      return digest === undefined ? undefined : find(reference, digest);
    },
    status: (image) => statuses.get(image),
    ...(base.databaseUpdatedAt !== undefined ? { databaseUpdatedAt: base.databaseUpdatedAt } : {}),
  };
  return { images: results, notes };
}
