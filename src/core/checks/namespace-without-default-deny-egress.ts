import { defineCheck } from '../model/check.js';
import { ignoreNamespacesOption } from './support/multi-tenancy.js';
import { namespaceName } from '../kinds/namespaces.js';
import { isDefaultDeny } from '../network/model.js';
import { networkAnalysisOf } from './support/network.js';
import { networkAnalysis } from '../network/analyses.js';

export default defineCheck({
  id: 'namespace-without-default-deny-egress',
  title: 'Namespace without a default-deny egress NetworkPolicy',
  severity: 'low',
  category: 'network',
  description:
    'Pods are non-isolated for egress until a policy selects them, so every new workload in the namespace starts wide open. A default deny is a NetworkPolicy with podSelector: {} whose policyTypes (as the API server defaults them: Ingress always, Egress only when spec.egress is non-empty) include Egress and which has no egress rules. Reported for each Namespace object scanned.',
  remediation:
    'Add a NetworkPolicy with podSelector: {}, policyTypes: [Egress] and no egress rules to the namespace. Pods then reach only the destinations other policies allow; remember to allow DNS (UDP and TCP 53 to the cluster resolver).',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['5.3.2'],
    nsa: ['Network separation: network policies'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['Namespace'] },
  reads: { analyses: [networkAnalysis], scope: 'cluster' },
  options: {
    ignoreNamespaces: ignoreNamespacesOption('a default-deny egress policy'),
  },
  messages: {
    missing: 'namespace "{{namespace}}" has no default-deny egress NetworkPolicy',
  },
  *evaluate({ resource, inventory, options }) {
    const name = namespaceName(resource.object);
    if (name === undefined || options.ignoreNamespaces.includes(name)) return;
    if (networkAnalysisOf(inventory).model.policiesIn(name).some((policy) => isDefaultDeny(policy, 'Egress'))) return;
    yield { path: ['metadata', 'name'], messageId: 'missing', data: { namespace: name } };
  },
});
