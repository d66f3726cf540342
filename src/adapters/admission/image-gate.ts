/**
 * The admission webhook's image gate, wired: a tag resolver in front of the registry (HEAD of
 * the manifest, with the credentials a pull uses), a scan queue that runs the image use case
 * (`scanImages`, app/image.ts) against the registry and writes to the image store, and the
 * per-review preparation (app/admission-images.ts) that uses both. The CLI builds it from flags;
 * tests build it the same way.
 */
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { prepareImages, type PreparedImages } from '../../app/admission-images.js';
import { scanImages } from '../../app/image.js';
import type { Platform } from '../../core/images/oci.js';
import { parseImageReference } from '../../core/images/reference.js';
import type { ImageResults, ImageScanSummary } from '../../core/images/results.js';
import type { PipelineContext } from '../images/pipeline.js';
import { openRegistryImage } from '../images/sources.js';
import { createRegistryClient } from '../registry/client.js';
import type { CredentialEntry } from '../registry/credentials.js';
import { createTagResolver, type TagResolver } from '../registry/tag-resolver.js';
import { createScanQueue, type ScanQueue } from './scan-queue.js';

export interface ImageGateOptions {
  /** Resolve tags through the registry (else a tag is judged on its last stored scan). */
  resolveTags: boolean;
  /** How long a tag's digest is trusted (default 60,000 ms). */
  tagTtlMs?: number;
  /** Tags cached at most (default 10,000). */
  tagCacheSize?: number;
  /** Longest a review waits for the registry (default 2000 ms; never past the review's deadline). */
  resolveTimeoutMs?: number;
  /** Queue digests with no scan for one, written to this image store (SQLite, read-write). */
  scanQueue?: {
    imageStoreFile: string;
    /** The vulnerability database the scans match against (required: a scan without one is not stored). */
    databaseFile: string;
    concurrency?: number;
    maxQueued?: number;
    /** A digest whose scan failed is not queued again for this long (default 60,000 ms). */
    failureTtlMs?: number;
    platform: Platform;
    /** Called after each scan that stored something (the webhook reloads the image store's results). */
    onScanned?: (summary: ImageScanSummary) => void;
  };
  credentials?: CredentialEntry[];
  /** Registries reached over plain HTTP (loopback test registries). */
  insecureRegistries?: string[];
  userAgent?: string;
  registry?: Registry;
  logger?: Logger;
  now?: () => Date;
}

export interface ImageGate {
  prepare(body: unknown, base: ImageResults | undefined, budgetMs: number): Promise<PreparedImages>;
  resolver?: TagResolver;
  queue?: ScanQueue;
  close(): Promise<void>;
}

/** fetch with a timeout on every request: a registry that never answers cannot hold a resolution or a scan for ever. */
function fetchWithTimeout(ms: number): typeof fetch {
  return (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(ms) });
}

export function createImageGate(options: ImageGateOptions): ImageGate {
  const now = options.now ?? (() => new Date());
  const registers = options.registry ? [options.registry] : [];
  const common = { ...(options.credentials ? { credentials: options.credentials } : {}), ...(options.insecureRegistries ? { insecureRegistries: options.insecureRegistries } : {}), userAgent: options.userAgent ?? 'palisade-admission' };
  const resolveTimeout = options.resolveTimeoutMs ?? 2000;

  let resolver: TagResolver | undefined;
  if (options.resolveTags) {
    // No retries on a review's path: one request, bounded; a failure is remembered for a few seconds.
    const client = createRegistryClient({ ...common, retries: 0, fetch: fetchWithTimeout(10_000) });
    resolver = createTagResolver({ head: (reference, tag) => client.headDigest(reference, tag), ttlMs: options.tagTtlMs ?? 60_000, maxEntries: options.tagCacheSize ?? 10_000, now: () => now().getTime() });
    const tagResolver = resolver;
    new Gauge({
      name: 'palisade_admission_tag_cache_entries',
      help: 'Tags whose digest the admission webhook has cached.',
      registers,
      collect() {
        this.set(tagResolver.stats().entries);
      },
    });
  }

  let queue: ScanQueue | undefined;
  let closeStores: (() => void) | undefined;
  if (options.scanQueue) {
    const settings = options.scanQueue;
    // Every request of a scan (a layer's download included) is cut after 10 minutes.
    const client = createRegistryClient({ ...common, fetch: fetchWithTimeout(600_000) });
    let store: import('../store/image-store.js').ImageStore | undefined;
    closeStores = () => store?.close();
    queue = createScanQueue({
      concurrency: settings.concurrency ?? 1,
      maxQueued: settings.maxQueued ?? 100,
      failureTtlMs: settings.failureTtlMs ?? 60_000,
      ...(options.registry ? { registry: options.registry } : {}),
      now: () => now().getTime(),
      onDone: (event) =>
        event.ok
          ? options.logger?.info({ event: 'image-scanned', image: event.reference, seconds: event.seconds }, 'queued image scanned')
          : options.logger?.warn({ event: 'image-scan-failed', image: event.reference, error: event.error, seconds: event.seconds }, 'queued image scan failed'),
      scan: async (reference) => {
        const parsed = parseImageReference(reference);
        if (!parsed.ok) throw new Error(`${reference}: ${parsed.error}`);
        // Loaded when the first scan runs: SQLite and the analyzers are not needed before.
        const { ImageStore } = await import('../store/image-store.js');
        const { openVulnerabilityDatabase } = await import('../vulndb/database.js');
        store ??= ImageStore.open(settings.imageStoreFile);
        // Opened per scan: a database updated meanwhile is used at once.
        const db = openVulnerabilityDatabase(settings.databaseFile, { readonly: true });
        try {
          const context: PipelineContext = { db, dbStatus: await db.freshness(), store, useCache: true, now };
          const result = await scanImages([reference], context, {
            locate: async () => ({ kind: 'registry', reference: parsed.reference }),
            open: async () => openRegistryImage(client, parsed.reference, settings.platform),
          });
          const failure = result.errors[0];
          if (failure) throw new Error(failure.message);
          const entry = result.entries[0];
          const stored = entry ? await store.get(entry.image.digest) : undefined;
          if (!stored) throw new Error('the scan was not stored');
          // Listed under the reference scanned (registry/repository@digest), so a digest that names an index finds it.
          const summary = { ...stored.summary, reference };
          settings.onScanned?.(summary);
          return summary;
        } finally {
          db.close();
        }
      },
    });
  }

  const resolutions = new Counter({ name: 'palisade_admission_image_resolutions_total', help: 'Images of admitted objects by how they were resolved (pinned, cache, registry, unresolved, stored).', labelNames: ['resolution'], registers });
  return {
    resolver,
    queue,
    async prepare(body, base, budgetMs) {
      const prepared = await prepareImages(
        body,
        base,
        {
          ...(resolver ? { resolve: (reference, budget) => resolver!.resolve(reference, Math.min(budget, resolveTimeout)) } : {}),
          ...(queue ? { queue } : {}),
        },
        budgetMs,
      );
      for (const note of prepared.notes) resolutions.inc({ resolution: note.resolution });
      return prepared;
    },
    async close() {
      await queue?.close();
      closeStores?.();
    },
  };
}
