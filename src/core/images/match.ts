/**
 * Vulnerability matching: installed packages and the advisories for their names in,
 * findings out. Pure. OS packages (dpkg, apk, rpm) are matched by source package and
 * source version, language packages by normalised name; versions are ordered by the
 * ecosystem's own scheme. OSV ranges follow the OSV evaluation rules: events sorted by
 * version, `introduced` opens, `fixed` closes (exclusive), `last_affected` closes
 * (inclusive), `limit` caps; plus the explicit `versions` list. GIT ranges never reach here.
 */
import type { FixStatus, PackageAdvisory, VersionRange, VulnerabilitySeverity } from './advisory.js';
import { scoreCvss, type CvssScore } from './cvss.js';
import type { Ecosystem, InstalledPackage, LayerRef, VersionScheme } from './model.js';
import { canonicalEcosystem, normalizePackageName } from './names.js';
import { VERSION_ORDERINGS, schemeForEcosystem, type VersionOrdering } from './versions/index.js';

export { VULNERABILITY_SEVERITIES, type VulnerabilitySeverity } from './advisory.js';

export interface FindingSeverity {
  /** The rating the report uses: vendor's for OS packages, else CVSS (v3.x, then v4.0), else the database's. */
  level: VulnerabilitySeverity;
  /** Where `level` came from. */
  from: 'vendor' | 'cvss' | 'database' | 'none';
  /** Every v3.x and v4.0 vector the advisory gives, with its computed base score. */
  cvss: CvssScore[];
  vendor?: string;
  database?: string;
  /** When the rating is another record's: the id (an alias of this advisory) it was taken from. */
  via?: string;
}

export interface VulnerabilityFinding {
  id: string;
  /** Other identifiers of the same vulnerability (CVE, GHSA...), merged across feeds. */
  aliases: string[];
  summary?: string;
  feed: PackageAdvisory['feed'];
  severity: FindingSeverity;
  package: { ecosystem: Ecosystem; name: string; version: string; sourceName?: string; sourceVersion?: string; purl?: string; path: string };
  /** The version compared: the source version for OS packages. */
  installedVersion: string;
  /** The lowest fixed version above the installed one, when a fix exists. */
  fixedVersion?: string;
  status: FixStatus;
  /** The layer that introduced the package, passed through from the inventory. */
  layer?: LayerRef;
}

export interface MatchProblem {
  package: string;
  advisory?: string;
  message: string;
}

export interface MatchResult {
  findings: VulnerabilityFinding[];
  problems: MatchProblem[];
}

export interface MatchOptions {
  /** Also report advisories whose vendor states the package is not affected. */
  includeNotAffected?: boolean;
  /**
   * Records stored under any of these ids (an advisory's own id and its aliases), from every
   * feed and package: a finding without a rating takes the CVSS or database rating of one.
   */
  relatedAdvisories?: (ids: readonly string[]) => readonly PackageAdvisory[];
}

/** The (ecosystem, name) under which a package's advisories are stored. */
export interface PackageKey {
  ecosystem: Ecosystem;
  name: string;
}

const OS_SCHEMES: ReadonlySet<VersionScheme> = new Set(['dpkg', 'apk', 'rpm']);

/** rpm's SOURCERPM is a file name, `name-version-release.src.rpm`. */
function splitSourceRpm(sourceRpm: string): { name: string; version: string } | undefined {
  const match = /^(.+)-([^-]+)-([^-]+)\.(?:src|nosrc)\.rpm$/.exec(sourceRpm);
  return match ? { name: match[1]!, version: `${match[2]}-${match[3]}` } : undefined;
}

