import type { MatchOptions, MatchResult } from '../images/match.js';
import type { InstalledPackage } from '../images/model.js';
import type { ImageScanSummary } from '../images/results.js';

/**
 * The ports of image scanning: what the use cases need from a store of scans and from a
 * vulnerability database, as async interfaces. SQLite implements them on one machine
 * (adapters/store/image-store.ts, adapters/vulndb/database.ts); a shared PostgreSQL store can
 * implement the same methods for the server and the admission webhook. Everything that
 * crosses them is plain JSON data.
 */

/** A scan as stored: the summary the checks read, and the full report `palisade image` printed. */
export interface StoredImageScan {
  summary: ImageScanSummary;
  /** The full report of the scan, as JSON data (an ImageScanEntry for `palisade image`). */
  report: unknown;
}

/** Scans of images by manifest digest, and which digest a reference named when last scanned. */
export interface ImageResultsStore {
  /** Every scan's summary (small: the checks read these; reports stay in the store), once per reference that named it. */
  summaries(): Promise<ImageScanSummary[]>;
  /** The scan of one digest. */
  get(digest: string): Promise<StoredImageScan | undefined>;
  /** The digest `reference` named when it was last scanned. */
  digestOf(reference: string): Promise<string | undefined>;
  /** Records a scan; a later scan of the same digest replaces it, and the reference now names that digest. */
  put(summary: ImageScanSummary, report: unknown): Promise<void>;
  /** Records that `reference` names `digest` (a stored scan reused under another name); summaries() lists the scan under it too. */
  noteReference(reference: string, digest: string, seenAt: string): Promise<void>;
}

/** When vulnerability data was last imported, and the newest advisory date in it (ISO 8601). */
export interface DataFreshness {
  updatedAt?: string;
  newestData?: string;
}

/** Advisories, queried by the packages an image installed. */
export interface VulnerabilityDatabase {
  /** Cheap: asked on every scan, to tell stored scans made against older data. */
  freshness(): Promise<DataFreshness>;
  /** The vulnerabilities of these packages (the database's lookup, then the pure matcher). */
  match(packages: readonly InstalledPackage[], options?: MatchOptions): Promise<MatchResult>;
}
