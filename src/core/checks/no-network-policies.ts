import type { Inventory } from '../inventory/inventory.js';
import { ANY_KIND, defineAnalysis, existenceOnly, keyed, NO_CONTRIBUTION } from '../inventory/analysis.js';
import { extractWorkload } from '../kinds/pod-spec.js';
import { WORKLOAD_KINDS } from '../kinds/pod-spec.js';
import { defineCheck } from '../model/check.js';
import type { Resource } from '../model/resource.js';
import { hasControllerOwner } from './support/ownership.js';
import { shortList } from './support/rbac.js';

/** Orders resources by (namespace, kind, name); earlier wins ties, so the choice is stable. */
function before(a: Resource, b: Resource): boolean {
  const left = [a.ref.namespace ?? '', a.ref.kind, a.ref.name];
  const right = [b.ref.namespace ?? '', b.ref.kind, b.ref.name];
  for (let index = 0; index < left.length; index++) {
    if (left[index]! !== right[index]!) return left[index]! < right[index]!;
  }
  return false;
}

/** The workloads that run pods of their own (controller-owned objects and PodTemplates are reported through their owner), sorted by namespace, kind and name. */
function openWorkloads(inventory: Inventory): Resource[] {
  const out: Resource[] = [];
  for (const resource of inventory.ofKinds(WORKLOAD_KINDS)) {
    const workload = inventory.workloadOf(resource);
    if (!workload || workload.kind === 'PodTemplate' || hasControllerOwner(resource.object)) continue;
    out.push(resource);
  }
  return out.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}

/**
 * The one object the finding goes on: the Namespace whose name sorts first,
 * or, when no Namespace is scanned and workloads may stand in, the workload
 * that sorts first by namespace, kind and name.
 */
function anchorOf(inventory: Inventory, useWorkloads: boolean): { anchor: Resource | undefined; open: Resource[] } {
  let best: Resource | undefined;
  for (const namespace of inventory.ofKind('Namespace')) if (!best || before(namespace, best)) best = namespace;
  if (best || !useWorkloads) return { anchor: best, open: [] };
  const open = openWorkloads(inventory);
  return { anchor: open[0], open };
}

/** Whether any object of the given policy kinds (a comma-separated list) is among the scanned objects. */
const anyPolicyOfKinds = defineAnalysis({
  id: 'network/any-policy',
  // The policy kinds are an option (custom resources among them): any kind may count.
  reads: ['NetworkPolicy', ANY_KIND],
  scope: 'cluster',
  significant: existenceOnly,
  // Whether any object of a policy kind exists: another of its kind in its namespace keeps the answer.
  member: (resource, _inventory, options) => (Array.isArray(options?.policyKinds) && !options.policyKinds.includes(resource.ref.kind) ? NO_CONTRIBUTION : resource.ref.kind),
  build: (inventory) => keyed((kinds: string) => kinds.split(',').some((kind) => inventory.ofKind(kind).length > 0)),
});

/** The object the finding goes on, without and with workloads standing in for Namespaces, and the workloads left open. */
const noPolicyAnchor = defineAnalysis({
  id: 'network/no-policy-anchor',
  reads: ['Namespace', ...WORKLOAD_KINDS],
  scope: 'cluster',
  // Which workloads run pods of their own: the pod spec's presence and kind, and a controller owner.
  significant: (resource) => (resource.ref.kind === 'Namespace' ? null : { workload: extractWorkload(resource.object)?.kind ?? null, owned: hasControllerOwner(resource.object) }),
  // Open workloads are named in the finding; the others (controller-owned, PodTemplates) add nothing.
  member: (resource, inventory) => {
    if (resource.ref.kind === 'Namespace') return undefined;
    const workload = inventory.workloadOf(resource);
    return !workload || workload.kind === 'PodTemplate' || hasControllerOwner(resource.object) ? NO_CONTRIBUTION : undefined;
  },
  build: (inventory) => keyed((useWorkloads: boolean) => anchorOf(inventory, useWorkloads)),
});

