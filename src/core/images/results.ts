import type { FixStatus, VulnerabilitySeverity } from './advisory.js';
import { effectiveTag, parseImageReference, type ImageReference } from './reference.js';

/**
 * What an image scan leaves behind for the checks and the admission webhook: per manifest
 * digest, when it was scanned, against which vulnerability data, how old the image is and
 * what was found. `palisade image` writes these to the local store; `palisade scan` and the
 * webhook read them without pulling anything.
 */
export type { VulnerabilitySeverity };

/** fixed: a released version fixes it; no-fix-yet; will-not-fix (the vendor said so); not-affected. */
export type VulnerabilityStatus = FixStatus;

export interface VulnerabilitySummary {
  id: string;
  aliases?: string[];
  severity: VulnerabilitySeverity;
  package: string;
  installedVersion: string;
  fixedVersion?: string;
  status: VulnerabilityStatus;
}

export interface ImageScanSummary {
  /** Manifest digest the scan read (sha256:...). */
  digest: string;
  /** The reference the image was scanned under, normalised (docker.io/library/nginx:1.27). */
  reference: string;
  /** ISO 8601. */
  scannedAt: string;
  /** The analyzers and their versions that made the inventory (`analyzerSetKey`): part of the reuse key. */
  analyzers?: string;
  /** When the vulnerability data the scan used was last updated (ISO 8601), when known. */
  databaseUpdatedAt?: string;
  /** The image's build date from its config; absent when unknown (epoch zero of reproducible builds). */
  created?: string;
  /** The OS from os-release, to judge its end of life. */
  os?: { id: string; versionId?: string };
  vulnerabilities: VulnerabilitySummary[];
}

/**
 * What the admission webhook knows about an image it found no scan for (docs/admission.md):
 * its tag could not be resolved to a digest through the registry just now (the image is not
 * evaluated), or its digest was queued for a scan, or that scan failed.
 */
export type ImageGateStatus = { state: 'unresolved'; reason: string } | { state: 'queued'; digest: string } | { state: 'scan-failed'; digest: string; reason: string };

export interface ImageResults {
  /** The most recent scan of the image a pod spec names: by digest when pinned, else by reference. */
  lookup(image: string): ImageScanSummary | undefined;
  /** Why there is no scan for an image, when the caller knows more than "never scanned" (the webhook's tag resolution and scan queue). */
  status?(image: string): ImageGateStatus | undefined;
  /** When the local vulnerability data was last updated, to tell stale scans. */
  readonly databaseUpdatedAt?: string;
}

/**
 * The key an image is looked up under: `registry/repository:tag` with Docker's defaults
 * applied (nginx -> docker.io/library/nginx:latest), or the digest when the reference pins one
 * (a digest names exactly one image, whatever tag is written beside it). Undefined for an
 * unparseable reference.
 */
export function imageKey(image: string): string | undefined {
  const parsed = parseImageReference(image);
  if (!parsed.ok) return undefined;
  return parsed.reference.digest ?? tagReference(parsed.reference);
}

/**
 * `registry/repository:tag` with Docker's defaults (no tag and no digest means latest);
 * undefined for a reference that names only a digest.
 */
export function tagReference(reference: ImageReference): string | undefined {
  const tag = effectiveTag(reference);
  return tag === undefined ? undefined : `${reference.registry}/${reference.repository}:${tag}`;
}

/** An in-memory lookup over scan summaries; the newest scan of a reference wins. */
export function imageResultsFrom(summaries: readonly ImageScanSummary[], databaseUpdatedAt?: string): ImageResults {
  const byKey = new Map<string, ImageScanSummary>();
  const remember = (key: string | undefined, summary: ImageScanSummary) => {
    if (key === undefined) return;
    const known = byKey.get(key);
    if (!known || known.scannedAt < summary.scannedAt) byKey.set(key, summary);
  };
  for (const summary of summaries) {
    remember(summary.digest, summary);
    const parsed = parseImageReference(summary.reference);
    remember(parsed.ok ? tagReference(parsed.reference) : undefined, summary);
    // A reference pinned by another digest (an index's, whose platform manifest was scanned) finds the scan by that digest too.
    if (parsed.ok && parsed.reference.digest !== undefined && parsed.reference.digest !== summary.digest) remember(parsed.reference.digest, summary);
  }
  return {
    lookup: (image) => {
      const key = imageKey(image);
      return key === undefined ? undefined : byKey.get(key);
    },
    ...(databaseUpdatedAt !== undefined ? { databaseUpdatedAt } : {}),
  };
}
