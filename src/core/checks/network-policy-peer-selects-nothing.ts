import { ANY_KIND, defineAnalysis, existenceOnly, IN_NAMESPACE } from '../inventory/analysis.js';
import { defineCheck } from '../model/check.js';
import type { Path } from '../model/location.js';
import { mayHoldOperatorPods, networkAnalysisOf, parsedPolicyOf } from './support/network.js';
import { networkAnalysis, operatorPodsByNamespace } from '../network/analyses.js';

/** Every namespace the objects use is declared by a Namespace object: the scan looks complete. */
const namespacesComplete = defineAnalysis({
  id: 'network/namespaces-complete',
  // The namespaces in use come from objects of every kind.
  reads: ['Namespace', ANY_KIND],
  scope: 'cluster',
  significant: existenceOnly,
  member: (resource) => (resource.ref.kind === 'Namespace' ? undefined : IN_NAMESPACE),
  build: (inventory) => inventory.ofKind('Namespace').length > 0 && [...inventory.namespaces].every((name) => inventory.find('Namespace', undefined, name) !== undefined),
});

export default defineCheck({
  id: 'network-policy-peer-selects-nothing',
  title: 'NetworkPolicy peer selects nothing',
  severity: 'low',
  category: 'network',
  description:
    'A from/to peer whose namespaceSelector matches no namespace, or whose podSelector matches no pod, allows nothing: the traffic it was written for stays blocked, or an AND was meant as an OR, or a label is misspelt. A namespaceSelector is judged only when the scan declares (Namespace objects) every namespace its objects use, as a cluster scan does; a podSelector only where the scanned objects hold workloads of each namespace concerned and no custom resources (an operator may create the pods).',
  remediation: 'Fix the peer\'s selectors so they match the labels of the namespaces (kubernetes.io/metadata.name is always set) and pod templates meant, or remove the peer.',
  references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors'],
  standards: {
    nsa: ['Network separation: network policies'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['NetworkPolicy'] },
  reads: { analyses: [namespacesComplete, networkAnalysis, operatorPodsByNamespace], scope: 'cluster' },
  options: {},
  messages: {
    noNamespace: '{{field}}[{{peer}}] of {{direction}} rule {{rule}}: namespaceSelector matches no namespace',
    noPodInOwnNamespace: '{{field}}[{{peer}}] of {{direction}} rule {{rule}}: podSelector matches no pod template in namespace "{{namespace}}"',
    noPodInSelectedNamespace: '{{field}}[{{peer}}] of {{direction}} rule {{rule}}: podSelector matches no pod template in namespace "{{namespace}}", the one its namespaceSelector matches',
    noPodInSelectedNamespaces: '{{field}}[{{peer}}] of {{direction}} rule {{rule}}: podSelector matches no pod template in the {{count}} namespaces its namespaceSelector matches',
  },
  *evaluate({ resource, inventory }) {
    const policy = parsedPolicyOf(resource);
    if (!policy) return;
    const analysis = networkAnalysisOf(inventory);
    // Namespace selectors are judged only when every namespace the objects use is declared: the scan then looks complete.
    const complete = inventory.get(namespacesComplete);
    for (const rule of [...policy.ingress, ...policy.egress]) {
      const field = rule.direction === 'Ingress' ? 'from' : 'to';
      for (const peer of rule.peers ?? []) {
        if (peer.type !== 'pods') continue;
        const path: Path = [...rule.path, field, peer.index];
        const data = { field, peer: peer.index, direction: rule.direction.toLowerCase(), rule: rule.index };
        const namespaces = peer.namespaceSelector ? analysis.selectedNamespaces(peer.namespaceSelector) : [policy.namespace];
        if (peer.namespaceSelector && namespaces.length === 0) {
          if (complete) yield { path: [...path, 'namespaceSelector'], messageId: 'noNamespace', data };
          continue;
        }
        if (analysis.peerClasses(peer, policy.namespace).length > 0) continue;
        const known = namespaces.every((namespace) => analysis.model.classesIn(namespace).length > 0 && !mayHoldOperatorPods(inventory, namespace));
        if (!known) continue;
        const at = [...path, 'podSelector'];
        if (!peer.namespaceSelector) yield { path: at, messageId: 'noPodInOwnNamespace', data: { ...data, namespace: policy.namespace } };
        else if (namespaces.length === 1) yield { path: at, messageId: 'noPodInSelectedNamespace', data: { ...data, namespace: String(namespaces[0]) } };
        else yield { path: at, messageId: 'noPodInSelectedNamespaces', data: { ...data, count: namespaces.length } };
      }
    }
  },
});
