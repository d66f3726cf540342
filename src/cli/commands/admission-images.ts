/**
 * The flags of `palisade admission serve` for the image gate (tag resolution, scan queue) and
 * the decision store, parsed and checked before the cluster is contacted; and the parts they
 * build. Kept apart from admission-serve.ts so that each concern reads on its own.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ImageGate } from '../../adapters/admission/image-gate.js';
import type { CredentialEntry } from '../../adapters/registry/credentials.js';
import type { DecisionStore } from '../../core/ports/decisions.js';
import { formatPlatform, parsePlatform, type Platform } from '../../core/images/oci.js';
import { defaultDatabasePath } from '../../adapters/vulndb/paths.js';
import { defaultImageStorePath } from '../../adapters/store/paths.js';
import { UsageError } from '../usage-error.js';

export const IMAGE_GATE_FLAGS = {
  'resolve-tags': { type: 'boolean' },
  'tag-cache-seconds': { type: 'string' },
  'tag-cache-size': { type: 'string' },
  'resolve-timeout-ms': { type: 'string' },
  'scan-queue': { type: 'boolean' },
  'scan-concurrency': { type: 'string' },
  'scan-queue-size': { type: 'string' },
  'scan-platform': { type: 'string' },
  'scan-store': { type: 'string' },
  db: { type: 'string' },
  'docker-config': { type: 'string' },
  'insecure-registry': { type: 'string', multiple: true },
  'decision-store': { type: 'string' },
  'decision-max-records': { type: 'string' },
  'decision-retention-days': { type: 'string' },
} as const;

export const IMAGE_GATE_HELP = `      --resolve-tags               resolve each tag to the digest it names now (HEAD of the manifest,
                                   with --docker-config's credentials), cached; a tag is judged on
                                   that digest's scan. A tag that cannot be resolved within the
                                   deadline is not evaluated: image-not-scanned denies in enforce
                                   mode, warns elsewhere. Needs an image store
      --tag-cache-seconds N        how long a tag's digest is trusted (default 60)
      --tag-cache-size N           tags cached at most (default 10000)
      --resolve-timeout-ms N       longest a review waits for the registry (default 2000, and never
                                   past the deadline)
      --scan-queue                 queue digests with no scan for one in the background (pulled from
                                   the registry, matched against --db, written to the image store);
                                   the review that found one is answered at once (image-not-scanned:
                                   deny in enforce mode, or admission.unscannedImages: warn)
      --scan-concurrency N         scans at once, 1 or 2 (default 1)
      --scan-queue-size N          digests waiting at most (default 100; more are asked again later)
      --scan-store FILE            where the queue writes its scans (default the --image-store file;
                                   give a local file when the image store is a read-only snapshot):
                                   read with the image store on every refresh
      --scan-platform OS/ARCH[/V]  platform scanned in a multi-arch image (default ${formatPlatform(defaultPlatform())})
      --db FILE                    vulnerability database for the scan queue (default $PALISADE_DB
                                   or ~/.cache/palisade/vuln.db)
      --docker-config FILE         registry credentials (a Docker config.json, e.g. a mounted
                                   kubernetes.io/dockerconfigjson Secret) for tags and scans
      --insecure-registry HOST     plain HTTP for this registry host[:port] (repeatable)
      --decision-store FILE|URL    record every decision (who, what, checks, verdict, latency) in this
                                   SQLite file or postgres:// URL, in batches off the review's path
      --decision-max-records N     records kept, the newest (default 1000000; about 0.4-0.75 KB each)
      --decision-retention-days N  records kept at most N days (default 7)
`;

type Values = { [K in keyof typeof IMAGE_GATE_FLAGS]?: (typeof IMAGE_GATE_FLAGS)[K] extends { multiple: true } ? string[] : (typeof IMAGE_GATE_FLAGS)[K]['type'] extends 'boolean' ? boolean : string } & { 'image-store'?: string };

function defaultPlatform(): Platform {
  const architecture: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };
  return { os: 'linux', architecture: architecture[process.arch] ?? process.arch };
}

function integer(value: string | undefined, flag: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number <= 0 || number > max) throw new UsageError(`${flag} must be a positive integer${max < Number.MAX_SAFE_INTEGER ? ` of at most ${max}` : ''}, not "${value}"`);
  return number;
}

export interface ImageGateSettings {
  resolveTags: boolean;
  tagTtlMs: number;
  tagCacheSize: number;
  resolveTimeoutMs: number;
  scanQueue?: { imageStoreFile: string; databaseFile: string; concurrency: number; maxQueued: number; platform: Platform };
  credentials: CredentialEntry[];
  insecureRegistries: string[];
  decisionStoreFile?: string;
  decisionMaxRecords: number;
  decisionRetentionMs: number;
}

/**
 * Checks the flags (a usage error names the flag) and reads the credentials. With --scan-queue
 * the image store is created when it does not exist yet (the queue fills it).
 */
