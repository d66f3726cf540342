import { defineCheck, type Violation } from '../model/check.js';
import type { Path } from '../model/location.js';
import { asRecord } from '../model/values.js';
import { inheritedBy } from './support/inheritance.js';

/** SELinux types Pod Security baseline allows (container_engine_t since v1.31). */
const ALLOWED_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

function* badOptions(options: Record<string, unknown>, path: Path, who: string, container?: string, suffix = ''): Generator<Violation> {
  const extra = container === undefined ? {} : { container };
  const type = options.type;
  if (type !== undefined && type !== null && !(typeof type === 'string' && ALLOWED_TYPES.has(type))) {
    yield { path: [...path, 'type'], message: `${who} sets the SELinux type "${String(type)}"${suffix}`, ...extra };
  }
  for (const field of ['user', 'role'] as const) {
    const value = options[field];
    if (value !== undefined && value !== null && value !== '') {
      yield { path: [...path, field], message: `${who} sets the SELinux ${field} "${String(value)}"${suffix}`, ...extra };
    }
  }
}

export default defineCheck({
  id: 'selinux-custom-options',
  title: 'Custom SELinux type, user or role',
  severity: 'medium',
  category: 'pod-security',
  description:
    'SELinux confines containers with the container_t type; a custom type such as spc_t or unconfined_t, or a custom SELinux user or role, lifts that confinement and can give the process access to host files and devices.',
  remediation: 'Remove seLinuxOptions.type (or use container_t, container_init_t, container_kvm_t or container_engine_t) and remove seLinuxOptions.user and role; only level may be customized.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#assign-selinux-labels-to-a-container',
  ],
  standards: {
    pss: { level: 'baseline', control: 'SELinux' },
    nsa: ['Pod security: hardening container environments'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  *evaluate({ workload }) {
    if (!workload) return;
    const podOptions = asRecord(workload.podSecurityContext.seLinuxOptions);
    if (podOptions) yield* badOptions(podOptions, [...workload.podSecurityContextPath, 'seLinuxOptions'], 'the pod', undefined, inheritedBy(workload, 'seLinuxOptions'));
    for (const container of workload.containers) {
      const options = asRecord(container.securityContext.seLinuxOptions);
      if (options) yield* badOptions(options, [...container.securityContextPath, 'seLinuxOptions'], `container "${container.name}"`, container.name);
    }
  },
});
