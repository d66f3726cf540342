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
  const controller = controllerReference(resource);
  return controller !== undefined && inventory.find(controller.kind, resource.ref.namespace, controller.name) !== undefined;
}

/** The kind and name of an object's controller (the ownerReference with controller: true), if any. */
export function controllerReference(resource: Resource): { kind: string; name: string } | undefined {
  for (const item of asArray(metadataOf(resource.object).ownerReferences)) {
    const owner = asRecord(item);
    const kind = asString(owner?.kind);
    const name = asString(owner?.name);
    if (owner?.controller === true && kind !== undefined && name !== undefined) return { kind, name };
  }
  return undefined;
}

/**
 * The object that stands for this one in findings: its controller's controller... as far as
 * they are in the inventory (a Pod of a ReplicaSet of a Deployment: the Deployment), else itself.
 */
export function topController(resource: Resource, inventory: Inventory): Resource {
  let current = resource;
  for (let depth = 0; depth < 8; depth++) {
    const reference = controllerReference(current);
    const owner = reference ? inventory.find(reference.kind, current.ref.namespace, reference.name) : undefined;
    if (!owner || owner === resource) return current;
    current = owner;
  }
  return current;
}