export async function imageGateSettings(values: Values, options: { signatures?: boolean } = {}): Promise<ImageGateSettings> {
  const resolveTags = values['resolve-tags'] ?? false;
  const scanQueue = values['scan-queue'] ?? false;
  for (const flag of ['tag-cache-seconds', 'tag-cache-size', 'resolve-timeout-ms'] as const) if (values[flag] !== undefined && !resolveTags) throw new UsageError(`--${flag} needs --resolve-tags`);
  // (The signature gate, a signatures: section in the configuration, asks registries too.)
  for (const flag of ['docker-config', 'insecure-registry'] as const) if (values[flag] !== undefined && !resolveTags && !scanQueue && !options.signatures) throw new UsageError(`--${flag} needs --resolve-tags, --scan-queue or a signatures: section in the configuration (the webhook asks no registry otherwise)`);
  for (const flag of ['scan-concurrency', 'scan-queue-size', 'scan-platform', 'scan-store', 'db'] as const) if (values[flag] !== undefined && !scanQueue) throw new UsageError(`--${flag} needs --scan-queue`);
  const settings: ImageGateSettings = {
    resolveTags,
    tagTtlMs: integer(values['tag-cache-seconds'], '--tag-cache-seconds', 60) * 1000,
    tagCacheSize: integer(values['tag-cache-size'], '--tag-cache-size', 10_000),
    resolveTimeoutMs: integer(values['resolve-timeout-ms'], '--resolve-timeout-ms', 2000),
    credentials: [],
    insecureRegistries: values['insecure-registry'] ?? [],
    ...(values['decision-store'] !== undefined ? { decisionStoreFile: values['decision-store'] } : {}),
    decisionMaxRecords: integer(values['decision-max-records'], '--decision-max-records', 1_000_000),
    decisionRetentionMs: integer(values['decision-retention-days'], '--decision-retention-days', 7) * 86_400_000,
  };
  for (const flag of ['decision-max-records', 'decision-retention-days'] as const) if (values[flag] !== undefined && values['decision-store'] === undefined) throw new UsageError(`--${flag} needs --decision-store`);
  const storeFile = values['image-store'] ?? defaultImageStorePath();
  if (resolveTags && !scanQueue && !existsSync(storeFile)) {
    throw new UsageError(`--resolve-tags needs an image store (--image-store FILE; none at ${storeFile})`);
  }
  if (scanQueue) {
    const databaseFile = values.db ?? defaultDatabasePath();
    if (!existsSync(databaseFile)) throw new UsageError(`--scan-queue needs a vulnerability database: ${values.db !== undefined ? `--db ${values.db}: no such file` : `none at ${databaseFile} (palisade db update, or --db FILE)`}`);
    let platform: Platform;
    try {
      platform = values['scan-platform'] ? parsePlatform(values['scan-platform']) : defaultPlatform();
    } catch (error) {
      throw new UsageError(`--scan-platform: ${(error as Error).message}`);
    }
    const concurrency = integer(values['scan-concurrency'], '--scan-concurrency', 1, 2);
    const maxQueued = integer(values['scan-queue-size'], '--scan-queue-size', 100);
    const scanStore = values['scan-store'] ?? storeFile;
    if (scanStore !== storeFile && !existsSync(storeFile)) throw new UsageError(`--scan-store needs an image store to read besides it (--image-store FILE; none at ${storeFile})`);
    if (!existsSync(scanStore)) {
      try {
        // Created empty: the queue fills it.
        const { ImageStore } = await import('../../adapters/store/image-store.js');
        ImageStore.open(scanStore).close();
      } catch (error) {
        throw new UsageError(`${values['scan-store'] !== undefined ? '--scan-store' : '--image-store'} ${scanStore}: ${(error as Error).message}`);
      }
    }
    settings.scanQueue = { imageStoreFile: scanStore, databaseFile, concurrency, maxQueued, platform };
  }
  const dockerConfig = values['docker-config'];
  if (dockerConfig !== undefined) {
    const { parseDockerConfig } = await import('../../adapters/registry/credentials.js');
    let text: string;
    try {
      text = readFileSync(dockerConfig, 'utf8');
    } catch (error) {
      throw new UsageError(`--docker-config ${dockerConfig}: ${(error as Error).message}`);
    }
    try {
      settings.credentials = parseDockerConfig(text, `--docker-config ${dockerConfig}`);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  if (settings.decisionStoreFile !== undefined) {
    // Opened (and created) now: a path that cannot be written is a usage error before the cluster is contacted.
    try {
      const { openDecisionStore } = await import('../../adapters/store/open.js');
      await (await openDecisionStore(settings.decisionStoreFile)).close();
    } catch (error) {
      throw new UsageError(`--decision-store ${(error as Error).message}`);
    }
  }
  return settings;
}

/** The image gate (when tags are resolved or a queue runs) and the decision store, from checked settings. */
export async function startImageGate(settings: ImageGateSettings, context: { registry: Registry; logger: Logger; userAgent: string }): Promise<{ gate?: ImageGate; decisions?: DecisionStore }> {
  let gate: ImageGate | undefined;
  if (settings.resolveTags || settings.scanQueue) {
    const { createImageGate } = await import('../../adapters/admission/image-gate.js');
    gate = createImageGate({
      resolveTags: settings.resolveTags,
      tagTtlMs: settings.tagTtlMs,
      tagCacheSize: settings.tagCacheSize,
      resolveTimeoutMs: settings.resolveTimeoutMs,
      ...(settings.scanQueue ? { scanQueue: settings.scanQueue } : {}),
      credentials: settings.credentials,
      insecureRegistries: settings.insecureRegistries,
      userAgent: context.userAgent,
      registry: context.registry,
      logger: context.logger,
    });
  }
  let decisions: DecisionStore | undefined;
  if (settings.decisionStoreFile !== undefined) {
    const { openDecisionStore } = await import('../../adapters/store/open.js');
    decisions = await openDecisionStore(settings.decisionStoreFile, { maxRecords: settings.decisionMaxRecords, maxAgeMs: settings.decisionRetentionMs, onError: (error, records) => context.logger.warn({ event: 'decision-records-dropped', records, error: error.message }, 'decision records not written') });
  }
  return { ...(gate ? { gate } : {}), ...(decisions ? { decisions } : {}) };
}
