import { defineCheck } from '../model/check.js';
import { capabilitiesPath, capabilityEntries, declaresWindows, isAllCapabilities } from '../pod-security/pods.js';
import { quoteAll } from './support/inheritance.js';
import { fixedContainer } from './support/fixes.js';

export default defineCheck({
  id: 'capabilities-all-not-dropped',
  title: 'Container does not drop all capabilities',
  severity: 'low',
  category: 'pod-security',
  description:
    'Without drop: [ALL] a container keeps the runtime default capabilities (NET_RAW, CHOWN, DAC_OVERRIDE, SETUID, ...), which few applications need and which help an intruder spoof traffic, bypass file permissions or change identity. Pod Security restricted requires dropping ALL.',
  remediation: 'Set securityContext.capabilities.drop: ["ALL"] on every container and add back only what the process needs (NET_BIND_SERVICE under restricted).',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
  ],
  standards: {
    pss: { level: 'restricted', control: 'Capabilities' },
    cis: ['5.2.10'],
    nsa: ['Pod security: hardening container environments'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    variant: 'container "{{container}}" drops "{{capability}}": the runtime drops every capability, but Pod Security accepts only "ALL"',
    dropsOnly: 'container "{{container}}" drops only {{drops}}, not ALL',
    noDrop: 'container "{{container}}" does not drop ALL capabilities',
  },
  fix: {
    description: 'Sets securityContext.capabilities.drop: [ALL] on the container (dropping ALL includes every capability it already dropped; capabilities it adds are kept).',
    edits({ workload }, finding) {
      const container = fixedContainer(workload, finding);
      return container ? [{ kind: 'set', path: [...capabilitiesPath(container), 'drop'], value: ['ALL'] }] : [];
    },
  },
  *evaluate({ workload }) {
    // Pod Security exempts pods that declare spec.os.name: windows (v1.25+).
    if (!workload || declaresWindows(workload)) return;
    for (const container of workload.containers) {
      const drops = capabilityEntries(container, 'drop');
      // Pod Security accepts only the exact string ALL.
      if (drops.some((entry) => entry.raw === 'ALL')) continue;
      const variant = drops.find((entry) => isAllCapabilities(entry.raw));
      if (variant) {
        yield {
          path: variant.path,
          messageId: 'variant',
          data: { container: container.name, capability: variant.raw },
          container: container.name,
        };
      } else if (drops.length > 0) {
        yield {
          path: [...capabilitiesPath(container), 'drop'],
          messageId: 'dropsOnly',
          data: { container: container.name, drops: quoteAll(drops.map((entry) => entry.raw)) },
          container: container.name,
        };
      } else {
        yield { path: capabilitiesPath(container), messageId: 'noDrop', data: { container: container.name }, container: container.name };
      }
    }
  },
});