/** The name and version a package is matched by. */
export function matchIdentity(pkg: InstalledPackage): { key: PackageKey; version: string } {
  if (!OS_SCHEMES.has(pkg.scheme)) return { key: { ecosystem: canonicalEcosystem(pkg.ecosystem), name: normalizePackageName(pkg.ecosystem, pkg.name) }, version: pkg.version };
  let name = pkg.sourceName ?? pkg.name;
  let version = pkg.sourceVersion ?? pkg.version;
  if (pkg.scheme === 'rpm') {
    const rpm = pkg.sourceName ? splitSourceRpm(pkg.sourceName) : undefined;
    if (rpm) {
      name = rpm.name;
      version = pkg.sourceVersion ?? rpm.version;
    }
    // a source RPM's file name has no epoch: the binary package's applies
    const epoch = /^(\d+):/.exec(pkg.version)?.[1];
    if (epoch !== undefined && !/^\d+:/.test(version)) version = `${epoch}:${version}`;
  }
  return { key: { ecosystem: canonicalEcosystem(pkg.ecosystem), name }, version };
}

export function packageKey(pkg: InstalledPackage): PackageKey {
  return matchIdentity(pkg).key;
}

type Orderings = (scheme: VersionScheme) => VersionOrdering;

/**
 * Orderings that remember their comparisons for one matching run: an image compares the
 * same versions against the same range events many times, and parsing dominates.
 */
function memoizedOrderings(): Orderings {
  const made = new Map<VersionScheme, VersionOrdering>();
  return (scheme) => {
    let ordering = made.get(scheme);
    if (!ordering) {
      const base = VERSION_ORDERINGS[scheme];
      const results = new Map<string, number>();
      ordering = {
        scheme,
        valid: base.valid,
        compare(a, b) {
          const key = `${a}\u0000${b}`;
          let result = results.get(key);
          if (result === undefined) {
            result = base.compare(a, b);
            if (results.size > 200_000) results.clear();
            results.set(key, result);
          }
          return result;
        },
      };
      made.set(scheme, ordering);
    }
    return ordering;
  };
}

/** The ordering for one range: SEMVER ranges use SemVer (Go's variant for Go), ECOSYSTEM the ecosystem's. */
function orderingFor(orderings: Orderings, range: VersionRange, ecosystem: Ecosystem, scheme: VersionScheme): VersionOrdering {
  if (range.type === 'SEMVER') return orderings(scheme === 'go' ? 'go' : 'semver');
  return orderings(schemeForEcosystem(ecosystem) ?? scheme);
}

interface RangeVerdict {
  affected: boolean;
  fixed?: string;
}

/** OSV range evaluation for one version; throws when a version does not parse in the scheme. */
export function evaluateRange(range: VersionRange, version: string, ordering: VersionOrdering): RangeVerdict {
  const compare = (a: string, b: string): number => (a === '0' ? (b === '0' ? 0 : -1) : b === '0' ? 1 : ordering.compare(a, b));
  const point = (event: VersionRange['events'][number]): string => event.introduced ?? event.fixed ?? event.last_affected ?? event.limit ?? '0';
  const limits = range.events.filter((event) => event.limit !== undefined && event.limit !== '*');
  if (limits.some((event) => compare(version, event.limit!) >= 0)) return { affected: false };
  const events = range.events.filter((event) => event.limit === undefined).sort((a, b) => compare(point(a), point(b)));
  let affected = false;
  for (const event of events) {
    if (event.introduced !== undefined && compare(version, event.introduced) >= 0) affected = true;
    else if (event.fixed !== undefined && compare(version, event.fixed) >= 0) affected = false;
    else if (event.last_affected !== undefined && compare(version, event.last_affected) > 0) affected = false;
  }
  if (!affected) return { affected };
  const fixed = events
    .map((event) => event.fixed)
    .filter((fix): fix is string => fix !== undefined && fix !== '0' && compare(fix, version) > 0)
    .sort(compare)[0];
  return fixed === undefined ? { affected } : { affected, fixed };
}

const DATABASE_LEVELS: Record<string, VulnerabilitySeverity> = { low: 'low', moderate: 'medium', medium: 'medium', high: 'high', important: 'high', critical: 'critical' };
const VENDOR_LEVELS: Record<string, VulnerabilitySeverity> = { unimportant: 'low', negligible: 'low', low: 'low', medium: 'medium', moderate: 'medium', high: 'high', important: 'high', critical: 'critical' };

