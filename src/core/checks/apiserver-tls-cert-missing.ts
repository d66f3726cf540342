import { defineFlagCheck, requiredFlags } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-tls-cert-missing',
  title: 'API server serves a self-signed certificate',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'Without --tls-cert-file and --tls-private-key-file the API server generates a self-signed certificate at start; clients cannot verify it, so they either fail or skip verification, and their traffic (credentials included) can be intercepted.',
  remediation: 'Set --tls-cert-file and --tls-private-key-file to a serving certificate signed by the cluster CA (kubeadm: /etc/kubernetes/pki/apiserver.crt and .key).',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/tasks/administer-cluster/securing-a-cluster/#use-transport-layer-security-tls-for-all-api-traffic',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.24'], nsa: ['Network separation: control plane hardening'] },
  enabledByDefault: true,
  options: {},
  evaluate: requiredFlags(['tls-cert-file', 'tls-private-key-file'], 'it serves a self-signed certificate generated at start'),
});
