import { booleanFlag, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'etcd-client-cert-auth-disabled',
  title: 'etcd does not require client certificates',
  severity: 'high',
  component: 'etcd',
  description:
    'Without --client-cert-auth=true etcd serves any client that reaches its port: anyone on the network reads every Secret and rewrites any object, bypassing the API server\'s authentication, authorization and audit.',
  remediation: 'Set --client-cert-auth=true (or ETCD_CLIENT_CERT_AUTH=true) with --trusted-ca-file, and give the API server a client certificate (--etcd-certfile, --etcd-keyfile).',
  references: [
    'https://etcd.io/docs/v3.5/op-guide/security/',
    'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['2.2'], nsa: ['Network separation: control plane hardening', 'Authentication and authorization'] },
  enabledByDefault: true,
  options: {},
  evaluate: booleanFlag('client-cert-auth', { risky: false, defaultValue: false, consequence: 'any client that reaches etcd can read and write all cluster data' }),
});
