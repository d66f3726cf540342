import { defineCheck } from '../model/check.js';
import { BASELINE_CAPABILITIES, capabilityEntries, isAllCapabilities } from '../pod-security/pods.js';

export default defineCheck({
  id: 'capabilities-beyond-baseline',
  title: 'Container adds capabilities beyond the baseline set',
  severity: 'medium',
  category: 'pod-security',
  description:
    'Capabilities outside the runtime default set (NET_RAW included) grant kernel powers such as mounting file systems, loading modules, tracing processes or reconfiguring the network, most of which lead to the node. Pod Security baseline forbids adding them.',
  remediation:
    'Remove the capability from securityContext.capabilities.add; write capability names in upper case without the CAP_ prefix, as Pod Security compares them exactly.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://man7.org/linux/man-pages/man7/capabilities.7.html',
  ],
  standards: {
    pss: { level: 'baseline', control: 'Capabilities' },
    cis: ['5.2.9'],
    nsa: ['Pod security: hardening container environments'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    all: 'container "{{container}}" adds ALL capabilities',
    inexact: 'container "{{container}}" adds "{{capability}}", which Pod Security rejects because it compares names exactly (write {{name}})',
    beyond: 'container "{{container}}" adds the capability {{capability}}, outside the baseline set',
  },
  *evaluate({ workload }) {
    for (const container of workload?.containers ?? []) {
      for (const entry of capabilityEntries(container, 'add')) {
        if (BASELINE_CAPABILITIES.has(entry.raw)) continue;
        const messageId = isAllCapabilities(entry.raw) ? 'all' : BASELINE_CAPABILITIES.has(entry.name) ? 'inexact' : 'beyond';
        yield { path: entry.path, messageId, data: { container: container.name, capability: entry.raw, name: entry.name }, container: container.name };
      }
    }
  },
});