export function findingSeverity(advisory: PackageAdvisory, osPackage: boolean): FindingSeverity {
  const cvss = advisory.severity.flatMap((entry) => {
    if (!entry.type.startsWith('CVSS_V3') && !entry.type.startsWith('CVSS_V4')) return [];
    const score = scoreCvss(entry.score);
    return score ? [score] : [];
  });
  const severity: FindingSeverity = { level: 'unknown', from: 'none', cvss };
  const vendorText = advisory.vendorSeverity ?? advisory.severity.find((entry) => entry.type === 'Ubuntu')?.score;
  if (vendorText !== undefined) severity.vendor = vendorText;
  if (advisory.databaseSeverity !== undefined) severity.database = advisory.databaseSeverity;
  const vendor = vendorText === undefined ? undefined : VENDOR_LEVELS[vendorText.toLowerCase()];
  const fromCvss = cvss.find((score) => score.version !== '4.0') ?? cvss[0];
  const database = advisory.databaseSeverity === undefined ? undefined : DATABASE_LEVELS[advisory.databaseSeverity.toLowerCase()];
  if (osPackage && vendor) return { ...severity, level: vendor, from: 'vendor' };
  if (fromCvss && fromCvss.rating !== 'none') return { ...severity, level: fromCvss.rating, from: 'cvss' };
  if (database) return { ...severity, level: database, from: 'database' };
  if (vendor) return { ...severity, level: vendor, from: 'vendor' };
  return severity;
}

/**
 * The rating of a finding that has none, from the records its id and aliases name in the
 * database, or that name them as aliases (a GHSA with a CVSS vector for a GO- or PYSEC-
 * advisory without one): CVSS first, then the
 * database's rating; distribution ratings are not borrowed across feeds. `via` names the record.
 */
function rateFromRelated(finding: VulnerabilityFinding, related: readonly PackageAdvisory[]): FindingSeverity | undefined {
  const ids = new Set([finding.id, ...finding.aliases]);
  let best: FindingSeverity | undefined;
  // A record named by the finding's id or aliases, or one whose own aliases name them (a GHSA listing the CVE a PYSEC lists).
  for (const record of [...related].filter((item) => ids.has(item.id) || item.aliases.some((alias) => ids.has(alias))).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const { vendorSeverity: _vendor, ...rest } = record;
    const rating = findingSeverity({ ...rest, severity: record.severity.filter((entry) => entry.type.startsWith('CVSS_')) }, false);
    if (rating.level === 'unknown') continue;
    if (!best || (best.from !== 'cvss' && rating.from === 'cvss')) best = { ...rating, via: record.id };
  }
  return best;
}

type Verdict = { affected: false } | { affected: true; fixed?: string; problem?: string };

function evaluateAdvisory(orderings: Orderings, advisory: PackageAdvisory, version: string, pkg: InstalledPackage): Verdict {
  const ecosystemOrdering = orderings(schemeForEcosystem(advisory.ecosystem) ?? pkg.scheme);
  let problem: string | undefined;
  const listed = advisory.versions.some((listedVersion) => {
    if (listedVersion === version) return true;
    try {
      return ecosystemOrdering.compare(listedVersion, version) === 0;
    } catch {
      return false;
    }
  });
  let affected = listed;
  const fixes: string[] = [];
  for (const range of advisory.ranges) {
    const ordering = orderingFor(orderings, range, advisory.ecosystem, pkg.scheme);
    try {
      const verdict = evaluateRange(range, version, ordering);
      if (verdict.affected) {
        affected = true;
        if (verdict.fixed !== undefined) fixes.push(verdict.fixed);
      }
    } catch (error) {
      problem = (error as Error).message;
    }
  }
  if (!affected) return problem === undefined ? { affected: false } : { affected: true, problem };
  const fixed = fixes.sort(ecosystemOrdering.compare)[0];
  // A listed version with a range that says otherwise keeps the range's fix, if any.
  return fixed === undefined ? { affected: true } : { affected: true, fixed };
}

