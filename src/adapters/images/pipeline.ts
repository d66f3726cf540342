import { ageInDays } from '../../core/images/advisory.js';
import { ALL_ANALYZERS, analyzerSetKey } from '../../core/images/analyzers/index.js';
import type { Analyzer } from '../../core/images/analyzers/types.js';
import type { VulnerabilityFinding, MatchProblem } from '../../core/images/match.js';
import type { ImageInventory } from '../../core/images/model.js';
import { osSupport, type OsSupport } from '../../core/images/os-support.js';
import { formatImageReference } from '../../core/images/reference.js';
import { tagReference, type ImageScanSummary } from '../../core/images/results.js';
import type { ImageLocation } from './locate.js';
import type { DataFreshness, ImageResultsStore, VulnerabilityDatabase } from '../../core/ports/images.js';
import type { InventoryOptions } from './scan.js';
import type { OpenedImage } from './sources.js';

/** One image as `palisade image` reports it: the inventory, what matched, and when. */
export interface ImageScanEntry extends ImageInventory {
  scannedAt: string;
  /** Days since the image was built; absent when the build date is unknown. */
  ageDays?: number;
  /** Whether the image's OS is past its end of life, as of the report (not the scan). */
  osSupport: OsSupport;
  /** Absent when no vulnerability database was available: the inventory only. */
  vulnerabilities?: VulnerabilityFinding[];
  vulnerabilityProblems?: MatchProblem[];
  database?: { updatedAt?: string; newestData?: string };
  /** True when this entry was read from the local store, not pulled. */
  cached?: boolean;
}

/** The ports an image scan uses: any ImageResultsStore and VulnerabilityDatabase (SQLite locally). */
export interface PipelineContext {
  db?: VulnerabilityDatabase;
  /** The database's freshness, read once per command. */
  dbStatus?: DataFreshness;
  store?: ImageResultsStore;
  /** Read a stored scan of the same digest and data instead of pulling (default true). */
  useCache: boolean;
  now: () => Date;
  /** The analyzers that make inventories (default all); their ids and versions are part of the reuse key. */
  analyzers?: readonly Analyzer[];
}

/**
 * The reference a scan is stored under: for a registry image, `registry/repository:tag` when a
 * tag (or nothing) was asked for, so that manifests naming the tag find it, and the digest form
 * when only a digest was; for a local image, the source without the digest.
 */
export function storedReference(location: ImageLocation & { kind: 'registry' }): string;
export function storedReference(location: ImageLocation, opened: OpenedImage): string;
export function storedReference(location: ImageLocation, opened?: OpenedImage): string {
  if (location.kind === 'registry') return tagReference(location.reference) ?? formatImageReference(location.reference);
  return (opened?.reference ?? '').replace(/@sha256:[a-f0-9]{64}$/, '');
}

export function summaryOf(entry: ImageScanEntry, reference: string, analyzers?: string): ImageScanSummary {
  return {
    digest: entry.image.digest,
    reference,
    scannedAt: entry.scannedAt,
    ...(analyzers !== undefined ? { analyzers } : {}),
    ...(entry.database?.updatedAt ? { databaseUpdatedAt: entry.database.updatedAt } : {}),
    ...(entry.image.created ? { created: entry.image.created } : {}),
    ...(entry.os ? { os: { id: entry.os.id, ...(entry.os.versionId !== undefined ? { versionId: entry.os.versionId } : {}) } } : {}),
    vulnerabilities: (entry.vulnerabilities ?? []).map((finding) => ({
      id: finding.id,
      ...(finding.aliases.length > 0 ? { aliases: finding.aliases } : {}),
      severity: finding.severity.level,
      package: finding.package.name,
      installedVersion: finding.package.version,
      ...(finding.fixedVersion ? { fixedVersion: finding.fixedVersion } : {}),
      status: finding.status,
    })),
  };
}

/**
 * A stored scan is reused when the same digest was inventoried by the same analyzers (ids and
 * versions, as Trivy's CalcKey) and matched against the same vulnerability data: a digest
 * names immutable content, so only other analyzers or newer data can change the answer. The
 * entry reports `reference`, the image as asked this time, not the name it was first scanned
 * under; the store records that the reference names this digest.
 */
export async function storedScan(digest: string, context: PipelineContext, reference?: { report: string; stored: string }): Promise<ImageScanEntry | undefined> {
  if (!context.useCache || !context.store || !context.db) return undefined;
  const stored = await context.store.get(digest);
  if (!stored || stored.summary.databaseUpdatedAt !== context.dbStatus?.updatedAt) return undefined;
  if (stored.summary.analyzers !== analyzerSetKey(context.analyzers ?? ALL_ANALYZERS)) return undefined;
  const entry = stored.report as ImageScanEntry;
  const now = context.now();
  const age = ageInDays(entry.image.created, now);
  if (reference && reference.stored !== stored.summary.reference) await context.store.noteReference(reference.stored, digest, now.toISOString());
  // Age and OS support move with the clock: computed again on every read.
  return {
    ...entry,
    ...(reference ? { image: { ...entry.image, reference: reference.report } } : {}),
    ...(age !== undefined ? { ageDays: age } : {}),
    osSupport: osSupport(entry.os, now),
    cached: true,
  };
}

/** Scans one opened image: from the store when it can, else by walking its layers and matching; stores what it found. */
export async function scanImage(opened: OpenedImage, reference: string, context: PipelineContext, options: InventoryOptions = {}): Promise<ImageScanEntry> {
  const now = context.now();
  const dataUpdated = context.dbStatus?.updatedAt;
  const stored = await storedScan(opened.digest, context, { report: opened.reference, stored: reference });
  if (stored) return stored;
  // Loaded only when layers are walked and matched: a stored digest needs none of it.
  const { inventoryImage } = await import('./scan.js');
  const inventory = await inventoryImage(opened, { ...(context.analyzers ? { analyzers: context.analyzers } : {}), ...options });
  const age = ageInDays(inventory.image.created, now);
  const entry: ImageScanEntry = { ...inventory, scannedAt: now.toISOString(), ...(age !== undefined ? { ageDays: age } : {}), osSupport: osSupport(inventory.os, now) };
  if (context.db) {
    // Language packages an OS package installed are the OS vendor's to fix: its advisories cover them.
    const result = await context.db.match(inventory.packages.filter((item) => !item.ownedByOsPackage));
    entry.vulnerabilities = result.findings;
    entry.vulnerabilityProblems = result.problems;
    entry.database = { ...(dataUpdated ? { updatedAt: dataUpdated } : {}), ...(context.dbStatus?.newestData ? { newestData: context.dbStatus.newestData } : {}) };
    await context.store?.put(summaryOf(entry, reference, analyzerSetKey(options.analyzers ?? context.analyzers ?? ALL_ANALYZERS)), entry);
  }
  return entry;
}
