import { defineCheck } from '../model/check.js';
import { KUBELET_CONFIG_KINDS, KUBELET_DEFAULTS, kubeletConfigOf, numberSetting } from '../kinds/kubelet.js';

export default defineCheck({
  id: 'kubelet-read-only-port-enabled',
  title: 'Kubelet read-only port enabled',
  severity: 'medium',
  category: 'control-plane',
  description:
    "The read-only port serves the kubelet's /pods, /spec and metrics endpoints with no authentication and no authorization: anyone who can reach the node reads every pod spec on it, environment variables included, and maps the cluster. The KubeletConfiguration default is 0, disabled (the kubelet flag default, without a config file, is 10255).",
  remediation: 'Set readOnlyPort: 0 (or remove it) in the kubelet configuration; scrape metrics from the authenticated port 10250 instead.',
  references: [
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['4.2.4'],
    nsa: ['Network separation: control plane hardening'],
    mitre: ['T1613', 'T1552.007'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: KUBELET_CONFIG_KINDS },
  options: {},
  messages: {
    enabled: 'readOnlyPort is {{port}}: the kubelet serves pod specs and node metrics there without authentication',
  },
  *evaluate({ resource }) {
    const view = kubeletConfigOf(resource);
    if (!view) return;
    const port = numberSetting(view, ['readOnlyPort'], KUBELET_DEFAULTS.readOnlyPort);
    if (!port || port.value <= 0) return;
    yield { path: port.path, messageId: 'enabled', data: { port: port.value } };
  },
});
