import { SAFE_SYSCTLS } from '../../pod-security/sysctls.js';
import { celString, celStrings, type VapTranslation } from './translation.js';

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
        expression: `variables.podSecurityContext.?sysctls.orValue([]).all(s, s.name in ${celStrings([...SAFE_SYSCTLS])} || ${allowedBy(patterns, 's.name')} || ${allowedBy(patterns, dotted('s.name'))})`,
        message: 'the pod sets a sysctl outside the Pod Security safe set (names compared exactly)',
      },
    ];
  },
} satisfies VapTranslation;
