/**
 * The image use case: for each image named, reuse a stored scan of the same digest and data,
 * or open the image, list what its layers installed, match it against the vulnerability
 * database and store the scan; then filter what is shown and judge it. The stores are ports
 * (PipelineContext); where images come from (registry, OCI layout, docker save tarball) is
 * given by the caller, so the CLI, a server or a test can each bring their own.
 */
import { scanImage, storedReference, storedScan, type ImageScanEntry, type PipelineContext } from '../adapters/images/pipeline.js';
import type { ImageLocation } from '../adapters/images/locate.js';
import { formatImageReference } from '../core/images/reference.js';
import type { OpenedImage } from '../adapters/images/sources.js';
import type { VulnerabilityFinding, VulnerabilitySeverity } from '../core/images/match.js';
import type { ImageInventory } from '../core/images/model.js';
import type { Severity } from '../core/model/severity.js';
import type { DataFreshness } from '../core/ports/images.js';
import { verdict, type Verdict } from './verdict.js';

export type { ImageScanEntry, PipelineContext };

/** The apiVersion of `palisade image -o json`: the entries and errors of an ImageScanResult. */
export const IMAGE_INVENTORY_API_VERSION = 'palisade.dev/image-inventory/v1';

/**
 * The seam for vulnerability matching (built separately): the inventory in, findings out.
 * When a source is given its findings are added to each image of the JSON and YAML reports.
 */
export interface ImageFindingSource {
  findings(inventory: ImageInventory): Promise<unknown[]> | unknown[];
}

/** Where images come from: what an argument names, and opening it. */
export interface ImageSources {
  locate(argument: string): Promise<ImageLocation>;
  open(location: ImageLocation): Promise<OpenedImage>;
}

/** What happens while images are scanned, for progress and error reporting at the edge. */
export type ImageScanEvent =
  /** A digest-pinned reference scanned before against the same data: read from the store, no registry asked. */
  | { type: 'stored'; argument: string; scannedAt: string }
  /** Bytes of a layer read. */
  | { type: 'layer'; argument: string; image: OpenedImage; layer: number; read: number; size: number }
  /** The opened image's digest was in the store: its layers were not read. */
  | { type: 'cached'; argument: string; image: OpenedImage; scannedAt: string }
  /** The image could not be read; the others are still scanned. */
  | { type: 'error'; argument: string; message: string };

export interface ImageScanOptions {
  /** Vulnerability severities kept in the result (default all). */
  severities?: readonly VulnerabilitySeverity[];
  /** Keep only vulnerabilities with a released fix. */
  ignoreUnfixed?: boolean;
  findingSource?: ImageFindingSource;
  onEvent?: (event: ImageScanEvent) => void;
}

export interface ImageScanError {
  image: string;
  message: string;
}

export interface ImageScanResult {
  /** One entry per image scanned, in the order given, with the vulnerabilities filtered as asked. */
  entries: (ImageScanEntry & { findings?: unknown[] })[];
  errors: ImageScanError[];
}

/** Vulnerabilities kept by the severities and fix filters. */
export function filterVulnerabilities(findings: readonly VulnerabilityFinding[], severities: readonly VulnerabilitySeverity[] | undefined, ignoreUnfixed: boolean): VulnerabilityFinding[] {
  return findings.filter((finding) => (!severities || severities.includes(finding.severity.level)) && (!ignoreUnfixed || finding.status === 'fixed'));
}

/** Scans images one after the other; an image that cannot be read is an error of the result, not an exception. */
export async function scanImages(images: readonly string[], context: PipelineContext, sources: ImageSources, options: ImageScanOptions = {}): Promise<ImageScanResult> {
  const emit = options.onEvent ?? (() => undefined);
  const withFilters = (entry: ImageScanEntry): ImageScanEntry => ({
    ...entry,
    ...(entry.vulnerabilities ? { vulnerabilities: filterVulnerabilities(entry.vulnerabilities, options.severities, options.ignoreUnfixed ?? false) } : {}),
  });
  const entries: ImageScanResult['entries'] = [];
  const errors: ImageScanError[] = [];
  for (const argument of images) {
    try {
      // A manifest digest scanned before against the same data needs no registry at all.
      const location = await sources.locate(argument);
      const pinned = location.kind === 'registry' ? location.reference.digest : undefined;
      const known = pinned && location.kind === 'registry' ? await storedScan(pinned, context, { report: formatImageReference(location.reference), stored: storedReference(location) }) : undefined;
      if (known) {
        emit({ type: 'stored', argument, scannedAt: known.scannedAt });
        entries.push(withFilters(known));
        continue;
      }
      const image = await sources.open(location);
      const scanned = await scanImage(image, storedReference(location, image), context, {
        onProgress: (layer, read, size) => emit({ type: 'layer', argument, image, layer, read, size }),
      });
      if (scanned.cached) emit({ type: 'cached', argument, image, scannedAt: scanned.scannedAt });
      entries.push(options.findingSource ? { ...withFilters(scanned), findings: await options.findingSource.findings(scanned) } : withFilters(scanned));
    } catch (error) {
      errors.push({ image: argument, message: (error as Error).message });
      emit({ type: 'error', argument, message: (error as Error).message });
    }
  }
  return { entries, errors };
}

/** A vulnerability's severity on the scanner's scale (unknown is the lowest, as info is). */
export const SCAN_SEVERITY: Readonly<Record<VulnerabilitySeverity, Severity>> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', unknown: 'info' };

/**
 * The verdict on an image scan: errors for images not read, failing vulnerabilities at or above
 * the threshold. A vulnerability of unknown severity could be of any: it counts toward any
 * threshold unless `failOnUnknown` is false (`--no-fail-on-unknown`).
 */
export function imageVerdict(result: ImageScanResult, threshold: VulnerabilitySeverity | undefined, options: { failOnUnknown?: boolean } = {}): Verdict {
  const failOnUnknown = options.failOnUnknown ?? true;
  const level = (severity: VulnerabilitySeverity): Severity => (severity === 'unknown' && failOnUnknown && threshold !== undefined ? SCAN_SEVERITY[threshold] : SCAN_SEVERITY[severity]);
  const findings = result.entries.flatMap((entry) => (entry.vulnerabilities ?? []).map((finding) => ({ severity: level(finding.severity.level) })));
  return verdict({ findings, errors: result.errors }, threshold === undefined ? undefined : SCAN_SEVERITY[threshold]);
}

/** Vulnerability data last updated more than this many days ago is stale (`--db-max-age`, PALISADE_DB_MAX_AGE_DAYS). */
export const DEFAULT_MAX_DATA_AGE_DAYS = 7;

/**
 * What to tell the user about the vulnerability data before trusting a scan: missing, stale
 * (last updated more than `maxAgeDays` days before `now`; 0 turns the check off), or nothing.
 * `update` is the exact command that fixes it.
 */
export function vulnerabilityDataNotice(freshness: DataFreshness | undefined, now: Date, maxAgeDays: number, update: string): string | undefined {
  if (!freshness?.updatedAt) return `no vulnerability data: run ${update}`;
  if (maxAgeDays <= 0) return undefined;
  const age = Math.floor((now.getTime() - Date.parse(freshness.updatedAt)) / 86_400_000);
  if (!(age > maxAgeDays)) return undefined;
  return `the vulnerability data is ${age} days old (last updated ${freshness.updatedAt}, more than ${maxAgeDays} days ago): vulnerabilities published since are missed; run ${update}`;
}
