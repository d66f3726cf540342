import { defineCheck } from '../model/check.js';
import { booleanSetting, KUBELET_CONFIG_KINDS, KUBELET_DEFAULTS, kubeletConfigOf, settingPath, stringSetting } from '../kinds/kubelet.js';

export default defineCheck({
  id: 'kubelet-serving-cert-self-signed',
  title: 'Kubelet serves a self-signed certificate',
  severity: 'low',
  category: 'control-plane',
  description:
    'With neither tlsCertFile and tlsPrivateKeyFile nor serverTLSBootstrap set, the kubelet generates a self-signed serving certificate: the API server (with --kubelet-certificate-authority) and metrics scrapers cannot verify they are talking to the node, so exec sessions, logs and credentials sent to the kubelet can be intercepted, or verification gets turned off. Both fields default to unset and serverTLSBootstrap to false.',
  remediation: 'Set serverTLSBootstrap: true so the kubelet requests its serving certificate from the cluster CA (and approve the kubelet-serving CSRs), or set tlsCertFile and tlsPrivateKeyFile to a certificate the cluster CA issued.',
  references: [
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation',
    'https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/#kubelet-serving-certs',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['4.2.9'],
    nsa: ['Network separation: control plane hardening'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: KUBELET_CONFIG_KINDS },
  options: {},
  messages: {
    selfSigned: 'neither tlsCertFile nor serverTLSBootstrap is set: the kubelet serves a self-signed certificate nobody can verify',
  },
  *evaluate({ resource }) {
    const view = kubeletConfigOf(resource);
    if (!view) return;
    if (booleanSetting(view, ['serverTLSBootstrap'], KUBELET_DEFAULTS.serverTLSBootstrap)?.value !== false) return;
    const certificate = stringSetting(view, ['tlsCertFile']);
    const key = stringSetting(view, ['tlsPrivateKeyFile']);
    if (certificate.value !== undefined || key.value !== undefined) return;
    yield { path: settingPath(view, ['tlsCertFile']), messageId: 'selfSigned' };
  },
});
