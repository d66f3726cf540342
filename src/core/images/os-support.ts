import type { OperatingSystem } from './model.js';
import { OS_RELEASES, RELEASE_DATA_AS_OF } from './os-releases.data.js';

export { OS_RELEASES, RELEASE_DATA_AS_OF };

/**
 * A distribution release and its end of life, generated into os-releases.data.ts by
 * scripts/update-os-releases.ts: Debian and Ubuntu from distro-info-data, the others from a
 * hand-written table of published dates (each with its URL).
 */
export interface OsRelease {
  /** os-release ID: debian, ubuntu, alpine, rhel, centos, rocky, almalinux, amzn. */
  id: string;
  /** The version os-release VERSION_ID is matched against: 12, 22.04, 3.20, 9, 2023. */
  version: string;
  codename?: string;
  released?: string;
  /** End of regular (security) support; absent when none is announced yet. */
  endOfLife?: string;
  /** End of Debian LTS / Ubuntu ESM, when later than endOfLife. */
  ltsEndOfLife?: string;
  source: 'distro-info-data' | 'hand-written';
  url?: string;
}

/** lts-only: regular support is over, Debian LTS or Ubuntu ESM still publishes fixes. */
export type OsSupportState = 'supported' | 'end-of-life' | 'lts-only' | 'unknown';

export interface OsSupport {
  state: OsSupportState;
  endOfLife?: string;
  ltsEndOfLife?: string;
  /** The date the release table was generated. */
  dataAsOf: string;
}

/** The table's entry for an os-release: VERSION_ID as given, then major.minor, then major (alpine 3.20.3 → 3.20, rhel 9.4 → 9). */
export function osReleaseOf(os: Pick<OperatingSystem, 'id' | 'versionId'>): OsRelease | undefined {
  const version = os.versionId?.trim();
  if (!version) return undefined;
  const parts = version.split('.');
  const candidates = [version, parts.slice(0, 2).join('.'), parts[0]!];
  for (const candidate of candidates) {
    const found = OS_RELEASES.find((release) => release.id === os.id && release.version === candidate);
    if (found) return found;
  }
  return undefined;
}

function ended(date: string, now: Date): boolean {
  // A published end-of-life date is the last supported day.
  return now.getTime() > Date.parse(`${date}T23:59:59.999Z`);
}

/** Whether the OS an image carries is still supported on `now`, by the dated release table. */
export function osSupport(os: Pick<OperatingSystem, 'id' | 'versionId'> | undefined, now: Date): OsSupport {
  const release = os ? osReleaseOf(os) : undefined;
  if (!release) return { state: 'unknown', dataAsOf: RELEASE_DATA_AS_OF };
  const dates = { ...(release.endOfLife ? { endOfLife: release.endOfLife } : {}), ...(release.ltsEndOfLife ? { ltsEndOfLife: release.ltsEndOfLife } : {}), dataAsOf: RELEASE_DATA_AS_OF };
  if (!release.endOfLife || !ended(release.endOfLife, now)) return { state: 'supported', ...dates };
  if (release.ltsEndOfLife && !ended(release.ltsEndOfLife, now)) return { state: 'lts-only', ...dates };
  return { state: 'end-of-life', ...dates };
}

/** `supported until 2026-07-11 (LTS 2028-06-30)`, `END OF LIFE since 2024-06-30`, for reports. */
export function describeOsSupport(support: OsSupport): string {
  const lts = support.ltsEndOfLife ? ` (LTS ${support.ltsEndOfLife})` : '';
  switch (support.state) {
    case 'supported':
      return support.endOfLife ? `supported until ${support.endOfLife}${lts}` : 'supported, no end of life announced';
    case 'lts-only':
      return `regular support ended ${support.endOfLife}, LTS/ESM until ${support.ltsEndOfLife}`;
    case 'end-of-life':
      return `END OF LIFE since ${support.ltsEndOfLife ?? support.endOfLife}`;
    case 'unknown':
      return `end of life unknown (release data as of ${support.dataAsOf})`;
  }
}
