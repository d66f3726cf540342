import { defineFlagCheck, requiredFlags } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'controller-manager-root-ca-missing',
  title: 'Controller manager does not publish the cluster CA',
  severity: 'low',
  component: 'kube-controller-manager',
  description:
    'The controller manager publishes --root-ca-file in every namespace\'s kube-root-ca.crt ConfigMap, which pods use to verify the API server. Unset, it publishes the CA data of its own kubeconfig, which may be empty or another CA, leaving pods unable to verify whom they talk to.',
  remediation: 'Set --root-ca-file to the cluster CA bundle (kubeadm: /etc/kubernetes/pki/ca.crt).',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/',
    'https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#root-ca-cert-publisher',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.3.5'], nsa: ['Network separation: control plane hardening'] },
  enabledByDefault: true,
  options: {},
  evaluate: requiredFlags(['root-ca-file'], "pods get the CA of the controller manager's kubeconfig, if any"),
});
