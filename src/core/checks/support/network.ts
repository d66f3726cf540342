import type { Inventory } from '../../inventory/inventory.js';
import type { Path } from '../../model/location.js';
import type { Resource } from '../../model/resource.js';
import type { NetworkAnalysis } from '../../network/analysis.js';
import { networkAnalysis, operatorPodsByNamespace, podLabelsByNamespace } from '../../network/analyses.js';
import { serviceExposure } from '../../network/exposure.js';
import { isNetworkPolicy, parsePolicy, type ParsedPolicy } from '../../network/model.js';
import { asArray, asRecord, asString } from '../../model/values.js';

/** The network model of the scanned objects, built once per inventory and shared by the network checks. */
export function networkAnalysisOf(inventory: Inventory): NetworkAnalysis {
  return inventory.get(networkAnalysis);
}

/** By the object's content (an incremental inventory keeps the Resource of an identity and replaces its object). */
const parsedPolicies = new WeakMap<object, ParsedPolicy>();

/**
 * The parsed form of a NetworkPolicy (undefined for other kinds or API groups), from the
 * object alone: the checks that only look at a policy's own rules need no inventory.
 */
export function parsedPolicyOf(resource: Resource): ParsedPolicy | undefined {
  if (!isNetworkPolicy(resource)) return undefined;
  let policy = parsedPolicies.get(resource.object);
  if (!policy) parsedPolicies.set(resource.object, (policy = parsePolicy(resource, [])));
  return policy;
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

/** How a Service is reachable from outside the cluster (`via`, and worded for messages), with the field that makes it so. */
export function exposureOf(service: Resource): { path: Path; how: string; via: string } | undefined {
  const exposure = serviceExposure(service);
  if (!exposure) return undefined;
  return { path: exposure.path, via: exposure.via, how: exposure.via === 'externalIPs' ? 'has external IPs' : `is of type ${exposure.via}` };
}
