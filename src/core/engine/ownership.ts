import type { Resource } from '../model/resource.js';
import { metadataOf } from '../model/resource.js';
import { asArray, asRecord, asString } from '../model/values.js';
import type { Inventory } from '../inventory/inventory.js';

/**
 * Objects whose controller is among the scanned objects (Pods of a ReplicaSet,
 * ReplicaSets of a Deployment, Jobs of a CronJob) are reported on the
 * controller: evaluating them too would report one problem three times.
 */
export function ownedByScannedController(resource: Resource, inventory: Inventory): boolean {
  return asArray(metadataOf(resource.object).ownerReferences).some((item) => {
    const owner = asRecord(item);
    const kind = asString(owner?.kind);
    const name = asString(owner?.name);
    return owner?.controller === true && kind !== undefined && name !== undefined && inventory.find(kind, resource.ref.namespace, name) !== undefined;
  });
}
