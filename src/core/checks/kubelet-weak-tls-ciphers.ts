import { defineCheck } from '../model/check.js';
import { asArray } from '../model/values.js';
import { KUBELET_CONFIG_KINDS, kubeletConfigOf, settingPath, stringSetting } from '../kinds/kubelet.js';

/** Why a Go cipher suite name is weak, when it is one of the known weak families. */
/** The message saying what is wrong with a suite. */
function weakness(suite: string) {
  if (/_RC4_/.test(suite)) return 'rc4' as const;
  if (/_3DES_/.test(suite)) return 'tripleDes' as const;
  if (/^TLS_RSA_/.test(suite)) return 'rsaKeyExchange' as const;
  if (/_CBC_/.test(suite)) return 'cbc' as const;
  if (/_NULL_|_EXPORT_|_anon_/i.test(suite)) return 'unprotected' as const;
  return 'notAllowed' as const;
}

const WEAK_VERSIONS = new Set(['VersionTLS10', 'VersionTLS11']);

export default defineCheck({
  id: 'kubelet-weak-tls-ciphers',
  title: 'Kubelet allows weak TLS cipher suites or versions',
  severity: 'medium',
  category: 'control-plane',
  description:
    "Cipher suites with RC4, 3DES, CBC or RSA key exchange, or TLS 1.0 and 1.1, let an attacker on the path between the API server and the kubelet decrypt or tamper with exec sessions, logs and the credentials they carry. An unset tlsCipherSuites (the default) means Go's own defaults, which leave out the broken suites, and is reported only with requireCipherSuites; listed suites are ignored when tlsMinVersion is VersionTLS13, whose suites are not configurable.",
  remediation: 'Set tlsCipherSuites to ECDHE suites with AES-GCM or ChaCha20-Poly1305 only, and tlsMinVersion to VersionTLS12 or VersionTLS13.',
  references: [
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
    'https://pkg.go.dev/crypto/tls#pkg-constants',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['4.2.12'],
    nsa: ['Network separation: control plane hardening'],
    mitre: ['T1040'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: KUBELET_CONFIG_KINDS },
  options: {
    allowedCipherSuites: {
      type: 'string[]',
      default: [
        'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
        'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
        'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
        'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
        'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
        'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
        'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
        'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
        'TLS_AES_128_GCM_SHA256',
        'TLS_AES_256_GCM_SHA384',
        'TLS_CHACHA20_POLY1305_SHA256',
      ],
      description:
        'Cipher suites (Go names) that are not reported. The default is CIS 4.2.12\'s list without its two TLS_RSA_WITH_*_GCM suites, which lack forward secrecy; add them back for the benchmark\'s exact list.',
    },
    requireCipherSuites: {
      type: 'boolean',
      default: false,
      description: "Also report a configuration that leaves tlsCipherSuites unset (Go's defaults), as a strict reading of CIS 4.2.12 does.",
    },
  },
  messages: {
    weakVersion: 'tlsMinVersion is {{version}}: the kubelet accepts TLS versions with known weaknesses',
    suitesUnset: "tlsCipherSuites is not set: the kubelet accepts Go's default cipher suites",
    rc4: 'tlsCipherSuites allows {{suite}}: RC4 is broken',
    tripleDes: 'tlsCipherSuites allows {{suite}}: 3DES has 64-bit blocks (Sweet32)',
    rsaKeyExchange: 'tlsCipherSuites allows {{suite}}: RSA key exchange has no forward secrecy',
    cbc: 'tlsCipherSuites allows {{suite}}: CBC mode invites padding-oracle attacks',
    unprotected: 'tlsCipherSuites allows {{suite}}: it does not protect the traffic',
    notAllowed: 'tlsCipherSuites allows {{suite}}: it is not in the allowed list',
  },
  *evaluate({ resource, options }) {
    const view = kubeletConfigOf(resource);
    if (!view) return;
    const minVersion = stringSetting(view, ['tlsMinVersion']);
    if (minVersion.value !== undefined && WEAK_VERSIONS.has(minVersion.value)) {
      yield { path: minVersion.path, messageId: 'weakVersion', data: { version: minVersion.value } };
    }
    if (minVersion.value === 'VersionTLS13') return;
    const suites = view.config.tlsCipherSuites;
    if (!Array.isArray(suites) || suites.length === 0) {
      if (options.requireCipherSuites) yield { path: settingPath(view, ['tlsCipherSuites']), messageId: 'suitesUnset' };
      return;
    }
    const allowed = new Set(options.allowedCipherSuites);
    for (const [index, item] of asArray(suites).entries()) {
      if (typeof item !== 'string' || allowed.has(item.trim())) continue;
      yield { path: settingPath(view, ['tlsCipherSuites', index]), messageId: weakness(item.trim()), data: { suite: item.trim() } };
    }
  },
});
