import { defineCheck } from '../model/check.js';
import { booleanSetting, KUBELET_CONFIG_KINDS, KUBELET_DEFAULTS, kubeletConfigOf } from '../kinds/kubelet.js';

export default defineCheck({
  id: 'kubelet-seccomp-default-disabled',
  title: 'Kubelet runs containers without seccomp by default',
  severity: 'low',
  category: 'control-plane',
  description:
    'With seccompDefault false (the default) every container whose pod does not ask for a seccomp profile runs Unconfined, with the whole kernel system call surface open to exploits; with true the kubelet applies the runtime\'s RuntimeDefault profile instead. This is the node-side complement of the seccomp-profile-missing check.',
  remediation: 'Set seccompDefault: true in the kubelet configuration (GA since 1.27), after testing that workloads run under RuntimeDefault; pods that need more set their own profile.',
  references: [
    'https://kubernetes.io/docs/tutorials/security/seccomp/#enable-the-use-of-runtimedefault-as-the-default-seccomp-profile-for-all-workloads',
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
  ],
  standards: {
    nsa: ['Network separation: control plane hardening', 'Pod security: hardening container environments'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: KUBELET_CONFIG_KINDS },
  options: {},
  messages: {
    false: 'seccompDefault is false: containers without a seccomp profile run Unconfined',
    unset: 'seccompDefault is not set (default false): containers without a seccomp profile run Unconfined',
  },
  *evaluate({ resource }) {
    const view = kubeletConfigOf(resource);
    if (!view) return;
    const seccomp = booleanSetting(view, ['seccompDefault'], KUBELET_DEFAULTS.seccompDefault);
    if (!seccomp || seccomp.value) return;
    yield { path: seccomp.path, messageId: seccomp.explicit || view.effective ? 'false' : 'unset' };
  },
});