/** Findings for one package that name the same vulnerability (by id or alias) become one. */
function mergeByAlias(findings: VulnerabilityFinding[]): VulnerabilityFinding[] {
  if (findings.length < 2) return findings;
  const merged: VulnerabilityFinding[] = [];
  const byIdentifier = new Map<string, number>();
  for (const finding of findings) {
    const ids = [finding.id, ...finding.aliases];
    const index = ids.map((id) => byIdentifier.get(id)).find((found) => found !== undefined);
    if (index === undefined) {
      for (const id of ids) byIdentifier.set(id, merged.length);
      merged.push(finding);
      continue;
    }
    const same = merged[index]!;
    const all = new Set([same.id, ...same.aliases, ...ids]);
    // Keep the one that knows a fix, else the one with a rated severity.
    const better = (!same.fixedVersion && finding.fixedVersion) || (same.severity.level === 'unknown' && finding.severity.level !== 'unknown') ? finding : same;
    merged[index] = { ...better, aliases: [...all].filter((id) => id !== better.id).sort() };
    for (const id of all) byIdentifier.set(id, index);
  }
  return merged;
}

/**
 * Matches packages against their advisories. `advisoriesFor` returns the advisories stored
 * under a package's key (see `packageKey`); the vulnerability database provides it.
 */
export function matchPackages(packages: readonly InstalledPackage[], advisoriesFor: (key: PackageKey) => readonly PackageAdvisory[], options: MatchOptions = {}): MatchResult {
  const findings: VulnerabilityFinding[] = [];
  const problems: MatchProblem[] = [];
  const orderings = memoizedOrderings();
  for (const pkg of packages) {
    const { key, version } = matchIdentity(pkg);
    const osPackage = OS_SCHEMES.has(pkg.scheme);
    const label = `${pkg.ecosystem}/${pkg.name}@${pkg.version}`;
    if (!VERSION_ORDERINGS[pkg.scheme].valid(version)) {
      problems.push({ package: label, message: `version "${version}" is not a valid ${pkg.scheme} version; not matched` });
      continue;
    }
    const ofPackage: VulnerabilityFinding[] = [];
    for (const advisory of advisoriesFor(key)) {
      let status: FixStatus;
      let fixedVersion: string | undefined;
      if (advisory.vendorStatus === 'not-affected') {
        if (!options.includeNotAffected) continue;
        status = 'not-affected';
      } else {
        const verdict = evaluateAdvisory(orderings, advisory, version, pkg);
        if (!verdict.affected) continue;
        if (verdict.problem !== undefined) {
          problems.push({ package: label, advisory: advisory.id, message: verdict.problem });
          continue;
        }
        fixedVersion = verdict.fixed;
        status = fixedVersion !== undefined ? 'fixed' : advisory.vendorStatus === 'will-not-fix' ? 'will-not-fix' : 'no-fix-yet';
      }
      const finding: VulnerabilityFinding = {
        id: advisory.id,
        aliases: [...advisory.aliases].sort(),
        feed: advisory.feed,
        severity: findingSeverity(advisory, osPackage),
        package: { ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version, path: pkg.path },
        installedVersion: version,
        status,
      };
      if (advisory.summary !== undefined) finding.summary = advisory.summary;
      if (pkg.sourceName !== undefined) finding.package.sourceName = pkg.sourceName;
      if (pkg.sourceVersion !== undefined) finding.package.sourceVersion = pkg.sourceVersion;
      if (pkg.purl !== undefined) finding.package.purl = pkg.purl;
      if (fixedVersion !== undefined) finding.fixedVersion = fixedVersion;
      if (pkg.layer !== undefined) finding.layer = pkg.layer;
      ofPackage.push(finding);
    }
    for (const finding of mergeByAlias(ofPackage)) {
      const rated = finding.severity.level === 'unknown' && options.relatedAdvisories ? rateFromRelated(finding, options.relatedAdvisories([finding.id, ...finding.aliases])) : undefined;
      findings.push(rated ? { ...finding, severity: { ...rated, ...(finding.severity.vendor !== undefined ? { vendor: finding.severity.vendor } : {}) } } : finding);
    }
  }
  return { findings, problems };
}
