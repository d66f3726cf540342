import { defineFlagCheck, requiredFlags } from './support/flag-checks.js';
import { parseGoBool } from '../control-plane/flags.js';

export default defineFlagCheck({
  id: 'etcd-client-tls-missing',
  title: 'etcd serves clients without a certificate',
  severity: 'high',
  component: 'etcd',
  description:
    'Without --cert-file and --key-file etcd serves clients over plain HTTP (or, with --auto-tls, a self-signed certificate nobody can verify): every Secret and object the API server stores crosses the network readable and alterable.',
  remediation: 'Set --cert-file and --key-file (or ETCD_CERT_FILE and ETCD_KEY_FILE) to a certificate signed by the etcd CA, and serve https:// client URLs.',
  references: [
    'https://etcd.io/docs/v3.5/op-guide/security/',
    'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['2.1'], nsa: ['Network separation: control plane hardening'], mitre: ['T1040'] },
  enabledByDefault: true,
  options: {},
  evaluate: function* (invocation) {
    // Without certificates etcd serves plain HTTP, or with --auto-tls a self-signed certificate generated at start.
    const auto = invocation.flag('auto-tls');
    const autoTls = auto.state === 'set' && auto.setting.value !== undefined && parseGoBool(auto.setting.value) === true;
    yield* requiredFlags(['cert-file', 'key-file'], autoTls ? 'it uses a self-signed certificate generated at start (--auto-tls)' : 'clients connect over plain HTTP')(invocation);
  },
});
