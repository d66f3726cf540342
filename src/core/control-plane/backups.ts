import type { Workload } from '../kinds/pod-spec.js';
import type { Path } from '../model/location.js';
import type { Resource } from '../model/resource.js';
import { asArray, asRecord, asString } from '../model/values.js';
import { readInvocation, type Component } from './flags.js';

/**
 * Which workloads take etcd backups, read from their manifests. A workload is taken to back
 * etcd up when one of its containers runs `etcdctl ... snapshot save` (directly, or in a shell
 * script given as command or args), or when its name or an image names an etcd backup tool
 * (`etcd-backup`, `etcd-snapshot`, `etcdbrctl`, `etcd-backup-restore`): a job that runs a
 * script baked into its image shows nothing else. Where the snapshot is written is judged only
 * for the first kind, and only when the command says it plainly.
 */

/** The control-plane components a container runs (kube-apiserver, etcd, ...). */
export function componentsOf(workload: Workload): Set<Component> {
  const out = new Set<Component>();
  for (const container of workload.containers) {
    const invocation = readInvocation(container);
    if (invocation) out.add(invocation.component);
  }
  return out;
}

/** Commands that copy a file off the node: a script that names one is taken to upload its snapshot. */
const UPLOADERS = /(^|[\s;&|(/"'`])(aws|azcopy|az|gcloud|gsutil|rclone|mc|restic|kopia|s3cmd|scp|rsync|curl|wget|oras|velero)(?=$|[\s;&|)"'`])/;

const SNAPSHOT = /\betcdctl\b[\s\S]*?\bsnapshot\s+save\b([^\n;&|]*)/;

const BACKUP_NAME = /etcd[-_.]?(backup|snapshot)|etcdbrctl/i;

function commandText(container: Record<string, unknown>): string {
  return [...asArray(container.command), ...asArray(container.args)].filter((item): item is string => typeof item === 'string').join(' ');
}

/** The file `snapshot save` writes, when the arguments after it name an absolute path plainly. */
function snapshotPath(rest: string): string | undefined {
  const tokens = rest.replace(/\\\s/g, ' ').trim().split(/\s+/).filter((token) => token !== '');
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!.replace(/^["']|["']$/g, '');
    if (token.startsWith('-')) {
      if (!token.includes('=')) index++; // a flag with its value in the next word
      continue;
    }
    return token.startsWith('/') ? token : undefined;
  }
  return undefined;
}

export interface HostPathDestination {
  container: string;
  /** the snapshot file as the container names it */
  file: string;
  /** the node directory the file lands in */
  hostPath: string;
  /** the hostPath volume */
  volumePath: Path;
}

export interface EtcdSnapshotWorkload {
  resource: Resource;
  /** 'command': a container runs etcdctl snapshot save; 'name': the name or an image names a backup tool */
  recognised: 'command' | 'name';
  /**
   * Set when the snapshot is written under a hostPath mount and nothing in the pod copies it
   * elsewhere: the only copy stays on the node that took it.
   */
  hostPathOnly?: HostPathDestination;
}

function hostPathDestination(workload: Workload, containerIndex: number, file: string): HostPathDestination | undefined {
  const view = workload.containers[containerIndex]!;
  // Another container (a sidecar, an init container) may move the file: not judged.
  if (workload.containers.filter((other) => other.type !== 'ephemeralContainer').length > 1) return undefined;
  if (UPLOADERS.test(commandText(view.container))) return undefined;
  let best: { mountPath: string; volume: string } | undefined;
  for (const item of asArray(view.container.volumeMounts)) {
    const mount = asRecord(item);
    const mountPath = asString(mount?.mountPath)?.replace(/\/+$/, '');
    const volume = asString(mount?.name);
    if (mountPath === undefined || volume === undefined) continue;
    if ((file === mountPath || file.startsWith(`${mountPath}/`)) && (!best || mountPath.length > best.mountPath.length)) best = { mountPath, volume };
  }
  if (!best) return undefined;
  const volumes = asArray(workload.podSpec.volumes);
  const index = volumes.findIndex((item) => asRecord(item)?.name === best.volume);
  const hostPath = asString(asRecord(asRecord(volumes[index])?.hostPath)?.path);
  if (index < 0 || hostPath === undefined) return undefined;
  const relative = file.slice(best.mountPath.length).replace(/\/[^/]*$/, '');
  return { container: view.name, file, hostPath: `${hostPath.replace(/\/+$/, '')}${relative}` || '/', volumePath: [...workload.podSpecPath, 'volumes', index, 'hostPath'] };
}

/** Whether the workload takes etcd backups, and where they go when its command says so plainly. */
export function etcdSnapshotWorkload(resource: Resource, workload: Workload): EtcdSnapshotWorkload | undefined {
  for (const [index, view] of workload.containers.entries()) {
    if (view.type === 'ephemeralContainer') continue;
    const match = SNAPSHOT.exec(commandText(view.container));
    if (!match) continue;
    const file = snapshotPath(match[1] ?? '');
    const destination = file === undefined ? undefined : hostPathDestination(workload, index, file);
    return destination ? { resource, recognised: 'command', hostPathOnly: destination } : { resource, recognised: 'command' };
  }
  const images = workload.containers.map((view) => asString(view.container.image) ?? '');
  if (BACKUP_NAME.test(resource.ref.name) || images.some((image) => BACKUP_NAME.test(image))) return { resource, recognised: 'name' };
  return undefined;
}
