/**
 * Where a pod spec names Secrets: secret and projected volumes, env secretKeyRef, envFrom
 * secretRef, imagePullSecrets and the secret references of volume plugins; and which
 * volumes its containers mount.
 */
import type { Workload } from './pod-spec.js';
import type { Path } from '../model/location.js';
import { asArray, asRecord, asString } from '../model/values.js';

export interface SecretVolume {
  /** the volume's name (`#index` when it has none) */
  name: string;
  path: Path;
  /** 'secret' or 'projected' (a projected volume with secret sources) */
  type: 'secret' | 'projected';
  /** the Secrets it holds, in order, without repeats */
  secrets: string[];
}

function volumeName(volume: Record<string, unknown> | undefined, index: number): string {
  return asString(volume?.name) ?? `#${index}`;
}

/** Volumes that put Secrets on the node: `secret` volumes and `projected` volumes with secret sources. */
export function secretVolumes(workload: Workload): SecretVolume[] {
  const out: SecretVolume[] = [];
  asArray(workload.podSpec.volumes).forEach((item, index) => {
    const volume = asRecord(item);
    const path = [...workload.podSpecPath, 'volumes', index];
    const secret = asRecord(volume?.secret);
    if (secret) {
      out.push({ name: volumeName(volume, index), path: [...path, 'secret'], type: 'secret', secrets: [asString(secret.secretName) ?? ''] });
      return;
    }
    const sources = asArray(asRecord(volume?.projected)?.sources);
    const secrets: string[] = [];
    for (const source of sources) {
      const ref = asRecord(asRecord(source)?.secret);
      if (!ref) continue;
      const name = asString(ref.name) ?? '';
      if (!secrets.includes(name)) secrets.push(name);
    }
    if (secrets.length > 0) out.push({ name: volumeName(volume, index), path: [...path, 'projected'], type: 'projected', secrets });
  });
  return out;
}

/** The names of the volumes some container (init, regular, sidecar or ephemeral) mounts. */
export function mountedVolumeNames(workload: Workload): Set<string> {
  const names = new Set<string>();
  for (const container of workload.containers) {
    for (const mount of asArray(container.container.volumeMounts)) {
      const name = asString(asRecord(mount)?.name);
      if (name !== undefined) names.add(name);
    }
  }
  return names;
}

/** Volume plugins that name a Secret for their own credentials: the field holding a `{name}` reference or a name. */
const PLUGIN_SECRET_REFS: ReadonlyArray<[plugin: string, field: string]> = [
  ['azureFile', 'secretName'],
  ['cephfs', 'secretRef'],
  ['cinder', 'secretRef'],
  ['csi', 'nodePublishSecretRef'],
  ['flexVolume', 'secretRef'],
  ['iscsi', 'secretRef'],
  ['rbd', 'secretRef'],
  ['scaleIO', 'secretRef'],
  ['storageos', 'secretRef'],
];

/** Every Secret name the pod spec references, wherever it does. */
export function referencedSecrets(workload: Workload): Set<string> {
  const names = new Set<string>();
  const add = (value: unknown): void => {
    const name = asString(value);
    if (name) names.add(name);
  };
  for (const volume of secretVolumes(workload)) for (const secret of volume.secrets) add(secret);
  for (const item of asArray(workload.podSpec.volumes)) {
    const volume = asRecord(item);
    for (const [plugin, field] of PLUGIN_SECRET_REFS) {
      const ref = asRecord(volume?.[plugin])?.[field];
      add(typeof ref === 'string' ? ref : asRecord(ref)?.name);
    }
  }
  for (const container of workload.containers) {
    for (const item of asArray(container.container.env)) add(asRecord(asRecord(asRecord(item)?.valueFrom)?.secretKeyRef)?.name);
    for (const item of asArray(container.container.envFrom)) add(asRecord(asRecord(item)?.secretRef)?.name);
  }
  for (const item of asArray(workload.podSpec.imagePullSecrets)) add(asRecord(item)?.name);
  return names;
}
