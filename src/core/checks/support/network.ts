import type { Inventory } from '../../engine/inventory.js';
import type { Path } from '../../model/location.js';
import type { Resource } from '../../model/resource.js';
import { analyzeNetwork, type NetworkAnalysis } from '../../network/analysis.js';
import { serviceExposure } from '../../network/exposure.js';
import { buildNetworkModel, type ParsedPolicy } from '../../network/model.js';
import { asArray, asRecord, asString, asStringRecord } from '../../model/values.js';

/** The network model of the scanned objects, built once per inventory and shared by the network checks. */
export function networkAnalysisOf(inventory: Inventory): NetworkAnalysis {
  return inventory.memo('network/analysis', () => analyzeNetwork(buildNetworkModel(inventory.resources)));
}

/** The parsed form of a scanned NetworkPolicy (undefined for other kinds or API groups). */
export function parsedPolicyOf(inventory: Inventory, resource: Resource): ParsedPolicy | undefined {
  const byResource = inventory.memo('network/policies-by-resource', () => new Map(networkAnalysisOf(inventory).model.policies.map((policy) => [policy.resource, policy])));
  return byResource.get(resource);
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
  return inventory.memo(`network/pod-labels/${namespace}`, () => {
    const out: Array<Record<string, string>> = [];
    for (const candidate of inventory.inNamespace(namespace)) {
      const workload = inventory.workloadOf(candidate);
      if (!workload || workload.kind === 'PodTemplate') continue;
      out.push(asStringRecord(workload.podMetadata.labels));
    }
    return out;
  });
}

/**
 * True when the namespace holds custom resources (an API group with a dot
 * that is not a *.k8s.io group): an operator may create pods from them
 * (Prometheus, Alertmanager, database clusters...) that no scanned template
 * describes, so "selects no pod" cannot be concluded there.
 */
export function mayHoldOperatorPods(inventory: Inventory, namespace: string | undefined): boolean {
  if (namespace === undefined) return false;
  return inventory.memo(`network/operator-pods/${namespace}`, () =>
    inventory.inNamespace(namespace).some((resource) => {
      const slash = resource.ref.apiVersion.indexOf('/');
      const group = slash < 0 ? '' : resource.ref.apiVersion.slice(0, slash);
      return group.includes('.') && !group.endsWith('.k8s.io') && inventory.workloadOf(resource) === undefined;
    }),
  );
}

/** How a Service is reachable from outside the cluster, worded for messages, with the field that makes it so. */
export function exposureOf(service: Resource): { path: Path; how: string } | undefined {
  const exposure = serviceExposure(service);
  if (!exposure) return undefined;
  return { path: exposure.path, how: exposure.via === 'externalIPs' ? 'has external IPs' : `is of type ${exposure.via}` };
}
