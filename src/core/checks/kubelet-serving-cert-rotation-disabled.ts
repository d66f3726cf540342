import { defineCheck } from '../model/check.js';
import { booleanSetting, KUBELET_CONFIG_KINDS, KUBELET_DEFAULTS, kubeletConfigOf } from '../kinds/kubelet.js';

export default defineCheck({
  id: 'kubelet-serving-cert-rotation-disabled',
  title: 'Kubelet serving certificate not rotated',
  severity: 'low',
  category: 'control-plane',
  description:
    'The kubelet requests and renews its serving certificate from the cluster only when serverTLSBootstrap is true and the RotateKubeletServerCertificate feature gate (beta, on by default since 1.12) is on; otherwise it serves a self-signed or a static certificate that nothing renews. Off by default: serverTLSBootstrap defaults to false and needs a CSR approver for kubelet-serving certificates, which kubeadm does not run.',
  remediation: 'Set serverTLSBootstrap: true, keep the RotateKubeletServerCertificate feature gate on, and approve kubelet-serving CSRs (manually or with an approver such as kubelet-csr-approver).',
  references: [
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation',
    'https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/#kubelet-serving-certs',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['4.2.11'],
    nsa: ['Network separation: control plane hardening'],
  },
  enabledByDefault: false,
  appliesTo: { kinds: KUBELET_CONFIG_KINDS },
  options: {},
  messages: {
    gateOff: 'the RotateKubeletServerCertificate feature gate is off: the kubelet cannot request or renew its serving certificate',
    false: 'serverTLSBootstrap is false: the kubelet never requests or renews its serving certificate',
    unset: 'serverTLSBootstrap is not set (default false): the kubelet never requests or renews its serving certificate',
  },
  *evaluate({ resource }) {
    const view = kubeletConfigOf(resource);
    if (!view) return;
    const gate = booleanSetting(view, ['featureGates', 'RotateKubeletServerCertificate'], KUBELET_DEFAULTS.rotateKubeletServerCertificateGate);
    if (gate?.value === false) {
      yield { path: gate.path, messageId: 'gateOff' };
      return;
    }
    const bootstrap = booleanSetting(view, ['serverTLSBootstrap'], KUBELET_DEFAULTS.serverTLSBootstrap);
    if (!bootstrap || bootstrap.value) return;
    yield { path: bootstrap.path, messageId: bootstrap.explicit || view.effective ? 'false' : 'unset' };
  },
});
