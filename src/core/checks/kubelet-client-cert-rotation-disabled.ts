import { defineCheck } from '../model/check.js';
import { booleanSetting, KUBELET_CONFIG_KINDS, KUBELET_DEFAULTS, kubeletConfigOf } from '../kinds/kubelet.js';

export default defineCheck({
  id: 'kubelet-client-cert-rotation-disabled',
  title: 'Kubelet client certificate rotation disabled',
  severity: 'low',
  category: 'control-plane',
  description:
    'Without rotateCertificates the kubelet keeps the client certificate it authenticates to the API server with until it expires: a stolen node credential stays valid for its whole lifetime, and an expired one takes the node offline. The KubeletConfiguration default is false (kubeadm sets true).',
  remediation: 'Set rotateCertificates: true in the kubelet configuration and let the kube-controller-manager approve and sign kubelet client CSRs (kubeadm does both).',
  references: [
    'https://kubernetes.io/docs/tasks/tls/certificate-rotation/',
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['4.2.10'],
    nsa: ['Network separation: control plane hardening'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: KUBELET_CONFIG_KINDS },
  options: {},
  messages: {
    false: 'rotateCertificates is false: the kubelet never renews its client certificate',
    unset: 'rotateCertificates is not set (default false): the kubelet never renews its client certificate',
  },
  *evaluate({ resource }) {
    const view = kubeletConfigOf(resource);
    if (!view) return;
    const rotate = booleanSetting(view, ['rotateCertificates'], KUBELET_DEFAULTS.rotateCertificates);
    if (!rotate || rotate.value) return;
    // A /configz answer omits false booleans: absent there means false, not unset.
    yield { path: rotate.path, messageId: rotate.explicit || view.effective ? 'false' : 'unset' };
  },
});
