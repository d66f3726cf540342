import { booleanFlag, defineFlagCheck } from './support/flag-checks.js';
import { isConfigured } from '../control-plane/flags.js';

const autoTls = booleanFlag('peer-auto-tls', { risky: true, defaultValue: false, consequence: 'members use self-signed certificates they cannot verify' });

export default defineFlagCheck({
  id: 'etcd-peer-auto-tls-enabled',
  title: 'etcd members use self-signed certificates',
  severity: 'medium',
  component: 'etcd',
  description:
    'With --peer-auto-tls=true and no --peer-cert-file etcd generates a self-signed certificate for peer connections at start; members cannot verify each other, so anyone in the path can join or read the replication traffic.',
  remediation: 'Remove --peer-auto-tls (or set it to false) and give each member a peer certificate signed by the etcd CA with --peer-cert-file and --peer-key-file.',
  references: [
    'https://etcd.io/docs/v3.5/op-guide/security/',
    'https://etcd.io/docs/v3.5/op-guide/configuration/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['2.6'], nsa: ['Network separation: control plane hardening'] },
  enabledByDefault: true,
  options: {},
  evaluate: function* (invocation) {
    // etcd ignores --peer-auto-tls when --peer-cert-file or --peer-key-file is given.
    if (isConfigured(invocation.flag('peer-cert-file')) !== false || isConfigured(invocation.flag('peer-key-file')) !== false) return;
    yield* autoTls(invocation);
  },
});
