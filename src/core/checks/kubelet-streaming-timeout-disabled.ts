import { defineCheck } from '../model/check.js';
import { KUBELET_CONFIG_KINDS, kubeletConfigOf, parseGoDuration, settingPath } from '../kinds/kubelet.js';

export default defineCheck({
  id: 'kubelet-streaming-timeout-disabled',
  title: 'Kubelet never closes idle streaming connections',
  severity: 'low',
  category: 'control-plane',
  description:
    'A streamingConnectionIdleTimeout of 0 keeps idle exec, attach and port-forward streams open forever, so forgotten sessions pile up and stay usable. Only a /configz answer can show 0: in a config file 0s counts as unset and the kubelet defaults it to 4h. Off by default: since dockershim was removed (1.24) the container runtime enforces its own stream idle timeout (containerd and CRI-O stream_idle_timeout) and the field has no effect; it is deprecated.',
  remediation: 'Remove the --streaming-connection-idle-timeout=0 flag (or set a value such as 5m); on 1.24 and later set stream_idle_timeout in the container runtime configuration.',
  references: [
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
    'https://github.com/kubernetes/kubernetes/pull/131992',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['4.2.5'],
    nsa: ['Network separation: control plane hardening'],
  },
  enabledByDefault: false,
  appliesTo: { kinds: KUBELET_CONFIG_KINDS },
  options: {},
  messages: {
    disabled: 'streamingConnectionIdleTimeout is 0: idle exec, attach and port-forward streams are never closed',
  },
  *evaluate({ resource }) {
    const view = kubeletConfigOf(resource);
    // A config file's zero duration is defaulted to 4h (SetDefaults_KubeletConfiguration); only the values in effect can be 0.
    if (!view?.effective) return;
    const raw = view.config.streamingConnectionIdleTimeout;
    const seconds = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseGoDuration(raw) : undefined;
    if (seconds !== 0) return;
    yield { path: settingPath(view, ['streamingConnectionIdleTimeout']), messageId: 'disabled' };
  },
});
