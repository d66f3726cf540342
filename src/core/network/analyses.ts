/**
 * The network model of an inventory and the per-namespace indexes the network checks share,
 * as analyses: built once, rebuilt when an object they read changes.
 */
import { ANY_KIND, defineAnalysis, keyed, NO_CONTRIBUTION } from '../inventory/analysis.js';
import { WORKLOAD_KINDS } from '../kinds/pod-spec.js';
import { asStringRecord } from '../model/values.js';
import { analyzeNetwork, type NetworkAnalysis } from './analysis.js';
import { buildNetworkModel, networkModelMember, networkModelReads } from './model.js';
import { extractWorkload } from '../kinds/pod-spec.js';
import type { Resource } from '../model/resource.js';

/** What the network model is built from; it also collects every namespace in use, hence ANY_KIND. */
export const NETWORK_MODEL_KINDS: readonly string[] = ['Namespace', 'NetworkPolicy', ...WORKLOAD_KINDS];

export const networkAnalysis = defineAnalysis<NetworkAnalysis>({
  id: 'network/analysis',
  reads: [...NETWORK_MODEL_KINDS, ANY_KIND],
  scope: 'cluster',
  significant: networkModelReads,
  member: (resource, inventory) => networkModelMember(resource, (item) => inventory.workloadOf(item)),
  build: (inventory) => analyzeNetwork(buildNetworkModel(inventory.resources)),
});

/** Pod label sets of the workloads of a namespace (PodTemplates run nothing and are left out). */
export const podLabelsByNamespace = defineAnalysis<(namespace: string) => Array<Record<string, string>>>({
  id: 'network/pod-labels',
  reads: WORKLOAD_KINDS,
  scope: 'namespace',
  significant: (resource) => extractWorkload(resource.object)?.podMetadata.labels ?? null,
  // Its consumers ask whether any label set of the namespace matches a selector.
  member: (resource, inventory) => {
    const workload = inventory.workloadOf(resource);
    return !workload || workload.kind === 'PodTemplate' ? NO_CONTRIBUTION : asStringRecord(workload.podMetadata.labels);
  },
  build: (inventory) =>
    keyed((namespace: string) => {
      const out: Array<Record<string, string>> = [];
      for (const candidate of inventory.ofKindsIn(WORKLOAD_KINDS, namespace)) {
        const workload = inventory.workloadOf(candidate);
        if (!workload || workload.kind === 'PodTemplate') continue;
        out.push(asStringRecord(workload.podMetadata.labels));
      }
      return out;
    }),
});

/**
 * Whether a namespace holds custom resources (an API group with a dot that is not a
 * *.k8s.io group) from which an operator may create pods that no scanned template describes.
 */
export const operatorPodsByNamespace = defineAnalysis<(namespace: string) => boolean>({
  id: 'network/operator-pods',
  reads: [ANY_KIND],
  scope: 'namespace',
  significant: (resource) => ({ apiVersion: resource.ref.apiVersion, workload: extractWorkload(resource.object) !== undefined }),
  member: (resource, inventory) => (mayRunOperatorPods(resource, inventory.workloadOf(resource) !== undefined) ? 'operator resource' : NO_CONTRIBUTION),
  build: (inventory) => keyed((namespace: string) => inventory.inNamespace(namespace).some((resource) => mayRunOperatorPods(resource, inventory.workloadOf(resource) !== undefined))),
});

function mayRunOperatorPods(resource: Resource, isWorkload: boolean): boolean {
  const slash = resource.ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : resource.ref.apiVersion.slice(0, slash);
  return group.includes('.') && !group.endsWith('.k8s.io') && !isWorkload;
}
