import type { Inventory } from '../../engine/inventory.js';
import type { Path } from '../../model/location.js';
import type { Resource } from '../../model/resource.js';
import type { NetworkAnalysis } from '../../network/analysis.js';
import { networkAnalysis, operatorPodsByNamespace, podLabelsByNamespace } from '../../network/analyses.js';
import { isNetworkPolicy, parsePolicy, type Direction, type ParsedPolicy } from '../../network/model.js';
import { asArray, asRecord, asString } from '../../model/values.js';

/** The network model of the scanned objects, built once per inventory and shared by the network checks. */
export function networkAnalysisOf(inventory: Inventory): NetworkAnalysis {
  return inventory.get(networkAnalysis);
}

const parsedPolicies = new WeakMap<Resource, ParsedPolicy>();

/**
 * The parsed form of a NetworkPolicy (undefined for other kinds or API groups), from the
 * object alone: the checks that only look at a policy's own rules need no inventory.
 */
export function parsedPolicyOf(resource: Resource): ParsedPolicy | undefined {
  if (!isNetworkPolicy(resource)) return undefined;
  let policy = parsedPolicies.get(resource);
  if (!policy) parsedPolicies.set(resource, (policy = parsePolicy(resource, [])));
  return policy;
}

/** A label selector with no requirement: `{}`, or missing where the field is a plain struct (NetworkPolicy podSelector). */
export function isEmptySelector(selector: unknown): boolean {
  const record = asRecord(selector);
  if (!record) return true;
  return Object.keys(asRecord(record.matchLabels) ?? {}).length === 0 && asArray(record.matchExpressions).length === 0;
}

/**
 * A default deny for one direction: a policy selecting every pod of its
 * namespace (`podSelector: {}`) that isolates that direction (policyTypes as
 * the API server defaults them) and allows nothing in it (no rules of that type).
 */
export function isDefaultDeny(policy: ParsedPolicy, direction: Direction): boolean {
  if (!isEmptySelector(policy.podSelector) || !policy.isolates[direction]) return false;
  return (direction === 'Ingress' ? policy.ingress : policy.egress).length === 0;
}

/** A Service's type, defaulting as the API server does (ClusterIP). */
export function serviceType(service: Resource): string {
  return asString(asRecord(service.object.spec)?.type) ?? 'ClusterIP';
}

/** A container port entry with its path. */
export interface ContainerPort {
  port: number;
  protocol: string;
  name: string | undefined;
  path: readonly (string | number)[];
}

/** Every numeric containerPort of the workload's containers (ephemeral containers cannot declare ports). */
export function containerPorts(container: { container: Record<string, unknown>; path: readonly (string | number)[] }): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const [index, item] of asArray(container.container.ports).entries()) {
    const entry = asRecord(item);
    if (!entry || typeof entry.containerPort !== 'number') continue;
    out.push({
      port: entry.containerPort,
      protocol: asString(entry.protocol) ?? 'TCP',
      name: asString(entry.name),
      path: [...container.path, 'ports', index, 'containerPort'],
    });
  }
  return out;
}

/**
 * Pod label sets of the workloads of one namespace in the inventory, for
 * "selects nothing" checks. PodTemplates run nothing and are left out.
 */
export function podLabelsIn(inventory: Inventory, namespace: string | undefined): Array<Record<string, string>> {
  if (namespace === undefined) return [];
  return inventory.get(podLabelsByNamespace)(namespace);
}

/**
 * True when the namespace holds custom resources (an API group with a dot
 * that is not a *.k8s.io group): an operator may create pods from them
 * (Prometheus, Alertmanager, database clusters...) that no scanned template
 * describes, so "selects no pod" cannot be concluded there.
 */
export function mayHoldOperatorPods(inventory: Inventory, namespace: string | undefined): boolean {
  if (namespace === undefined) return false;
  return inventory.get(operatorPodsByNamespace)(namespace);
}

/** How a Service is reachable from outside the cluster, with the field that makes it so. */
export function exposureOf(service: Resource): { path: Path; how: string } | undefined {
  const type = serviceType(service);
  if (type === 'NodePort' || type === 'LoadBalancer') return { path: ['spec', 'type'], how: `is of type ${type}` };
  if (type !== 'ExternalName' && asArray(asRecord(service.object.spec)?.externalIPs).length > 0) return { path: ['spec', 'externalIPs'], how: 'has external IPs' };
  return undefined;
}

/** Backend Service names of an Ingress (networking.k8s.io/v1 and the removed v1beta1 shape), with their paths. */
export function ingressBackends(spec: Record<string, unknown>): Array<{ name: string; path: Path }> {
  const out: Array<{ name: string; path: Path }> = [];
  const add = (backend: unknown, path: Path) => {
    const record = asRecord(backend);
    if (!record) return;
    const v1 = asString(asRecord(record.service)?.name);
    if (v1 !== undefined) out.push({ name: v1, path: [...path, 'service', 'name'] });
    else if (asString(record.serviceName) !== undefined) out.push({ name: asString(record.serviceName)!, path: [...path, 'serviceName'] });
  };
  add(spec.defaultBackend, ['spec', 'defaultBackend']);
  add(spec.backend, ['spec', 'backend']);
  for (const [ruleIndex, rule] of asArray(spec.rules).entries()) {
    for (const [pathIndex, item] of asArray(asRecord(asRecord(rule)?.http)?.paths).entries()) {
      add(asRecord(item)?.backend, ['spec', 'rules', ruleIndex, 'http', 'paths', pathIndex, 'backend']);
    }
  }
  return out;
}
