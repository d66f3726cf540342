import { STRONG_CIPHER_SUITES, weakCipherSuites } from '../control-plane/semantics.js';
import { defineFlagCheck, subject } from './support/flag-checks.js';
import type { FlagSetting } from '../control-plane/flags.js';

export default defineFlagCheck({
  id: 'apiserver-weak-tls-cipher-suites',
  title: 'API server allows weak TLS cipher suites',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    '--tls-cipher-suites lists a suite outside the strong list: static-RSA key exchange (no forward secrecy), 3DES, RC4 or CBC with SHA-256, which Go and Kubernetes class as insecure. Without the flag Go\'s defaults apply; since Go 1.22 (Kubernetes 1.30) they hold strong suites only.',
  remediation: 'Set --tls-cipher-suites to strong suites only, e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://pkg.go.dev/crypto/tls#InsecureCipherSuites',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.29'], nsa: ['Network separation: control plane hardening'], mitre: ['T1040'] },
  enabledByDefault: true,
  options: {
    strongCipherSuites: {
      type: 'string[]',
      default: STRONG_CIPHER_SUITES,
      description: 'Suites considered strong: by default the list kube-apiserver calls preferred (CIS Benchmark v1.10; the v1.9 list also allowed the 3DES and static-RSA suites).',
    },
    reportUnset: { type: 'boolean', default: false, description: "Also report an API server without --tls-cipher-suites (Go's defaults held static-RSA suites before Go 1.22)." },
  },
  messages: {
    unset: "container \"{{container}}\" runs {{component}} without --tls-cipher-suites: the cipher suites are Go's defaults, which depend on the Go release the binary was built with",
    weakOne: 'container "{{container}}" runs {{component}} with --tls-cipher-suites listing {{suites}}, which is not in the strong list',
    weakSeveral: 'container "{{container}}" runs {{component}} with --tls-cipher-suites listing {{suites}}, which are not in the strong list',
  },
  evaluate: function* (invocation, options) {
    const weak = weakCipherSuites(invocation, options.strongCipherSuites);
    if (!weak) return;
    if (invocation.occurrences('tls-cipher-suites').length === 0) {
      if (options.reportUnset) yield { path: invocation.listPath, messageId: 'unset', data: subject(invocation) };
      return;
    }
    const bySetting = new Map<FlagSetting, string[]>();
    for (const { suite, setting } of weak) bySetting.set(setting, [...(bySetting.get(setting) ?? []), suite]);
    for (const [setting, suites] of bySetting) {
      yield { path: setting.valuePath, messageId: suites.length === 1 ? 'weakOne' : 'weakSeveral', data: { ...subject(invocation), suites: suites.join(', ') } };
    }
  },
});
