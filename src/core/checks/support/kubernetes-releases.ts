/**
 * Kubernetes minor releases and their end of life, as the published release
 * schedule (kubernetes.io/releases) gave them on RELEASE_DATA_AS_OF; written in
 * by hand, not fetched, and due for a maintained source. The data is dated:
 * findings say how old it is, and a version newer than the data is not judged.
 */
export const RELEASE_DATA_AS_OF = '2025-09-01';

export const MINOR_RELEASES: ReadonlyArray<{ minor: string; released: string; endOfLife: string }> = [
  { minor: '1.25', released: '2022-08-23', endOfLife: '2023-10-28' },
  { minor: '1.26', released: '2022-12-09', endOfLife: '2024-02-28' },
  { minor: '1.27', released: '2023-04-11', endOfLife: '2024-06-28' },
  { minor: '1.28', released: '2023-08-15', endOfLife: '2024-10-28' },
  { minor: '1.29', released: '2023-12-13', endOfLife: '2025-02-28' },
  { minor: '1.30', released: '2024-04-17', endOfLife: '2025-06-28' },
  { minor: '1.31', released: '2024-08-13', endOfLife: '2025-10-28' },
  { minor: '1.32', released: '2024-12-11', endOfLife: '2026-02-28' },
  { minor: '1.33', released: '2025-04-23', endOfLife: '2026-06-28' },
  { minor: '1.34', released: '2025-08-27', endOfLife: '2026-10-27' },
];

/** `v1.32.4`, `1.32.4-gke.100`, `v1.30.0+k3s1` -> `1.32`; undefined when it is not a Kubernetes version. */
export function minorOf(version: string): string | undefined {
  const match = /^v?(1)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version.trim());
  return match ? `${match[1]}.${Number(match[2])}` : undefined;
}

function compareMinor(a: string, b: string): number {
  const [, x = '0'] = a.split('.');
  const [, y = '0'] = b.split('.');
  return Number(x) - Number(y);
}

export type Support =
  | { state: 'supported'; endOfLife: string }
  | { state: 'end-of-life'; endOfLife: string }
  | { state: 'unknown-newer' }
  | { state: 'unknown-older' };

/** Whether a minor release is supported on `now`, by the dated table. */
export function supportOf(minor: string, now: Date): Support {
  const release = MINOR_RELEASES.find((item) => item.minor === minor);
  if (!release) {
    const newest = MINOR_RELEASES[MINOR_RELEASES.length - 1]!;
    return compareMinor(minor, newest.minor) > 0 ? { state: 'unknown-newer' } : { state: 'unknown-older' };
  }
  const end = Date.parse(`${release.endOfLife}T23:59:59Z`);
  return now.getTime() > end ? { state: 'end-of-life', endOfLife: release.endOfLife } : { state: 'supported', endOfLife: release.endOfLife };
}

/** Days between the data's date and `now`, for messages. */
export function dataAgeDays(now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(`${RELEASE_DATA_AS_OF}T00:00:00Z`)) / 86_400_000));
}
