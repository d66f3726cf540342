import { defineCheck } from '../model/check.js';
import { booleanSetting, KUBELET_CONFIG_KINDS, KUBELET_DEFAULTS, kubeletConfigOf } from '../kinds/kubelet.js';

export default defineCheck({
  id: 'kubelet-kernel-defaults-not-protected',
  title: 'Kubelet may change kernel settings',
  severity: 'low',
  category: 'control-plane',
  description:
    'With protectKernelDefaults false (the default) the kubelet rewrites kernel parameters it expects (vm.overcommit_memory, vm.panic_on_oom, kernel.panic, kernel.panic_on_oops) instead of refusing to start when the node\'s hardened values differ, so node hardening can be silently undone. Off by default: the node must first be tuned to the values the kubelet expects. CIS v1.8 and earlier listed it as 4.2.6; v1.9 dropped it.',
  remediation: 'Set the kernel parameters the kubelet expects in /etc/sysctl.d, then set protectKernelDefaults: true in the kubelet configuration.',
  references: [
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    nsa: ['Network separation: control plane hardening'],
  },
  enabledByDefault: false,
  appliesTo: { kinds: KUBELET_CONFIG_KINDS },
  options: {},
  messages: {
    false: 'protectKernelDefaults is false: the kubelet overrides kernel parameters instead of failing on unexpected values',
    unset: 'protectKernelDefaults is not set (default false): the kubelet overrides kernel parameters instead of failing on unexpected values',
  },
  *evaluate({ resource }) {
    const view = kubeletConfigOf(resource);
    if (!view) return;
    const protect = booleanSetting(view, ['protectKernelDefaults'], KUBELET_DEFAULTS.protectKernelDefaults);
    if (!protect || protect.value) return;
    yield { path: protect.path, messageId: protect.explicit || view.effective ? 'false' : 'unset' };
  },
});
