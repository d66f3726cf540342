/**
 * The advisory feeds Palisade imports, turned into PackageAdvisory records (pure
 * functions over parsed documents):
 * - OSV (https://ossf.github.io/osv-schema/): one record per vulnerability, any ecosystem;
 * - the Debian security tracker JSON (`{package: {CVE: {releases: {codename: ...}}}}`);
 * - Alpine secdb (`{distroversion, packages: [{pkg: {name, secfixes}}]}`).
 * Problems name the record and the field and never stop the other records.
 */
import type { PackageAdvisory, RangeEvent, SeverityEntry, VersionRange } from '../../core/images/advisory.js';

export type FeedFormat = 'osv' | 'osv-list' | 'debian-tracker' | 'alpine-secdb';

export interface Converted {
  advisories: PackageAdvisory[];
  /** Records converted (an OSV record affecting three packages counts once). */
  records: number;
  /** Newest `modified`/`published` date seen, ISO 8601. */
  newest?: string;
  /** Set for Alpine secdb: the release the file replaces. */
  ecosystem?: string;
  problems: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';

/** Recognises a parsed document's feed, or undefined. */
export function detectFormat(document: unknown): FeedFormat | undefined {
  if (Array.isArray(document)) return document.every((item) => isObject(item) && isString(item.id)) ? 'osv-list' : undefined;
  if (!isObject(document)) return undefined;
  if (isString(document.id) && ('affected' in document || 'modified' in document || 'schema_version' in document)) return 'osv';
  if (isString(document.distroversion) && Array.isArray(document.packages)) return 'alpine-secdb';
  const first = Object.values(document)[0];
  if (isObject(first)) {
    const entry = Object.values(first)[0];
    if (isObject(entry) && isObject(entry.releases)) return 'debian-tracker';
  }
  return undefined;
}

/** A plausible data date: OSV writes 0001-01-01 for "unknown". */
function dataDate(value: unknown): string | undefined {
  return isString(value) && /^(19[89]\d|2\d{3})-\d\d-\d\d/.test(value) ? value : undefined;
}

function newer(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

export function convertOsv(record: unknown, where: string): Converted {
  const result: Converted = { advisories: [], records: 0, problems: [] };
  if (!isObject(record) || !isString(record.id) || record.id === '') {
    result.problems.push(`${where}: not an OSV record (no "id")`);
    return result;
  }
  const id = record.id;
  const published = dataDate(record.published);
  const modified = dataDate(record.modified);
  const newest = newer(modified, published);
  // A withdrawal is a modification too: the newest date counts it (incremental updates start from it).
  if (newest !== undefined) result.newest = newest;
  if (record.withdrawn !== undefined && record.withdrawn !== null && record.withdrawn !== 'null') return result;
  result.records = 1;
  const aliases = (Array.isArray(record.aliases) ? record.aliases : []).filter(isString);
  for (const related of Array.isArray(record.upstream) ? record.upstream : []) if (isString(related) && /^CVE-/.test(related) && !aliases.includes(related)) aliases.push(related);
  const severity: SeverityEntry[] = (Array.isArray(record.severity) ? record.severity : []).flatMap((entry: unknown) =>
    isObject(entry) && isString(entry.type) && isString(entry.score) ? [{ type: entry.type, score: entry.score }] : [],
  );
  const databaseSpecific = isObject(record.database_specific) ? record.database_specific : {};
  const summary = isString(record.summary) ? record.summary : isString(record.details) ? record.details.split('\n')[0]!.slice(0, 200) : undefined;
  const affectedList = Array.isArray(record.affected) ? record.affected : [];
  affectedList.forEach((affected: unknown, index: number) => {
    const at = `${where}: ${id} affected[${index}]`;
    if (!isObject(affected) || !isObject(affected.package) || !isString(affected.package.ecosystem) || !isString(affected.package.name)) {
      if (!(isObject(affected) && isObject(affected.package) && !isString(affected.package.name) && isString(affected.package.purl))) result.problems.push(`${at}: no package ecosystem and name`);
      return;
    }
    const ranges: VersionRange[] = [];
    (Array.isArray(affected.ranges) ? affected.ranges : []).forEach((range: unknown, rangeIndex: number) => {
      if (!isObject(range) || range.type === 'GIT') return;
      if (range.type !== 'ECOSYSTEM' && range.type !== 'SEMVER') {
        result.problems.push(`${at}.ranges[${rangeIndex}]: unknown range type ${JSON.stringify(range.type)}`);
        return;
      }
      const events: RangeEvent[] = [];
      for (const event of Array.isArray(range.events) ? range.events : []) {
        if (!isObject(event)) continue;
        const key = EVENT_KEYS.find((name) => isString(event[name]));
        if (key) events.push({ [key]: event[key] as string });
      }
      if (events.length === 0) result.problems.push(`${at}.ranges[${rangeIndex}]: no events`);
      else ranges.push({ type: range.type, events });
    });
    const versions = (Array.isArray(affected.versions) ? affected.versions : []).filter(isString);
    if (ranges.length === 0 && versions.length === 0) return; // only GIT ranges: nothing to match releases against
    const ecosystemSpecific = isObject(affected.ecosystem_specific) ? affected.ecosystem_specific : {};
    const affectedDatabase = isObject(affected.database_specific) ? affected.database_specific : {};
    const advisory: PackageAdvisory = {
      feed: 'osv',
      id,
      aliases,
      severity: [
        ...severity,
        ...(Array.isArray(affected.severity) ? affected.severity : []).flatMap((entry: unknown) => (isObject(entry) && isString(entry.type) && isString(entry.score) ? [{ type: entry.type, score: entry.score }] : [])),
      ],
      ecosystem: affected.package.ecosystem,
      name: affected.package.name,
      ranges,
      versions,
    };
    if (summary !== undefined) advisory.summary = summary;
    if (published !== undefined) advisory.published = published;
    if (modified !== undefined) advisory.modified = modified;
    const databaseSeverity = databaseSpecific.severity ?? affectedDatabase.severity;
    if (isString(databaseSeverity)) advisory.databaseSeverity = databaseSeverity;
    const vendorSeverity = ecosystemSpecific.urgency ?? ecosystemSpecific.severity;
    if (isString(vendorSeverity)) advisory.vendorSeverity = vendorSeverity;
    result.advisories.push(advisory);
  });
  return result;
}

/** Debian release codenames and the OSV ecosystem of each (`Debian:12`). */
export const DEBIAN_RELEASES: Readonly<Record<string, string>> = {
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
  duke: '15',
};

export function convertDebianTracker(document: unknown, where: string): Converted {
  const result: Converted = { advisories: [], records: 0, problems: [] };
  if (!isObject(document)) {
    result.problems.push(`${where}: not a Debian security tracker document`);
    return result;
  }
  for (const [sourcePackage, issues] of Object.entries(document)) {
    if (!isObject(issues)) continue;
    for (const [issue, entry] of Object.entries(issues)) {
      if (!isObject(entry) || !isObject(entry.releases)) continue;
      result.records++;
      for (const [codename, release] of Object.entries(entry.releases)) {
        const version = DEBIAN_RELEASES[codename];
        if (version === undefined || !isObject(release)) continue;
        const status = release.status;
        const fixed = isString(release.fixed_version) ? release.fixed_version : undefined;
        const advisory: PackageAdvisory = {
          feed: 'debian-tracker',
          id: issue,
          aliases: [],
          severity: [],
          ecosystem: `Debian:${version}`,
          name: sourcePackage,
          ranges: [],
          versions: [],
        };
        if (isString(entry.description)) advisory.summary = entry.description;
        if (isString(release.urgency)) advisory.vendorSeverity = release.urgency.replace(/\*+$/, '');
        if (status === 'resolved') {
          if (fixed === undefined) continue;
          if (fixed === '0') advisory.vendorStatus = 'not-affected';
          else advisory.ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }];
        } else if (status === 'open' || status === 'undetermined') {
          advisory.ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }];
          advisory.vendorStatus = release.nodsa_reason === 'ignored' ? 'will-not-fix' : 'no-fix-yet';
        } else {
          result.problems.push(`${where}: ${sourcePackage} ${issue} ${codename}: unknown status ${JSON.stringify(status)}`);
          continue;
        }
        result.advisories.push(advisory);
      }
    }
  }
  return result;
}

