import type { Inventory } from '../../engine/inventory.js';
import type { Workload } from '../../kinds/pod-spec.js';
import type { Path } from '../../model/location.js';
import type { Resource } from '../../model/resource.js';
import { asArray, asRecord } from '../../model/values.js';

export interface PodServiceAccount {
  /** the service account the pod runs as */
  name: string;
  /** which field named it ('default' when neither is set) */
  source: 'serviceAccountName' | 'serviceAccount' | 'default';
  /** the naming field, or the pod spec when neither is set */
  path: Path;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The service account a pod runs as, as the API server decides it:
 * serviceAccountName wins; the deprecated serviceAccount is used only when
 * serviceAccountName is empty (v1 -> internal conversion); otherwise the
 * ServiceAccount admission plugin assigns `default`.
 */
export function podServiceAccount(workload: Workload): PodServiceAccount {
  const spec = workload.podSpec;
  const name = nonEmpty(spec.serviceAccountName);
  if (name !== undefined) return { name, source: 'serviceAccountName', path: [...workload.podSpecPath, 'serviceAccountName'] };
  const deprecated = nonEmpty(spec.serviceAccount);
  if (deprecated !== undefined) return { name: deprecated, source: 'serviceAccount', path: [...workload.podSpecPath, 'serviceAccount'] };
  return { name: 'default', source: 'default', path: workload.podSpecPath };
}

export type TokenDecision =
  /** the pod sets automountServiceAccountToken */
  | { mounted: boolean; decidedBy: 'pod'; path: Path }
  /** the pod leaves it unset; the ServiceAccount in the inventory sets it */
  | { mounted: boolean; decidedBy: 'service-account'; serviceAccount: Resource }
  /** neither sets it (the ServiceAccount may be outside the scanned objects): Kubernetes mounts the token */
  | { mounted: true; decidedBy: 'default'; serviceAccount: Resource | undefined };

/**
 * Whether the ServiceAccount admission plugin mounts an API token into the
 * pod: the pod's automountServiceAccountToken wins when set, then the
 * ServiceAccount's, and the default is to mount. A ServiceAccount that is
 * not among the scanned objects is treated as leaving the field unset.
 */
export function tokenAutomount(workload: Workload, resource: Resource, inventory: Inventory): TokenDecision {
  const podValue = workload.podSpec.automountServiceAccountToken;
  if (typeof podValue === 'boolean') {
    return { mounted: podValue, decidedBy: 'pod', path: [...workload.podSpecPath, 'automountServiceAccountToken'] };
  }
  const serviceAccount = inventory.find('ServiceAccount', resource.ref.namespace, podServiceAccount(workload).name);
  const saValue = serviceAccount?.object.automountServiceAccountToken;
  if (serviceAccount && typeof saValue === 'boolean') return { mounted: saValue, decidedBy: 'service-account', serviceAccount };
  return { mounted: true, decidedBy: 'default', serviceAccount };
}

/** Projected volumes that request a service account token explicitly (serviceAccountToken sources). */
export function projectedTokenVolumes(workload: Workload): { name: string; path: Path }[] {
  const out: { name: string; path: Path }[] = [];
  asArray(workload.podSpec.volumes).forEach((item, index) => {
    const volume = asRecord(item);
    const sources = asArray(asRecord(volume?.projected)?.sources);
    sources.forEach((source, sourceIndex) => {
      if (asRecord(asRecord(source)?.serviceAccountToken)) {
        out.push({
          name: typeof volume?.name === 'string' ? volume.name : `#${index}`,
          path: [...workload.podSpecPath, 'volumes', index, 'projected', 'sources', sourceIndex, 'serviceAccountToken'],
        });
      }
    });
  });
  return out;
}
