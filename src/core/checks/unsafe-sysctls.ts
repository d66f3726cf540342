import { defineCheck } from '../model/check.js';
import { asArray, asRecord } from '../model/values.js';
import { SAFE_SYSCTLS } from '../pod-security/sysctls.js';

/** The kubelet accepts `/` as the separator (net/ipv4/tcp_syncookies) and converts it to dots. */
function withDots(name: string): string {
  const slash = name.indexOf('/');
  const dot = name.indexOf('.');
  if (slash < 0 || (dot >= 0 && dot < slash)) return name;
  return name.replace(/[./]/g, (separator) => (separator === '/' ? '.' : '/'));
}

/** Entries are exact names or a prefix ending in `*`, like the kubelet's --allowed-unsafe-sysctls. */
function allowedBy(patterns: readonly string[], name: string): boolean {
  return patterns.some((pattern) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern));
}

export default defineCheck({
  id: 'unsafe-sysctls',
  title: 'Pod sets an unsafe sysctl',
  severity: 'medium',
  category: 'pod-security',
  description:
    'Sysctls outside the safe set are not isolated between pods or can disable kernel protections; setting them affects other workloads on the node. The kubelet refuses them unless allowed with --allowed-unsafe-sysctls.',
  remediation: 'Remove the sysctl from spec.securityContext.sysctls, or tune it on the nodes; if the node must allow it, run the workload on dedicated, tainted nodes.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/',
  ],
  standards: {
    pss: { level: 'baseline', control: 'Sysctls' },
    nsa: ['Pod security: hardening container environments'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {
    allowedSysctls: {
      type: 'string[]',
      default: [],
      description: 'Sysctls to accept besides the Pod Security safe set (exact names, or a prefix ending in *), for example those your nodes allow with --allowed-unsafe-sysctls.',
    },
  },
  messages: {
    inexact: 'the pod sets the sysctl "{{name}}", which Pod Security rejects because it compares names exactly (write "{{dotted}}")',
    unsafe: 'the pod sets the sysctl "{{name}}", which is outside the Pod Security safe set',
  },
  *evaluate({ workload, options }) {
    if (!workload) return;
    const sysctls = asArray(workload.podSecurityContext.sysctls);
    for (let index = 0; index < sysctls.length; index++) {
      const name = asRecord(sysctls[index])?.name;
      if (typeof name !== 'string') continue;
      if (SAFE_SYSCTLS.has(name) || allowedBy(options.allowedSysctls, name) || allowedBy(options.allowedSysctls, withDots(name))) continue;
      const path = [...workload.podSecurityContextPath, 'sysctls', index, 'name'];
      yield { path, messageId: SAFE_SYSCTLS.has(withDots(name)) ? 'inexact' : 'unsafe', data: { name, dotted: withDots(name) } };
    }
  },
});
