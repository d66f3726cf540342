import { WORKLOAD_KINDS } from './pod-spec.js';
import { metadataOf, type KubeObject } from '../model/resource.js';

/** Namespaces the control plane owns. */
export const SYSTEM_NAMESPACES: readonly string[] = ['kube-node-lease', 'kube-public', 'kube-system'];

/**
 * Objects that must not live in `default` (CIS 5.7.4): workloads and the
 * namespaced objects an application brings. Guard rails (NetworkPolicy,
 * LimitRange, ResourceQuota) are welcome there and are not listed.
 */
export const TENANT_KINDS: readonly string[] = [
  ...WORKLOAD_KINDS,
  'ConfigMap',
  'Endpoints',
  'EndpointSlice',
  'HorizontalPodAutoscaler',
  'Ingress',
  'PersistentVolumeClaim',
  'PodDisruptionBudget',
  'Role',
  'RoleBinding',
  'Secret',
  'Service',
  'ServiceAccount',
].sort();

/** Objects the control plane itself keeps in every namespace, or in `default`. */
export function isBuiltInObject(kind: string, name: string): boolean {
  if (name === 'kubernetes' && (kind === 'Service' || kind === 'Endpoints' || kind === 'EndpointSlice')) return true;
  if (kind === 'ServiceAccount' && name === 'default') return true;
  if (kind === 'ConfigMap' && name === 'kube-root-ca.crt') return true;
  if (kind === 'Namespace' && name === 'default') return true;
  return false;
}

/** A Namespace object's name, or undefined when it has none. */
export function namespaceName(object: KubeObject): string | undefined {
  const name = metadataOf(object).name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}
