import { booleanFlag, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'etcd-peer-client-cert-auth-disabled',
  title: 'etcd does not authenticate its peers',
  severity: 'medium',
  component: 'etcd',
  description:
    'Without --peer-client-cert-auth=true etcd accepts connections on its peer port from anyone who reaches it, with no certificate from the peer CA, leaving the replication channel open to impersonation.',
  remediation: 'Set --peer-client-cert-auth=true (or ETCD_PEER_CLIENT_CERT_AUTH=true) with --peer-trusted-ca-file.',
  references: [
    'https://etcd.io/docs/v3.5/op-guide/security/',
    'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['2.5'], nsa: ['Network separation: control plane hardening', 'Authentication and authorization'] },
  enabledByDefault: true,
  options: {},
  evaluate: booleanFlag('peer-client-cert-auth', { risky: false, defaultValue: false, consequence: 'anyone who reaches the peer port is accepted as a member' }),
});
