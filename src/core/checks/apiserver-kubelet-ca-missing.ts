import { defineFlagCheck, requiredFlags } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-kubelet-ca-missing',
  title: 'API server does not verify kubelets\' certificates',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'Without --kubelet-certificate-authority the API server connects to kubelets without verifying their serving certificates, so anyone who can intercept node traffic can pose as a kubelet and read or alter exec, attach and log streams.',
  remediation: 'Have kubelets serve certificates signed by the cluster CA (serverTLSBootstrap: true, approving their CSRs) and set --kubelet-certificate-authority to that CA bundle.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/concepts/architecture/control-plane-node-communication/#apiserver-to-kubelet',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.5'], nsa: ['Network separation: control plane hardening'] },
  enabledByDefault: true,
  options: {},
  evaluate: requiredFlags(['kubelet-certificate-authority'], "kubelets' serving certificates are not verified"),
});
