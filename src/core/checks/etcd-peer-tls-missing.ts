import { defineFlagCheck, requiredFlags } from './support/flag-checks.js';
import { parseGoBool } from '../control-plane/flags.js';

export default defineFlagCheck({
  id: 'etcd-peer-tls-missing',
  title: 'etcd members replicate without a certificate',
  severity: 'medium',
  component: 'etcd',
  description:
    'Without --peer-cert-file and --peer-key-file etcd members exchange the whole keyspace, Secrets included, over plain HTTP (or, with --peer-auto-tls, under a self-signed certificate nobody can verify).',
  remediation: 'Set --peer-cert-file and --peer-key-file (or ETCD_PEER_CERT_FILE and ETCD_PEER_KEY_FILE) to a peer certificate signed by the etcd CA, and use https:// peer URLs.',
  references: [
    'https://etcd.io/docs/v3.5/op-guide/security/',
    'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['2.4'], nsa: ['Network separation: control plane hardening'], mitre: ['T1040'] },
  enabledByDefault: true,
  options: {},
  evaluate: function* (invocation) {
    // Without certificates etcd serves plain HTTP, or with --peer-auto-tls a self-signed certificate generated at start.
    const auto = invocation.flag('peer-auto-tls');
    const autoTls = auto.state === 'set' && auto.setting.value !== undefined && parseGoBool(auto.setting.value) === true;
    yield* requiredFlags(['peer-cert-file', 'peer-key-file'], autoTls ? 'it uses a self-signed certificate generated at start (--peer-auto-tls)' : 'members replicate over plain HTTP')(invocation);
  },
});
