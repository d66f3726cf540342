import type { Path } from '../model/location.js';
import type { KubeObject, Metadata } from '../model/resource.js';
import { asArray, asRecord, getPath } from '../model/values.js';

/** Where each kind keeps its pod template. One table, read by one extractor. */
const POD_TEMPLATE_PATHS: Record<string, { spec: Path; metadata: Path }> = {
  Pod: { spec: ['spec'], metadata: ['metadata'] },
  PodTemplate: { spec: ['template', 'spec'], metadata: ['template', 'metadata'] },
  Deployment: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  ReplicaSet: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  StatefulSet: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  DaemonSet: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  Job: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  ReplicationController: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  DeploymentConfig: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  CronJob: {
    spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
    metadata: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'],
  },
};

export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_TEMPLATE_PATHS).sort();

export function isWorkloadKind(kind: string): boolean {
  return Object.prototype.hasOwnProperty.call(POD_TEMPLATE_PATHS, kind);
}

/** Where a kind keeps its pod spec and its pod template's metadata; undefined for other kinds. */
export function podTemplatePaths(kind: string): { spec: Path; metadata: Path } | undefined {
  return Object.prototype.hasOwnProperty.call(POD_TEMPLATE_PATHS, kind) ? POD_TEMPLATE_PATHS[kind] : undefined;
}

export type ContainerType = 'container' | 'initContainer' | 'ephemeralContainer';

/** A security setting with the path it was read from (container or pod level). */
export interface Setting<T> {
  value: T;
  path: Path;
  /** true when inherited from the pod-level securityContext */
  inherited: boolean;
}

/**
 * The security context the kubelet applies to a container: container-level
 * fields override the pod's for the fields both levels have.
 */
export interface EffectiveSecurityContext {
  runAsNonRoot?: Setting<unknown>;
  runAsUser?: Setting<unknown>;
  runAsGroup?: Setting<unknown>;
  seccompProfile?: Setting<Record<string, unknown>>;
  seLinuxOptions?: Setting<Record<string, unknown>>;
  appArmorProfile?: Setting<Record<string, unknown>>;
  windowsOptions?: Setting<Record<string, unknown>>;
}

/** Fields present at both pod and container level; the container wins. */
const INHERITED_FIELDS = [
  'runAsNonRoot',
  'runAsUser',
  'runAsGroup',
  'seccompProfile',
  'seLinuxOptions',
  'appArmorProfile',
  'windowsOptions',
] as const;

export interface ContainerView {
  name: string;
  type: ContainerType;
  /** initContainers with restartPolicy: Always (native sidecars) run for the pod's life. */
  sidecar: boolean;
  container: Record<string, unknown>;
  path: Path;
  /** the container's own securityContext (may be empty) */
  securityContext: Record<string, unknown>;
  securityContextPath: Path;
  effective: EffectiveSecurityContext;
}

export interface Workload {
  kind: string;
  podSpec: Record<string, unknown>;
  podSpecPath: Path;
  podMetadata: Metadata;
  podMetadataPath: Path;
  podSecurityContext: Record<string, unknown>;
  podSecurityContextPath: Path;
  containers: ContainerView[];
}

const CONTAINER_LISTS: ReadonlyArray<[string, ContainerType]> = [
  ['initContainers', 'initContainer'],
  ['containers', 'container'],
  ['ephemeralContainers', 'ephemeralContainer'],
];

/** Reads the pod spec of any workload kind; undefined for other kinds or a missing spec. */
export function extractWorkload(object: KubeObject): Workload | undefined {
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const paths = POD_TEMPLATE_PATHS[kind];
  if (!paths) return undefined;
  const podSpec = asRecord(getPath(object, paths.spec));
  if (!podSpec) return undefined;
  const podMetadata = (asRecord(getPath(object, paths.metadata)) ?? {}) as Metadata;
  const podSecurityContext = asRecord(podSpec.securityContext) ?? {};
  const podSecurityContextPath = [...paths.spec, 'securityContext'];
  const containers: ContainerView[] = [];
  for (const [field, type] of CONTAINER_LISTS) {
    asArray(podSpec[field]).forEach((item, index) => {
      const container = asRecord(item);
      if (!container) return;
      const path = [...paths.spec, field, index];
      const securityContext = asRecord(container.securityContext) ?? {};
      const securityContextPath = [...path, 'securityContext'];
      const effective: EffectiveSecurityContext = {};
      for (const name of INHERITED_FIELDS) {
        if (name === 'windowsOptions') continue;
        if (securityContext[name] !== undefined && securityContext[name] !== null) {
          effective[name] = { value: securityContext[name], path: [...securityContextPath, name], inherited: false } as unknown as Setting<never>;
        } else if (podSecurityContext[name] !== undefined && podSecurityContext[name] !== null) {
          effective[name] = { value: podSecurityContext[name], path: [...podSecurityContextPath, name], inherited: true } as unknown as Setting<never>;
        }
      }
      // The kubelet merges windowsOptions field by field; the other fields are replaced whole.
      const podWindows = asRecord(podSecurityContext.windowsOptions);
      const ownWindows = asRecord(securityContext.windowsOptions);
      if (podWindows || ownWindows) {
        const merged: Record<string, unknown> = { ...(podWindows ?? {}) };
        for (const [field, value] of Object.entries(ownWindows ?? {})) if (value !== null && value !== undefined) merged[field] = value;
        effective.windowsOptions = ownWindows
          ? { value: merged, path: [...securityContextPath, 'windowsOptions'], inherited: false }
          : { value: merged, path: [...podSecurityContextPath, 'windowsOptions'], inherited: true };
      }
      containers.push({
        name: typeof container.name === 'string' ? container.name : `#${index}`,
        type,
        sidecar: type === 'initContainer' && container.restartPolicy === 'Always',
        container,
        path,
        securityContext,
        securityContextPath,
        effective,
      });
    });
  }
  return {
    kind,
    podSpec,
    podSpecPath: paths.spec,
    podMetadata,
    podMetadataPath: paths.metadata,
    podSecurityContext,
    podSecurityContextPath,
    containers,
  };
}
