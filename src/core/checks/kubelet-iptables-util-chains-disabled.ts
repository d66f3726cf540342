import { defineCheck } from '../model/check.js';
import { booleanSetting, KUBELET_CONFIG_KINDS, KUBELET_DEFAULTS, kubeletConfigOf } from '../kinds/kubelet.js';

export default defineCheck({
  id: 'kubelet-iptables-util-chains-disabled',
  title: 'Kubelet does not manage its iptables chains',
  severity: 'low',
  category: 'control-plane',
  description:
    "With makeIPTablesUtilChains false the kubelet leaves its iptables rules alone, among them the KUBE-FIREWALL rule that drops packets from other hosts addressed to 127.0.0.0/8 (the CVE-2020-8558 fix that keeps node-local services off the network); only kube-proxy in iptables mode installs a copy. The default is true.",
  remediation: 'Remove makeIPTablesUtilChains: false from the kubelet configuration (or set it to true) and restart the kubelet.',
  references: [
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
    'https://github.com/kubernetes/kubernetes/issues/92315',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['4.2.6'],
    nsa: ['Network separation: control plane hardening'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: KUBELET_CONFIG_KINDS },
  options: {},
  messages: {
    disabled: 'makeIPTablesUtilChains is false: the kubelet does not install its iptables rules, including the drop of remote packets to localhost',
  },
  *evaluate({ resource }) {
    const view = kubeletConfigOf(resource);
    if (!view) return;
    const chains = booleanSetting(view, ['makeIPTablesUtilChains'], KUBELET_DEFAULTS.makeIPTablesUtilChains);
    if (chains?.value !== false) return;
    yield { path: chains.path, messageId: 'disabled' };
  },
});
