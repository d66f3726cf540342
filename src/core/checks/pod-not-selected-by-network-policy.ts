import { defineCheck } from '../model/check.js';
import { ignoreNamespacesOption } from './support/multi-tenancy.js';
import { networkAnalysisOf } from './support/network.js';
import { hasControllerOwner } from './support/ownership.js';
import { networkAnalysis } from '../network/analyses.js';

export default defineCheck({
  id: 'pod-not-selected-by-network-policy',
  title: 'Pods not selected by any NetworkPolicy',
  severity: 'medium',
  category: 'network',
  description:
    'A pod that no NetworkPolicy selects is not isolated: it accepts connections from every pod in the cluster and can reach anything. To stay quiet on bundles that leave network policy to someone else, a namespace with no policy at all is reported only when the scanned objects hold some NetworkPolicy or declare that Namespace; hostNetwork pods, which NetworkPolicy cannot isolate, are skipped.',
  remediation:
    "Add a default-deny NetworkPolicy (podSelector: {}) to the namespace and policies that allow only the traffic the workload needs, or label the pod template so an existing policy selects it.",
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['5.3.2'],
    nsa: ['Network separation: network policies'],
    mitre: ['T1046'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  reads: { kinds: ['Namespace', 'NetworkPolicy'], analyses: [networkAnalysis], scope: 'cluster' },
  options: {
    ignoreNamespaces: ignoreNamespacesOption('their pods selected by a NetworkPolicy'),
  },
  messages: {
    podNotSelected: 'no NetworkPolicy in namespace "{{namespace}}" selects Pod "{{name}}": it accepts traffic from anywhere',
    podsNotSelected: 'no NetworkPolicy in namespace "{{namespace}}" selects the pods of {{kind}} "{{name}}": they accept traffic from anywhere',
    podNoPolicy: 'namespace "{{namespace}}" has no NetworkPolicy: Pod "{{name}}" accepts traffic from anywhere',
    podsNoPolicy: 'namespace "{{namespace}}" has no NetworkPolicy: the pods of {{kind}} "{{name}}" accept traffic from anywhere',
  },
  *evaluate({ resource, workload, inventory, options }) {
    if (!workload || workload.kind === 'PodTemplate' || workload.podSpec.hostNetwork === true) return;
    // Pods and ReplicaSets of a controller are reported on the controller.
    if (hasControllerOwner(resource.object)) return;
    const namespace = resource.ref.namespace ?? 'default';
    if (options.ignoreNamespaces.includes(namespace)) return;
    const { model } = networkAnalysisOf(inventory);
    const podClass = model.classOf(resource);
    if (!podClass) return;
    const policies = model.policiesIn(namespace);
    const path = [...workload.podMetadataPath, 'labels'];
    const pod = resource.ref.kind === 'Pod';
    const data = { namespace, kind: resource.ref.kind, name: resource.ref.name };
    if (policies.length > 0) {
      if (policies.some((policy) => policy.selects(podClass.labels))) return;
      yield { path, messageId: pod ? 'podNotSelected' : 'podsNotSelected', data };
      return;
    }
    const declared = inventory.find('Namespace', undefined, namespace) !== undefined;
    if (!declared && inventory.ofKind('NetworkPolicy').length === 0) return;
    yield { path, messageId: pod ? 'podNoPolicy' : 'podsNoPolicy', data };
  },
});
