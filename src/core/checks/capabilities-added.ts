import { defineCheck } from '../model/check.js';
import { BASELINE_CAPABILITIES, capabilityEntries, declaresWindows } from '../pod-security/pods.js';

export default defineCheck({
  id: 'capabilities-added',
  title: 'Container adds capabilities other than NET_BIND_SERVICE',
  severity: 'low',
  category: 'pod-security',
  description:
    'The restricted Pod Security level lets a container add only NET_BIND_SERVICE; every other capability, even one of the runtime defaults such as CHOWN or SETUID, widens what a compromised process can do. Capabilities outside the baseline set are reported by capabilities-beyond-baseline instead.',
  remediation: 'Remove the capability from securityContext.capabilities.add; keep drop: [ALL] and add back only NET_BIND_SERVICE if the process binds a port below 1024.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
  ],
  standards: {
    pss: { level: 'restricted', control: 'Capabilities' },
    cis: ['5.2.9'],
    nsa: ['Pod security: hardening container environments'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    added: 'container "{{container}}" adds the capability {{capability}} (restricted allows only NET_BIND_SERVICE)',
  },
  *evaluate({ workload }) {
    // Pod Security exempts pods that declare spec.os.name: windows (v1.25+).
    if (!workload || declaresWindows(workload)) return;
    for (const container of workload.containers) {
      for (const entry of capabilityEntries(container, 'add')) {
        // Pod Security compares the raw names; anything outside the baseline set is capabilities-beyond-baseline's.
        if (entry.raw === 'NET_BIND_SERVICE' || !BASELINE_CAPABILITIES.has(entry.raw)) continue;
        yield {
          path: entry.path,
          messageId: 'added',
          data: { container: container.name, capability: entry.raw },
          container: container.name,
        };
      }
    }
  },
});
