import { defineCheck } from '../model/check.js';

export default defineCheck({
  id: 'host-pid',
  title: 'Pod shares the host PID namespace',
  severity: 'high',
  category: 'host-access',
  description:
    "A pod in the host PID namespace sees every process on the node, can read their environment and command lines (often holding credentials), signal them, and with ptrace or CAP_SYS_PTRACE enter them and escape to the node.",
  remediation: 'Remove spec.hostPID or set it to false; use a debugging tool such as kubectl debug for node-level troubleshooting instead.',
  references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
  standards: {
    pss: { level: 'baseline', control: 'Host Namespaces' },
    cis: ['5.2.3'],
    nsa: ['Pod security: pod security enforcement'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: { shared: 'the pod shares the node process namespace (hostPID: true)' },
  *evaluate({ workload }) {
    if (workload?.podSpec.hostPID === true) {
      yield { path: [...workload.podSpecPath, 'hostPID'], messageId: 'shared' };
    }
  },
});
