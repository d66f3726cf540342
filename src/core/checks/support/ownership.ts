import { WORKLOAD_KINDS } from '../../kinds/pod-spec.js';
import type { KubeObject } from '../../model/resource.js';
import { metadataOf } from '../../model/resource.js';
import { asArray, asRecord } from '../../model/values.js';

/** Objects a team deploys and should own: every workload kind, Services and Namespaces. */
export const OWNED_KINDS: readonly string[] = [...WORKLOAD_KINDS, 'Namespace', 'Service'].sort();

/** True when an owner reference has `controller: true` (a ReplicaSet, Job, DaemonSet... manages the object). */
export function hasControllerOwner(object: KubeObject): boolean {
  return asArray(metadataOf(object).ownerReferences).some((reference) => asRecord(reference)?.controller === true);
}

/** A non-empty string value of a labels or annotations map. */
export function hasNonEmpty(map: unknown, key: string): boolean {
  const value = asRecord(map)?.[key];
  return value !== undefined && value !== null && String(value).trim() !== '';
}
