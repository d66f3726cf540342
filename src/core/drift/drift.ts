/**
 * Configuration drift of a set of objects: each desired object matched with its live object by
 * API group, kind, namespace and name, and compared (compare.ts). Pure.
 */
import { groupOf } from '../model/finding-key.js';
import { locate, type Position } from '../model/location.js';
import type { ObjectRef, Resource } from '../model/resource.js';
import { asArray, asRecord } from '../model/values.js';
import { compareObject, type FieldDrift } from './compare.js';

export type DriftStatus = 'drifted' | 'not-deployed' | 'not-desired' | 'in-sync';

export interface ObjectDrift {
  status: DriftStatus;
  /** group/kind/namespace/name; apiVersion of the desired object (or the live one when none is desired) */
  object: ObjectRef & { group: string };
  /** where the desired object was read (file, rendered template); absent for not-desired */
  desiredAt?: Resource['origin'];
  fields: FieldDrift[];
  /** where each field is in the desired file (the field, or its nearest parent the manifest has), when positions are known */
  positions?: Array<Position | undefined>;
  /** what of it was not compared, and why (a Secret's data) */
  notCompared?: string;
}

export interface DriftResult {
  objects: ObjectDrift[];
  /** counts by status */
  counts: Record<DriftStatus, number>;
  /** true when any object drifted, is not deployed, or (with prune) is live but not desired */
  drift: boolean;
}

export interface DriftOptions {
  /**
   * Also report live objects that no desired object matches (kubectl apply --prune): only of
   * the namespaced kinds the desired objects have, in the namespaces they are in; objects a
   * controller owns, and those the control plane makes in every namespace, are left out.
   * Cluster-scoped objects are never reported (every cluster has Namespaces, ClusterRoles...
   * that no application's manifests describe).
   */
  prune?: boolean;
}


function identity(ref: ObjectRef): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** Made in every namespace by the control plane, never by a manifest. */
function controlPlaneMade(resource: Resource): boolean {
  const { kind, name } = resource.ref;
  return (kind === 'ServiceAccount' && name === 'default') || (kind === 'ConfigMap' && name === 'kube-root-ca.crt');
}

function ownedByController(resource: Resource): boolean {
  return asArray(asRecord(resource.object.metadata)?.ownerReferences).some((owner) => asRecord(owner)?.controller === true);
}

/** Sorted by group, kind, namespace, name: the same order every run. */
function byIdentity(a: ObjectDrift, b: ObjectDrift): number {
  const x = identity(a.object);
  const y = identity(b.object);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Desired refs carry their namespace already (a manifest without one takes the default
 * namespace, as `kubectl apply -n` gives it). A desired object given twice is compared once,
 * the last one winning, as a second apply would.
 */
export function compareDesired(desired: readonly Resource[], live: readonly Resource[], options: DriftOptions = {}): DriftResult {
  const liveById = new Map<string, Resource>();
  for (const resource of live) liveById.set(identity(resource.ref), resource);
  const desiredById = new Map<string, Resource>();
  for (const resource of desired) desiredById.set(identity(resource.ref), resource);
  const objects: ObjectDrift[] = [];
  for (const [id, resource] of desiredById) {
    const object = { ...resource.ref, group: groupOf(resource.ref.apiVersion) };
    const match = liveById.get(id);
    if (!match) {
      objects.push({ status: 'not-deployed', object, desiredAt: resource.origin, fields: [] });
      continue;
    }
    const { fields, at, notCompared } = compareObject(resource.object, match.object);
    const positions = at.map((path) => locate(resource.object, path).position);
    objects.push({ status: fields.length > 0 ? 'drifted' : 'in-sync', object, desiredAt: resource.origin, fields, ...(positions.some((position) => position !== undefined) ? { positions } : {}), ...(notCompared ? { notCompared } : {}) });
  }
  if (options.prune) {
    const kinds = new Set(desired.map((resource) => `${groupOf(resource.ref.apiVersion)}/${resource.ref.kind}`));
    const namespaces = new Set(desired.map((resource) => resource.ref.namespace ?? ''));
    for (const resource of live) {
      if (desiredById.has(identity(resource.ref))) continue;
      if (!kinds.has(`${groupOf(resource.ref.apiVersion)}/${resource.ref.kind}`)) continue;
      if (resource.ref.namespace === undefined || !namespaces.has(resource.ref.namespace)) continue;
      if (ownedByController(resource) || controlPlaneMade(resource)) continue;
      objects.push({ status: 'not-desired', object: { ...resource.ref, group: groupOf(resource.ref.apiVersion) }, fields: [] });
    }
  }
  objects.sort(byIdentity);
  const counts: Record<DriftStatus, number> = { drifted: 0, 'not-deployed': 0, 'not-desired': 0, 'in-sync': 0 };
  for (const object of objects) counts[object.status] += 1;
  return { objects, counts, drift: counts.drifted + counts['not-deployed'] + counts['not-desired'] > 0 };
}
