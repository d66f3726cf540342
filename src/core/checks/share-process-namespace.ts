import { defineCheck } from '../model/check.js';

export default defineCheck({
  id: 'share-process-namespace',
  title: 'Containers share one process namespace',
  severity: 'low',
  category: 'host-access',
  description:
    "With shareProcessNamespace every container of the pod sees the others' processes: it can signal them and, as the same user or with CAP_SYS_PTRACE, read their environment and filesystems through /proc/<pid>/root, including a sidecar's credentials.",
  remediation: 'Remove spec.shareProcessNamespace or set it to false unless a sidecar really needs to see the other processes; use an ephemeral debug container with --target for troubleshooting.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/'],
  standards: {
    nsa: ['Pod security: hardening container environments'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    shared: 'the containers of the pod share one process namespace (shareProcessNamespace: true)',
  },
  *evaluate({ workload }) {
    if (workload?.podSpec.shareProcessNamespace === true) {
      yield {
        path: [...workload.podSpecPath, 'shareProcessNamespace'],
        messageId: 'shared',
      };
    }
  },
});
