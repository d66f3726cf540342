import type { ContainerView, Workload } from '../kinds/pod-spec.js';
import type { Path } from '../model/location.js';
import { asArray, asRecord, asString } from '../model/values.js';

/**
 * Host path semantics shared by the host-access checks.
 *
 * The kubelet mounts `hostPath.path` as given (the API server rejects `..`
 * segments, but manifests on disk are not validated), so paths are compared
 * after normalisation: duplicate and trailing slashes, `.` and `..` removed,
 * and a relative path taken from `/` (the kubelet's working directory).
 * Windows paths are not normalised.
 */
export function normalizeHostPath(raw: string): string {
  // Windows paths (C:\..., \\.\pipe\...) are left as written.
  if (raw.includes('\\') || /^[A-Za-z]:/.test(raw)) return raw;
  const out: string[] = [];
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

/** Joins a volume's host path and a volumeMount's subPath, then normalises. */
export function joinHostPath(base: string, subPath: string): string {
  return normalizeHostPath(`${base}/${subPath}`);
}

/** true when `path` is `target` or one of its ancestors: mounting `path` exposes `target`. */
export function exposes(path: string, target: string): boolean {
  const a = normalizeHostPath(path);
  const b = normalizeHostPath(target);
  if (a === '/') return true;
  return a === b || b.startsWith(`${a}/`);
}

/** true when `path` is strictly below `ancestor`. */
export function isBelow(path: string, ancestor: string): boolean {
  const a = normalizeHostPath(ancestor);
  const b = normalizeHostPath(path);
  if (a === b) return false;
  return a === '/' || b.startsWith(`${a}/`);
}

export interface HostPathVolume {
  name: string;
  /** hostPath.path as written */
  rawPath: string;
  /** normalised host path */
  hostPath: string;
  type: string | undefined;
  /** path of the volume item in the object */
  volumePath: Path;
  /** path of hostPath.path (or of hostPath when path is missing) */
  pathField: Path;
}

/** Every volume of the pod with a hostPath source. */
export function hostPathVolumes(workload: Workload): HostPathVolume[] {
  const out: HostPathVolume[] = [];
  asArray(workload.podSpec.volumes).forEach((item, index) => {
    const volume = asRecord(item);
    const hostPath = asRecord(volume?.hostPath);
    if (!volume || !hostPath) return;
    const volumePath = [...workload.podSpecPath, 'volumes', index];
    const rawPath = asString(hostPath.path) ?? '';
    out.push({
      name: asString(volume.name) ?? `#${index}`,
      rawPath,
      hostPath: normalizeHostPath(rawPath),
      type: asString(hostPath.type),
      volumePath,
      pathField: [...volumePath, 'hostPath', ...(hostPath.path !== undefined ? ['path'] : [])],
    });
  });
  return out;
}

export interface VolumeMountView {
  container: ContainerView;
  mount: Record<string, unknown>;
  /** path of the volumeMount item */
  path: Path;
}

/** Every volumeMount, in every container (init and ephemeral included), that mounts the named volume. */
export function mountsOf(workload: Workload, volumeName: string): VolumeMountView[] {
  const out: VolumeMountView[] = [];
  for (const container of workload.containers) {
    asArray(container.container.volumeMounts).forEach((item, index) => {
      const mount = asRecord(item);
      if (mount && mount.name === volumeName) out.push({ container, mount, path: [...container.path, 'volumeMounts', index] });
    });
  }
  return out;
}

/** A host path that containers can reach through a hostPath volume. */
export interface HostPathExposure {
  volume: HostPathVolume;
  /** normalised host path that is reachable */
  hostPath: string;
  /** where to report: hostPath.path of the volume, or the subPath of a mount */
  path: Path;
  /** set when the exposure comes from one container's subPath mount */
  container?: string;
  subPath?: string;
}

/**
 * The host paths each hostPath volume actually exposes. A mount without a
 * subPath (or with subPathExpr, whose value is only known at run time)
 * exposes the volume's whole path: one exposure per volume, located at
 * hostPath.path. A mount with a subPath exposes only `path/subPath`: one
 * exposure per such mount, located at the subPath. A volume that no
 * container mounts still counts as exposing its whole path (it is declared,
 * and type DirectoryOrCreate/FileOrCreate acts on the node).
 */
export function hostPathExposures(workload: Workload): HostPathExposure[] {
  const out: HostPathExposure[] = [];
  for (const volume of hostPathVolumes(workload)) {
    // No path: the API server rejects the pod, nothing is exposed.
    if (volume.rawPath === '') continue;
    const mounts = mountsOf(workload, volume.name);
    const partial: HostPathExposure[] = [];
    let whole = mounts.length === 0;
    for (const { container, mount, path } of mounts) {
      const subPath = asString(mount.subPath);
      if (subPath === undefined || subPath === '' || mount.subPathExpr !== undefined) {
        whole = true;
        continue;
      }
      partial.push({ volume, hostPath: joinHostPath(volume.rawPath, subPath), path: [...path, 'subPath'], container: container.name, subPath });
    }
    if (whole) out.push({ volume, hostPath: volume.hostPath, path: volume.pathField });
    out.push(...partial);
  }
  return out;
}

/**
 * Host paths whose exposure is dangerous. A plain entry matches that path
 * and its ancestors (mounting `/var` exposes `/var/log`); an entry ending in
 * `/**` also matches everything below it (any file under /etc/kubernetes).
 */
export const DEFAULT_SENSITIVE_HOST_PATHS: readonly string[] = [
  '/',
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/etc/cron.d/**',
  '/etc/crontab',
  '/etc/kubernetes/**',
  '/etc/shadow',
  '/etc/ssh/**',
  '/etc/sudoers',
  '/etc/sudoers.d/**',
  '/home/**',
  '/lib',
  '/proc/**',
  '/root/**',
  '/run',
  '/sbin',
  '/sys',
  '/usr',
  '/var/lib/containerd/**',
  '/var/lib/containers/**',
  '/var/lib/docker/**',
  '/var/lib/etcd/**',
  '/var/lib/kubelet/**',
  '/var/log',
  '/var/run',
];

export type SensitiveMatch =
  /** the host path is the sensitive path */
  | { relation: 'equal'; entry: string }
  /** the host path is a directory above the sensitive path */
  | { relation: 'contains'; entry: string }
  /** the host path is inside a `/**` entry */
  | { relation: 'inside'; entry: string };

/**
 * The sensitive entry a host path matches, most specific first: an exact
 * match, then a `/**` entry it lies inside, then an entry it contains.
 */
export function matchSensitivePath(hostPath: string, entries: readonly string[]): SensitiveMatch | undefined {
  const path = normalizeHostPath(hostPath);
  const parsed = entries
    .filter((entry) => entry.trim() !== '')
    .map((entry) => {
      const trimmed = entry.trim();
      const subtree = trimmed.endsWith('/**');
      return { entry: normalizeHostPath(subtree ? trimmed.slice(0, -3) : trimmed), subtree };
    });
  const equal = parsed.find((item) => item.entry === path);
  if (equal) return { relation: 'equal', entry: equal.entry };
  const inside = parsed.filter((item) => item.subtree && isBelow(path, item.entry)).sort((a, b) => b.entry.length - a.entry.length)[0];
  if (inside) return { relation: 'inside', entry: inside.entry };
  // Of the sensitive paths below it, name the nearest (shortest), then the first alphabetically.
  const contained = parsed
    .filter((item) => isBelow(item.entry, path))
    .sort((a, b) => a.entry.length - b.entry.length || (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0))[0];
  if (contained) return { relation: 'contains', entry: contained.entry };
  return undefined;
}

/** Where container runtimes listen by default (docker, containerd, CRI-O, cri-dockerd, podman, k3s, microk8s). */
export const DEFAULT_RUNTIME_SOCKETS: readonly string[] = [
  '/run/containerd/containerd.sock',
  '/run/crio/crio.sock',
  '/run/cri-dockerd.sock',
  '/run/docker.sock',
  '/run/dockershim.sock',
  '/run/k3s/containerd/containerd.sock',
  '/run/podman/podman.sock',
  '/var/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/var/run/cri-dockerd.sock',
  '/var/run/docker.sock',
  '/var/run/dockershim.sock',
  '/var/run/podman/podman.sock',
  '/var/snap/microk8s/common/run/containerd.sock',
];

/** Socket file names recognised wherever they are. */
export const RUNTIME_SOCKET_NAMES: readonly string[] = ['containerd.sock', 'crio.sock', 'cri-dockerd.sock', 'docker.sock', 'dockershim.sock', 'podman.sock'];

/**
 * The runtime socket a host path exposes: the socket itself, a directory
 * that holds it, any file named like a runtime socket, or a Windows
 * runtime named pipe.
 */
export function matchRuntimeSocket(hostPath: string, sockets: readonly string[]): { socket: string; relation: 'equal' | 'contains' } | undefined {
  // Windows nodes expose the runtimes as named pipes: \\.\pipe\docker_engine, \\.\pipe\containerd-containerd.
  const pipe = /\\\\\.\\pipe\\(docker_engine|containerd-containerd)$/i.exec(hostPath);
  if (pipe) return { socket: hostPath.slice(hostPath.length - pipe[0].length), relation: 'equal' };
  const path = normalizeHostPath(hostPath);
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (RUNTIME_SOCKET_NAMES.includes(base)) return { socket: path, relation: 'equal' };
  for (const socket of sockets) {
    const normalized = normalizeHostPath(socket);
    if (normalized === path) return { socket: normalized, relation: 'equal' };
  }
  for (const socket of sockets) {
    const normalized = normalizeHostPath(socket);
    if (isBelow(normalized, path)) return { socket: normalized, relation: 'contains' };
  }
  return undefined;
}
