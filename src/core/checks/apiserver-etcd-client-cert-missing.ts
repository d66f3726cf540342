import { defineFlagCheck, requiredFlags } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-etcd-client-cert-missing',
  title: 'API server does not authenticate to etcd',
  severity: 'high',
  component: 'kube-apiserver',
  description:
    'Without --etcd-certfile and --etcd-keyfile the API server connects to etcd without a client certificate, which works only when etcd accepts unauthenticated clients: then anyone who reaches etcd reads every Secret and rewrites any object.',
  remediation: 'Set --etcd-certfile and --etcd-keyfile to a client certificate signed by the etcd CA (kubeadm: /etc/kubernetes/pki/apiserver-etcd-client.crt and .key), and run etcd with --client-cert-auth=true.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.23'], nsa: ['Network separation: control plane hardening'] },
  enabledByDefault: true,
  options: {},
  evaluate: requiredFlags(['etcd-certfile', 'etcd-keyfile'], 'the API server connects to etcd without a client certificate'),
});
