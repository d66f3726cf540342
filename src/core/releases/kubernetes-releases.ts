import type { Workload } from '../kinds/pod-spec.js';
import type { Path } from '../model/location.js';
import type { Resource } from '../model/resource.js';
import { asString } from '../model/values.js';
import { readInvocation } from '../control-plane/flags.js';
import { MINOR_RELEASES, RELEASE_DATA_AS_OF } from './kubernetes-releases.data.js';

export { MINOR_RELEASES, RELEASE_DATA_AS_OF };

/**
 * A Kubernetes minor release: its .0 date and newest patch as the Go module proxy records
 * the tags (generated into kubernetes-releases.data.ts by scripts/update-kubernetes-releases.ts),
 * and its end of life as kubernetes.io publishes it (estimated by the published rule for
 * minors newer than the published table). The data is dated: findings say how old it is,
 * and a version newer than the data is not judged.
 */
export interface MinorRelease {
  minor: string;
  endOfLife: string;
  endOfLifeEstimated: boolean;
  /** patches[n]: the date 1.MINOR.n was tagged (patches[0] is the minor's release); null when never tagged */
  patches: readonly (string | null)[];
}

/** The newest patch of a minor released on or before `now`, with its date. */
export function latestPatchOn(release: MinorRelease, now: Date): { patch: number; released: string } | undefined {
  for (let patch = release.patches.length - 1; patch >= 0; patch -= 1) {
    const date = release.patches[patch];
    if (date && Date.parse(`${date}T00:00:00Z`) <= now.getTime()) return { patch, released: date };
  }
  return undefined;
}

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
  | { state: 'supported'; endOfLife: string; release: MinorRelease }
  | { state: 'end-of-life'; endOfLife: string; release: MinorRelease }
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
  return now.getTime() > end ? { state: 'end-of-life', endOfLife: release.endOfLife, release } : { state: 'supported', endOfLife: release.endOfLife, release };
}

/** Days between the data's date and `now`, for messages. */
export function dataAgeDays(now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(`${RELEASE_DATA_AS_OF}T00:00:00Z`)) / 86_400_000));
}

/** `v1.32.4-gke.100` -> 4; undefined without a patch number. */
export function patchOf(version: string): number | undefined {
  const match = /^v?1\.\d+\.(\d+)(?:[-+].*)?$/.exec(version.trim());
  return match ? Number(match[1]) : undefined;
}

/** How old the release data is, for messages. */
export function dataNote(now: Date): string {
  // Scanning as of a date before the data (a replayed snapshot, the fixtures): the age is meaningless.
  if (now.getTime() < Date.parse(`${RELEASE_DATA_AS_OF}T00:00:00Z`)) return `release data as of ${RELEASE_DATA_AS_OF}`;
  return `release data as of ${RELEASE_DATA_AS_OF}, ${dataAgeDays(now)} days old`;
}

/** The kind `scan --cluster` gives the API server's /version answer. */
export const CLUSTER_VERSION_KIND = 'ClusterVersion';

export interface RunningVersion {
  version: string;
  path: Path;
  /** `the API server`, `container "kube-apiserver" (kube-apiserver)` */
  what: string;
  container?: string;
}

/** The Kubernetes versions an object shows: the /version answer, or kube-apiserver static pods' image tags. */
export function kubernetesVersions(resource: Resource, workload: Workload | undefined): RunningVersion[] {
  if (resource.ref.kind === CLUSTER_VERSION_KIND) {
    const version = asString(resource.object.gitVersion);
    return version ? [{ version, path: ['gitVersion'], what: 'the API server' }] : [];
  }
  const found: RunningVersion[] = [];
  for (const container of workload?.containers ?? []) {
    if (readInvocation(container)?.component !== 'kube-apiserver') continue;
    const image = asString(container.container.image) ?? '';
    const tag = /:([^:@/]+)(?:@.*)?$/.exec(image)?.[1];
    if (tag) found.push({ version: tag, path: [...container.path, 'image'], what: `container "${container.name}" (kube-apiserver)`, container: container.name });
  }
  return found;
}
