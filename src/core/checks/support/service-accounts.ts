import type { Inventory } from '../../inventory/inventory.js';
import type { Workload } from '../../kinds/pod-spec.js';
import type { Path } from '../../model/location.js';
import type { Resource } from '../../model/resource.js';
import { podServiceAccount } from '../../kinds/service-accounts.js';

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
