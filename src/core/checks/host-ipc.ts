import { defineCheck } from '../model/check.js';

export default defineCheck({
  id: 'host-ipc',
  title: 'Pod shares the host IPC namespace',
  severity: 'high',
  category: 'host-access',
  description:
    'A pod in the host IPC namespace can read and write the shared memory segments, semaphores and message queues of every process on the node, including data other workloads keep in /dev/shm.',
  remediation: 'Remove spec.hostIPC or set it to false; share memory between containers of one pod with an emptyDir volume (medium: Memory) instead.',
  references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
  standards: {
    pss: { level: 'baseline', control: 'Host Namespaces' },
    cis: ['5.2.4'],
    nsa: ['Pod security: pod security enforcement'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: { shared: 'the pod shares the node IPC namespace (hostIPC: true)' },
  *evaluate({ workload }) {
    if (workload?.podSpec.hostIPC === true) {
      yield { path: [...workload.podSpecPath, 'hostIPC'], messageId: 'shared' };
    }
  },
});
