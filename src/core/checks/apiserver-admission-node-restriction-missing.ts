import { admissionPluginRule, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-admission-node-restriction-missing',
  title: 'NodeRestriction admission plugin not enabled',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'NodeRestriction limits a kubelet\'s writes to its own Node object and the pods bound to it, and keeps it from setting node-restriction.kubernetes.io/ labels. Without it one node\'s credentials can modify other nodes and relabel its own to attract sensitive workloads.',
  remediation: 'Add NodeRestriction to --enable-admission-plugins, with Node in --authorization-mode.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#noderestriction',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.14'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  options: {},
  evaluate: admissionPluginRule('NodeRestriction', { riskyWhenEnabled: false, consequence: 'kubelets can modify other nodes and the pods bound to them' }),
});
