import { defineCheck } from '../model/check.js';
import { isEmptySelector } from '../network/model.js';
import { mayHoldOperatorPods, networkAnalysisOf, parsedPolicyOf } from './support/network.js';
import { networkAnalysis, operatorPodsByNamespace } from '../network/analyses.js';

export default defineCheck({
  id: 'network-policy-selects-no-pods',
  title: 'NetworkPolicy selects no pod',
  severity: 'low',
  category: 'network',
  description:
    'A NetworkPolicy whose podSelector matches no pod template isolates nothing: the pods it was written for stay open, usually because of a label typo. Reported only when the scanned objects hold workloads in the policy\'s namespace and no custom resources there (an operator may create the pods).',
  remediation: 'Fix spec.podSelector so it matches the pod template labels of the workloads the policy is meant to protect.',
  references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource'],
  standards: {
    nsa: ['Network separation: network policies'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['NetworkPolicy'] },
  reads: { analyses: [networkAnalysis, operatorPodsByNamespace], scope: 'cluster' },
  options: {},
  messages: {
    noPods: 'podSelector matches no pod template in namespace "{{namespace}}"',
  },
  *evaluate({ resource, inventory }) {
    const policy = parsedPolicyOf(resource);
    if (!policy || isEmptySelector(policy.podSelector)) return;
    const classes = networkAnalysisOf(inventory).model.classesIn(policy.namespace);
    if (classes.length === 0 || mayHoldOperatorPods(inventory, resource.ref.namespace)) return;
    if (classes.some((podClass) => policy.selects(podClass.labels))) return;
    yield { path: ['spec', 'podSelector'], messageId: 'noPods', data: { namespace: String(resource.ref.namespace) } };
  },
});
