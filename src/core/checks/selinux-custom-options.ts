import { defineCheck } from '../model/check.js';
import type { Path } from '../model/location.js';
import { asRecord } from '../model/values.js';
import { heirMessages, inheritedBy } from './support/inheritance.js';

/** SELinux types Pod Security baseline allows (container_engine_t since v1.31). */
const ALLOWED_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** The custom options of a seLinuxOptions: a type outside the allowed ones, any user or role. */
function* badOptions(options: Record<string, unknown>, path: Path): Generator<{ path: Path; field: 'type' | 'user' | 'role'; value: string }> {
  const type = options.type;
  if (type !== undefined && type !== null && !(typeof type === 'string' && ALLOWED_TYPES.has(type))) {
    yield { path: [...path, 'type'], field: 'type', value: String(type) };
  }
  for (const field of ['user', 'role'] as const) {
    const value = options[field];
    if (value !== undefined && value !== null && value !== '') {
      yield { path: [...path, field], field, value: String(value) };
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
  messages: {
    ...heirMessages({ podType: 'the pod sets the SELinux type "{{value}}"', podField: 'the pod sets the SELinux {{field}} "{{value}}"' }),
    containerType: 'container "{{container}}" sets the SELinux type "{{value}}"',
    containerField: 'container "{{container}}" sets the SELinux {{field}} "{{value}}"',
  },
  *evaluate({ workload }) {
    if (!workload) return;
    const podOptions = asRecord(workload.podSecurityContext.seLinuxOptions);
    for (const { path, field, value } of podOptions ? badOptions(podOptions, [...workload.podSecurityContextPath, 'seLinuxOptions']) : []) {
      yield { path, ...inheritedBy(field === 'type' ? 'podType' : 'podField', workload, 'seLinuxOptions', { field, value }) };
    }
    for (const container of workload.containers) {
      const options = asRecord(container.securityContext.seLinuxOptions);
      for (const { path, field, value } of options ? badOptions(options, [...container.securityContextPath, 'seLinuxOptions']) : []) {
        yield { path, messageId: field === 'type' ? 'containerType' : 'containerField', data: { container: container.name, field, value }, container: container.name };
      }
    }
  },
});
