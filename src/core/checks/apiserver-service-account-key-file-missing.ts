import { defineFlagCheck, requiredFlags } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-service-account-key-file-missing',
  title: 'API server has no service account verification key',
  severity: 'low',
  component: 'kube-apiserver',
  description:
    'Without --service-account-key-file the API server verifies service account tokens with its TLS serving key (--tls-private-key-file), or not at all, so the token signing keys cannot be rotated apart from the serving certificate.',
  remediation: 'Set --service-account-key-file to the public key matching --service-account-signing-key-file (kubeadm: /etc/kubernetes/pki/sa.pub).',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.22'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  options: {},
  evaluate: requiredFlags(['service-account-key-file'], 'service account tokens are verified with the serving key, if at all'),
});
