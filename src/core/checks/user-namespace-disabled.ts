import { defineCheck } from '../model/check.js';
import { targetsWindows } from '../pod-security/pods.js';

export default defineCheck({
  id: 'user-namespace-disabled',
  title: 'Pod shares the node user namespace',
  severity: 'info',
  category: 'pod-security',
  description:
    'With hostUsers: false the pod gets its own user namespace: UID 0 inside maps to an unprivileged UID on the node, which blunts most container escapes. The default (hostUsers unset or true) shares the node user namespace. Off by default: user namespaces are on by default only since Kubernetes v1.33 and need a runtime and file systems that support ID-mapped mounts.',
  remediation: 'Set spec.hostUsers: false (not possible together with hostNetwork, hostPID or hostIPC).',
  references: [
    'https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/',
    'https://kubernetes.io/docs/tasks/configure-pod-container/user-namespaces/',
  ],
  standards: {
    nsa: ['Pod security: non-root containers'],
    mitre: ['T1611'],
  },
  enabledByDefault: false,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    unset: 'the pod does not set hostUsers: false, so it shares the node user namespace',
    set: 'the pod sets hostUsers: {{value}}, so it shares the node user namespace',
  },
  *evaluate({ workload }) {
    if (!workload || targetsWindows(workload)) return;
    const spec = workload.podSpec;
    if (spec.hostUsers === false) return;
    // The API server rejects hostUsers: false with host namespaces; host-network and its peers report those.
    if (spec.hostNetwork === true || spec.hostPID === true || spec.hostIPC === true) return;
    if (spec.hostUsers === undefined || spec.hostUsers === null) yield { path: workload.podSpecPath, messageId: 'unset' };
    else yield { path: [...workload.podSpecPath, 'hostUsers'], messageId: 'set', data: { value: JSON.stringify(spec.hostUsers) } };
  },
});