export default defineCheck({
  id: 'no-network-policies',
  title: 'No NetworkPolicy in the cluster',
  severity: 'medium',
  category: 'network',
  description:
    'When not a single NetworkPolicy (or other policy kind the CNI enforces) exists, no pod is isolated: every pod accepts connections from every other pod and from anything that reaches the pod network, and nothing shows the CNI enforces policy at all; it is the first default the hardening guides warn about. Reported once per scan, not once per workload (the fix is one default-deny policy per namespace, not a change to each workload): on the Namespace whose name sorts first, or, in a scan without Namespace objects (a chart, an application bundle), on the workload that sorts first by namespace, kind and name, naming the workloads left open. Teams whose policies live in another repository set reportWithoutNamespaces to false.',
  remediation:
    'Confirm the CNI enforces NetworkPolicy (Calico, Cilium, Antrea...), then add a default-deny NetworkPolicy to every namespace and policies that allow only the traffic each workload needs.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['5.3.2'],
    nsa: ['Network separation: network policies'],
    mitre: ['T1046'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: [...WORKLOAD_KINDS, 'Namespace'].sort() },
  // How many Namespaces there are, nothing of their content.
  reads: { kinds: ['Namespace'], significant: existenceOnly, analyses: [anyPolicyOfKinds, noPolicyAnchor], scope: 'cluster' },
  options: {
    policyKinds: {
      type: 'string[]',
      default: [
        'AdminNetworkPolicy',
        'BaselineAdminNetworkPolicy',
        'CiliumClusterwideNetworkPolicy',
        'CiliumNetworkPolicy',
        'ClusterNetworkPolicy',
        'GlobalNetworkPolicy',
        'NetworkPolicy',
      ],
      description:
        'Kinds whose presence counts as network policy: Kubernetes NetworkPolicy (also the Calico and Antrea kinds of that name), AdminNetworkPolicy and BaselineAdminNetworkPolicy, Cilium, Calico GlobalNetworkPolicy and Antrea or Kubernetes ClusterNetworkPolicy.',
    },
    reportWithoutNamespaces: {
      type: 'boolean',
      default: true,
      description: 'Report scans that hold workloads but no Namespace object (an application bundle) too, on the first workload; false when the bundle\'s policies live in another repository.',
    },
  },
  messages: {
    oneNamespace: 'none of the scanned objects is a NetworkPolicy ({{count}} namespace): no pod is isolated, every pod accepts traffic from any source',
    namespaces: 'none of the scanned objects is a NetworkPolicy ({{count}} namespaces): no pod is isolated, every pod accepts traffic from any source',
    workloads: 'none of the scanned objects is a NetworkPolicy: no pod is isolated, every pod accepts traffic from any source; {{count}} workloads left open: {{workloads}}',
    oneWorkload: 'none of the scanned objects is a NetworkPolicy: no pod is isolated, every pod accepts traffic from any source; the workload left open: {{workloads}}',
  },
  *evaluate({ resource, inventory, options }) {
    const kinds = options.policyKinds;
    const hasPolicy = inventory.get(anyPolicyOfKinds)(kinds.join(','));
    if (hasPolicy) return;
    const { anchor, open } = inventory.get(noPolicyAnchor)(options.reportWithoutNamespaces);
    if (anchor !== resource) return;
    const namespaces = inventory.ofKind('Namespace').length;
    if (namespaces > 0) {
      yield { path: ['metadata', 'name'], messageId: namespaces === 1 ? 'oneNamespace' : 'namespaces', data: { count: namespaces } };
      return;
    }
    const workloads = shortList(open.map((item) => `${item.ref.kind} ${item.ref.namespace ?? 'default'}/${item.ref.name}`));
    yield { path: ['metadata', 'name'], messageId: open.length === 1 ? 'oneWorkload' : 'workloads', data: { count: open.length, workloads } };
  },
});
