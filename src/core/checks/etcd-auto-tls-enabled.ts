import { booleanFlag, defineFlagCheck } from './support/flag-checks.js';
import { isConfigured } from '../control-plane/flags.js';

const autoTls = booleanFlag('auto-tls', { risky: true, defaultValue: false, consequence: 'clients get a self-signed certificate they cannot verify' });

export default defineFlagCheck({
  id: 'etcd-auto-tls-enabled',
  title: 'etcd serves clients a self-signed certificate',
  severity: 'medium',
  component: 'etcd',
  description:
    'With --auto-tls=true and no --cert-file etcd generates a self-signed certificate for client connections at start; clients cannot verify it, so anyone in the path can pose as etcd.',
  remediation: 'Remove --auto-tls (or set it to false) and give etcd a certificate signed by the etcd CA with --cert-file and --key-file.',
  references: [
    'https://etcd.io/docs/v3.5/op-guide/security/',
    'https://etcd.io/docs/v3.5/op-guide/configuration/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['2.3'], nsa: ['Network separation: control plane hardening'] },
  enabledByDefault: true,
  options: {},
  evaluate: function* (invocation) {
    // etcd ignores --auto-tls when --cert-file or --key-file is given.
    if (isConfigured(invocation.flag('cert-file')) !== false || isConfigured(invocation.flag('key-file')) !== false) return;
    yield* autoTls(invocation);
  },
});