const ADVISORY_ID = /^(?:CVE-\d{4}-\d+|GHSA(?:-[0-9a-z]{4}){3}|XSA-\d+|ALPINE-\d+|[A-Z]+-\d{4}-\d+)$/i;

export function convertAlpineSecdb(document: unknown, where: string): Converted {
  const result: Converted = { advisories: [], records: 0, problems: [] };
  if (!isObject(document) || !isString(document.distroversion) || !Array.isArray(document.packages)) {
    result.problems.push(`${where}: not an Alpine secdb document`);
    return result;
  }
  const ecosystem = `Alpine:${document.distroversion.startsWith('v') ? document.distroversion : `v${document.distroversion}`}`;
  result.ecosystem = ecosystem;
  document.packages.forEach((item: unknown, index: number) => {
    const pkg = isObject(item) && isObject(item.pkg) ? item.pkg : undefined;
    if (!pkg || !isString(pkg.name) || !isObject(pkg.secfixes)) {
      result.problems.push(`${where}: packages[${index}]: no pkg.name and pkg.secfixes`);
      return;
    }
    for (const [fixed, ids] of Object.entries(pkg.secfixes)) {
      for (const line of Array.isArray(ids) ? ids.filter(isString) : []) {
        // entries are "CVE-2023-1234" or "CVE-2023-1234 CVE-2023-5678" or "CVE-... (comment)"
        for (const id of line.split(/\s+/).filter((token) => ADVISORY_ID.test(token))) {
          result.records++;
          const advisory: PackageAdvisory = { feed: 'alpine-secdb', id, aliases: [], severity: [], ecosystem, name: pkg.name, ranges: [], versions: [] };
          if (fixed === '0') advisory.vendorStatus = 'not-affected';
          else advisory.ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }];
          result.advisories.push(advisory);
        }
      }
    }
  });
  return result;
}
