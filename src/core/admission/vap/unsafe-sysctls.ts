import { celString, celStrings, type VapTranslation } from './translation.js';

/**
 * The Pod Security baseline safe set, as the check has it (src/core/checks/unsafe-sysctls.ts
 * keeps it private: on merge, move it to core/pod-security and import it from both).
 */
const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
];

/** The kubelet's dotted form of a name written with `/` (dots and slashes swap). */
function dotted(n: string): string {
  return `(${n}.indexOf('/') >= 0 && (${n}.indexOf('.') < 0 || ${n}.indexOf('/') < ${n}.indexOf('.')) ? ${n}.replace('.', '\\u0000').replace('/', '.').replace('\\u0000', '/') : ${n})`;
}

/** Exact names, or prefixes ending in `*`, like --allowed-unsafe-sysctls. */
function allowedBy(patterns: readonly string[], n: string): string {
  const tests = patterns.map((pattern) => (pattern.endsWith('*') ? `${n}.startsWith(${celString(pattern.slice(0, -1))})` : `${n} == ${celString(pattern)}`));
  return tests.length === 0 ? 'false' : tests.join(' || ');
}

export default {
  id: 'unsafe-sysctls',
  matches: 'workloads',
  validations: (options) => {
    const patterns = (options.allowedSysctls as readonly string[] | undefined) ?? [];
    return [
      {
        expression: `variables.podSecurityContext.?sysctls.orValue([]).all(s, s.name in ${celStrings(SAFE_SYSCTLS)} || ${allowedBy(patterns, 's.name')} || ${allowedBy(patterns, dotted('s.name'))})`,
        message: 'the pod sets a sysctl outside the Pod Security safe set (names compared exactly)',
      },
    ];
  },
} satisfies VapTranslation;
