import { defineFlagCheck, requiredFlags } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-encryption-at-rest-missing',
  title: 'Secrets are stored unencrypted in etcd',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'Without --encryption-provider-config the API server writes Secrets to etcd in plain text, so anyone who reads etcd, its data directory or one of its backups reads every secret in the cluster.',
  remediation: 'Write an EncryptionConfiguration whose first provider for secrets is kms (v2), aescbc, aesgcm or secretbox, set --encryption-provider-config to it, then rewrite the existing Secrets (kubectl get secrets -A -o json | kubectl replace -f -).',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.27'], nsa: ['Network separation: secrets'] },
  enabledByDefault: true,
  options: {},
  evaluate: requiredFlags(['encryption-provider-config'], 'Secrets are written to etcd unencrypted'),
});
