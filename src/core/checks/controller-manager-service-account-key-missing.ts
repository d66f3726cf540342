import { defineFlagCheck, requiredFlags } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'controller-manager-service-account-key-missing',
  title: 'Controller manager has no service account signing key',
  severity: 'low',
  component: 'kube-controller-manager',
  description:
    'Service account token Secrets should be signed with a dedicated key pair that can be rotated: the private key given to the controller manager with --service-account-private-key-file, the public key to the API server with --service-account-key-file. Without it the token controller signs nothing.',
  remediation: 'Set --service-account-private-key-file to the private key of the service account key pair (kubeadm: /etc/kubernetes/pki/sa.key).',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/',
    'https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#token-controller',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.3.4'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  options: {},
  evaluate: requiredFlags(['service-account-private-key-file'], 'service account tokens are not signed with a dedicated key'),
});
