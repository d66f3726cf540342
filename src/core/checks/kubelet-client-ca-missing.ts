import { defineCheck } from '../model/check.js';
import { KUBELET_CONFIG_KINDS, kubeletConfigOf, stringSetting } from '../kinds/kubelet.js';

export default defineCheck({
  id: 'kubelet-client-ca-missing',
  title: 'Kubelet does not authenticate client certificates',
  severity: 'medium',
  category: 'control-plane',
  description:
    "Without authentication.x509.clientCAFile the kubelet cannot verify client certificates, including the one the API server presents for exec, logs and port-forward: those calls then depend on bearer tokens or on anonymous access, the usual reason anonymous authentication gets switched back on. The field has no default.",
  remediation: 'Set authentication.x509.clientCAFile to the cluster CA bundle (kubeadm: /etc/kubernetes/pki/ca.crt) and restart the kubelet.',
  references: [
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authentication',
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['4.2.3'],
    nsa: ['Network separation: control plane hardening', 'Authentication and authorization'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: KUBELET_CONFIG_KINDS },
  options: {},
  messages: {
    unset: "authentication.x509.clientCAFile is not set: the kubelet cannot verify client certificates, such as the API server's",
  },
  *evaluate({ resource }) {
    const view = kubeletConfigOf(resource);
    if (!view) return;
    const clientCA = stringSetting(view, ['authentication', 'x509', 'clientCAFile']);
    if (clientCA.value !== undefined) return;
    yield { path: clientCA.path, messageId: 'unset' };
  },
});
