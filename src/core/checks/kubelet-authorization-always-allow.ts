import { defineCheck } from '../model/check.js';
import { booleanSetting, KUBELET_CONFIG_KINDS, KUBELET_DEFAULTS, kubeletConfigOf, stringSetting } from '../kinds/kubelet.js';

export default defineCheck({
  id: 'kubelet-authorization-always-allow',
  title: 'Kubelet authorizes every request (AlwaysAllow)',
  severity: 'critical',
  category: 'control-plane',
  description:
    'In AlwaysAllow mode the kubelet does not ask the API server whether a caller may use its API: any client it authenticates (any service account token when webhook authentication is on, anyone at all when anonymous authentication is on) can exec into, attach to and port-forward to every pod on the node and read their logs. The KubeletConfiguration default is Webhook (the kubelet flag default, without a config file, is AlwaysAllow).',
  remediation: 'Set authorization.mode: Webhook in the kubelet configuration (or pass --authorization-mode=Webhook), keep webhook authentication on, and restart the kubelet.',
  references: [
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authorization',
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['4.2.2'],
    nsa: ['Network separation: control plane hardening', 'Authentication and authorization'],
    mitre: ['T1609', 'T1613'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: KUBELET_CONFIG_KINDS },
  options: {},
  messages: {
    anonymous: 'authorization mode is AlwaysAllow and anonymous authentication is enabled: anyone who reaches the kubelet port can run commands in every pod on the node',
    alwaysAllow: 'authorization mode is AlwaysAllow: any client the kubelet authenticates can run commands in every pod on the node',
  },
  *evaluate({ resource }) {
    const view = kubeletConfigOf(resource);
    if (!view) return;
    const mode = stringSetting(view, ['authorization', 'mode']);
    if (mode.value !== 'AlwaysAllow') return;
    const anonymous = booleanSetting(view, ['authentication', 'anonymous', 'enabled'], KUBELET_DEFAULTS.anonymousAuth)?.value === true;
    yield {
      path: mode.path,
      messageId: anonymous ? 'anonymous' : 'alwaysAllow',
    };
  },
});
