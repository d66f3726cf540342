import { defineFlagCheck, requiredFlags } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-client-ca-missing',
  title: 'API server does not accept client certificates',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'Without --client-ca-file the API server authenticates no client by certificate, so kubelets and control-plane components cannot use the certificates TLS bootstrapping issues them and must rely on long-lived bearer tokens.',
  remediation: 'Set --client-ca-file to the cluster CA bundle (kubeadm: /etc/kubernetes/pki/ca.crt).',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.25'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  options: {},
  evaluate: requiredFlags(['client-ca-file'], 'no client can authenticate with a certificate'),
});
