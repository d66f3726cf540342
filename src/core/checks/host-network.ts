import { defineCheck } from '../model/check.js';

export default defineCheck({
  id: 'host-network',
  title: 'Pod uses the host network',
  severity: 'high',
  category: 'host-access',
  description:
    "A pod on the host network sees every interface of the node, can sniff its traffic and reach services bound to localhost, and bypasses NetworkPolicy.",
  remediation: 'Remove spec.hostNetwork or set it to false; expose the port through a Service instead.',
  references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
  standards: {
    pss: { level: 'baseline', control: 'Host Namespaces' },
    cis: ['5.2.5'],
    nsa: ['Pod security: pod security enforcement', 'Network separation: network policies'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: { shared: 'the pod shares the node network namespace (hostNetwork: true)' },
  *evaluate({ workload }) {
    if (workload?.podSpec.hostNetwork === true) {
      yield { path: [...workload.podSpecPath, 'hostNetwork'], messageId: 'shared' };
    }
  },
});
