import { defineFlagCheck, requiredFlags } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'etcd-trusted-ca-missing',
  title: 'etcd has no dedicated client CA',
  severity: 'medium',
  component: 'etcd',
  description:
    'Without --trusted-ca-file etcd verifies client certificates against the node\'s system trust store, so with --client-cert-auth a certificate from any CA the node trusts is accepted; etcd should trust a CA of its own.',
  remediation: 'Set --trusted-ca-file (or ETCD_TRUSTED_CA_FILE) to a CA used only for etcd (kubeadm: /etc/kubernetes/pki/etcd/ca.crt), and --peer-trusted-ca-file likewise.',
  references: [
    'https://etcd.io/docs/v3.5/op-guide/security/',
    'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['2.7'], nsa: ['Network separation: control plane hardening', 'Authentication and authorization'] },
  enabledByDefault: true,
  options: {},
  evaluate: requiredFlags(['trusted-ca-file'], 'client certificates from any CA the node trusts are accepted'),
});
