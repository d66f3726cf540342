import { defineFlagCheck, requiredFlags } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-etcd-ca-missing',
  title: 'API server does not verify etcd\'s certificate',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'Without --etcd-cafile the API server checks etcd\'s certificate against the node\'s system trust store instead of the etcd CA: a certificate from any CA the node trusts can impersonate etcd and receive every object the API server writes.',
  remediation: 'Set --etcd-cafile to the CA that signs etcd\'s certificates (kubeadm: /etc/kubernetes/pki/etcd/ca.crt).',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.26'], nsa: ['Network separation: control plane hardening'] },
  enabledByDefault: true,
  options: {},
  evaluate: requiredFlags(['etcd-cafile'], "etcd's certificate is not checked against the etcd CA"),
});
