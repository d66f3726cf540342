/**
 * Advisories as the matcher consumes them: one record per (advisory, affected package),
 * whatever the feed (OSV, the Debian security tracker, Alpine secdb). Shared between the
 * vulnerability database (which stores them) and matching (which reads them).
 */

/** Where an advisory came from. */
export type AdvisoryFeed = 'osv' | 'debian-tracker' | 'alpine-secdb';

/** A vulnerability's rating, lowest first. */
export type VulnerabilitySeverity = 'unknown' | 'low' | 'medium' | 'high' | 'critical';
export const VULNERABILITY_SEVERITIES: readonly VulnerabilitySeverity[] = ['unknown', 'low', 'medium', 'high', 'critical'];

/** What a finding says about a fix. */
export type FixStatus = 'fixed' | 'no-fix-yet' | 'will-not-fix' | 'not-affected';
export const FIX_STATUSES: readonly FixStatus[] = ['fixed', 'no-fix-yet', 'will-not-fix', 'not-affected'];

/** One OSV range event; exactly one field is set. `introduced: "0"` means from the beginning. */
export interface RangeEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

/** An OSV range (GIT ranges are dropped on import: they name commits, not releases). */
export interface VersionRange {
  type: 'ECOSYSTEM' | 'SEMVER';
  events: RangeEvent[];
}

/** An OSV `severity[]` entry: `CVSS_V3`, `CVSS_V4`, `CVSS_V2`, `Ubuntu`... with its vector or value. */
export interface SeverityEntry {
  type: string;
  score: string;
}

export interface PackageAdvisory {
  feed: AdvisoryFeed;
  /** OSV id (GO-2024-1234, RUSTSEC-..., PYSEC-..., GHSA-...), or the CVE for the OS trackers. */
  id: string;
  aliases: string[];
  summary?: string;
  published?: string;
  modified?: string;
  severity: SeverityEntry[];
  /** OSV `database_specific.severity` (GitHub: LOW, MODERATE, HIGH, CRITICAL). */
  databaseSeverity?: string;
  /** The distribution's own rating: Debian urgency, OSV ecosystem_specific severity. */
  vendorSeverity?: string;
  /** The affected package's ecosystem, as OSV writes it (`PyPI`, `Debian:12`, `Alpine:v3.20`). */
  ecosystem: string;
  /** The package name as the advisory writes it (source package for distributions). */
  name: string;
  ranges: VersionRange[];
  /** Explicitly affected versions (OSV `versions`). */
  versions: string[];
  /**
   * The vendor's statement where the feed has one: `not-affected` (Debian/Alpine fixed
   * version "0"), `will-not-fix` (Debian `ignored`), `no-fix-yet` (open, postponed, undetermined).
   */
  vendorStatus?: Exclude<FixStatus, 'fixed'>;
}

const DAY_MS = 86_400_000;

/** Whole days from an ISO 8601 date to `now` (never negative), or undefined for no or a bad date. */
export function ageInDays(iso: string | undefined, now: Date): number | undefined {
  if (iso === undefined) return undefined;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : Math.max(0, Math.floor((now.getTime() - time) / DAY_MS));
}
