import { defineCheck } from '../model/check.js';
import { capabilityEntries, dropsReliably, isAllCapabilities, normalizeCapability } from '../pod-security/pods.js';

/** The option's names normalized, once per configured list (not once per object). */
const normalizedSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function dangerousSet(capabilities: readonly string[]): ReadonlySet<string> {
  let set = normalizedSets.get(capabilities);
  if (!set) normalizedSets.set(capabilities, (set = new Set(capabilities.map(normalizeCapability))));
  return set;
}

export default defineCheck({
  id: 'dangerous-capabilities',
  title: 'Container adds a dangerous capability',
  severity: 'high',
  category: 'pod-security',
  description:
    'Some capabilities are close to root on the node: SYS_ADMIN mounts file systems and escapes through cgroups, SYS_MODULE loads kernel modules, SYS_PTRACE and DAC_READ_SEARCH read other processes and host files, NET_ADMIN reconfigures the network, BPF and PERFMON reach into the kernel.',
  remediation: 'Remove the capability from securityContext.capabilities.add; if the workload truly needs it, isolate it on dedicated nodes and document the exception.',
  references: [
    'https://man7.org/linux/man-pages/man7/capabilities.7.html',
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
  ],
  standards: {
    cis: ['5.2.9'],
    nsa: ['Pod security: hardening container environments'],
    mitre: ['T1611', 'T1068'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {
    capabilities: {
      type: 'string[]',
      default: [
        'ALL',
        'BPF',
        'DAC_READ_SEARCH',
        'MAC_ADMIN',
        'MAC_OVERRIDE',
        'NET_ADMIN',
        'PERFMON',
        'SYS_ADMIN',
        'SYS_BOOT',
        'SYS_MODULE',
        'SYS_PTRACE',
        'SYS_RAWIO',
        'SYS_TIME',
      ],
      description: 'Capabilities to report when added, in any case, with or without the CAP_ prefix; ALL stands for add: [ALL].',
    },
  },
  messages: {
    all: 'container "{{container}}" adds ALL capabilities',
    capability: 'container "{{container}}" adds the capability {{name}}',
    variant: 'container "{{container}}" adds "{{capability}}" ({{name}})',
  },
  *evaluate({ workload, options }) {
    for (const container of workload?.containers ?? []) {
      // A privileged container holds every capability anyway: privileged-container reports it.
      if (container.securityContext.privileged === true) continue;
      const adds = capabilityEntries(container, 'add');
      if (adds.length === 0) continue;
      const dangerous = dangerousSet(options.capabilities);
      const drops = capabilityEntries(container, 'drop');
      for (const entry of adds) {
        if (isAllCapabilities(entry.raw)) {
          // drop: [ALL] is applied after add: [ALL] and cancels it.
          if (dangerous.has('ALL') && !drops.some((drop) => isAllCapabilities(drop.raw))) {
            yield { path: entry.path, messageId: 'all', data: { container: container.name }, container: container.name };
          }
          continue;
        }
        if (!dangerous.has(entry.name)) continue;
        // An individual drop is applied after the adds.
        if (drops.some((drop) => dropsReliably(drop.raw, entry.name))) continue;
        const data = { container: container.name, capability: entry.raw, name: entry.name };
        yield { path: entry.path, messageId: entry.raw === entry.name ? 'capability' : 'variant', data, container: container.name };
      }
    }
  },
});
