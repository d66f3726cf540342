import { defineCheck } from '../model/check.js';
import { KUBELET_CONFIG_KINDS, KUBELET_DEFAULTS, kubeletConfigOf, numberSetting } from '../kinds/kubelet.js';

export default defineCheck({
  id: 'kubelet-pod-pids-limit-missing',
  title: 'Kubelet sets no per-pod PID limit',
  severity: 'low',
  category: 'control-plane',
  description:
    'Without podPidsLimit a single pod can fork until the node runs out of process IDs (a fork bomb, or a leak), and then the kubelet, the container runtime and every other pod on the node fail to start processes. The default is -1: absent, 0 and negative values all leave pods unlimited.',
  remediation: 'Set podPidsLimit in the kubelet configuration to a bound your heaviest workloads stay under (for example 4096), and reserve PIDs for the system with systemReserved/kubeReserved pid.',
  references: [
    'https://kubernetes.io/docs/concepts/policy/pid-limiting/',
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['4.2.13'],
    nsa: ['Network separation: control plane hardening', 'Network separation: resource policies'],
    mitre: ['T1499'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: KUBELET_CONFIG_KINDS },
  options: {},
  messages: {
    set: "podPidsLimit is {{value}}: a pod can exhaust the node's process IDs",
    unset: "podPidsLimit is not set (default {{default}}): a pod can exhaust the node's process IDs",
  },
  *evaluate({ resource }) {
    const view = kubeletConfigOf(resource);
    if (!view) return;
    const limit = numberSetting(view, ['podPidsLimit'], KUBELET_DEFAULTS.podPidsLimit);
    // The kubelet applies a pod PID limit only when it is positive (pkg/kubelet/cm: podPidsLimit > 0).
    if (!limit || limit.value > 0) return;
    if (limit.explicit) yield { path: limit.path, messageId: 'set', data: { value: limit.value } };
    else yield { path: limit.path, messageId: 'unset', data: { default: KUBELET_DEFAULTS.podPidsLimit } };
  },
});
