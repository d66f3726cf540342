import { defineFlagCheck, requiredFlags } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-kubelet-client-cert-missing',
  title: 'API server has no client certificate for kubelets',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'Without --kubelet-client-certificate and --kubelet-client-key the API server calls kubelets (logs, exec, attach, port-forward) without authenticating, which works only when kubelets serve anonymous requests: the setting that lets anyone on the node network run commands in pods.',
  remediation: 'Set --kubelet-client-certificate and --kubelet-client-key to a client certificate the kubelets trust (kubeadm: /etc/kubernetes/pki/apiserver-kubelet-client.crt and .key).',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.4'], nsa: ['Authentication and authorization', 'Network separation: control plane hardening'] },
  enabledByDefault: true,
  options: {},
  evaluate: requiredFlags(['kubelet-client-certificate', 'kubelet-client-key'], 'the API server cannot authenticate to kubelets'),
});
