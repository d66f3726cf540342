import { defineCheck } from '../model/check.js';
import { booleanSetting, KUBELET_CONFIG_KINDS, KUBELET_DEFAULTS, kubeletConfigOf, stringSetting } from '../kinds/kubelet.js';

export default defineCheck({
  id: 'kubelet-anonymous-auth-enabled',
  title: 'Kubelet accepts anonymous requests',
  severity: 'high',
  category: 'control-plane',
  description:
    'With anonymous authentication on, requests to the kubelet API (port 10250) that carry no credentials are served as system:anonymous; with authorization mode AlwaysAllow that is unauthenticated exec into every pod on the node, and otherwise one RBAC grant away from it. The KubeletConfiguration default is false (the kubelet flag default, without a config file, is true).',
  remediation: 'Set authentication.anonymous.enabled: false in the kubelet configuration (or pass --anonymous-auth=false) and restart the kubelet.',
  references: [
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/',
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['4.2.1'],
    nsa: ['Network separation: control plane hardening', 'Authentication and authorization'],
    mitre: ['T1609', 'T1613'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: KUBELET_CONFIG_KINDS },
  options: {},
  messages: {
    alwaysAllow: 'anonymous authentication is enabled and authorization mode is AlwaysAllow: anyone who reaches the kubelet port can run commands in every pod on the node',
    enabled: 'anonymous authentication is enabled: requests without credentials reach the kubelet API as system:anonymous',
  },
  *evaluate({ resource }) {
    const view = kubeletConfigOf(resource);
    if (!view) return;
    const anonymous = booleanSetting(view, ['authentication', 'anonymous', 'enabled'], KUBELET_DEFAULTS.anonymousAuth);
    if (anonymous?.value !== true) return;
    const mode = stringSetting(view, ['authorization', 'mode']).value ?? KUBELET_DEFAULTS.authorizationMode;
    yield {
      path: anonymous.path,
      messageId: mode === 'AlwaysAllow' ? 'alwaysAllow' : 'enabled',
    };
  },
});
