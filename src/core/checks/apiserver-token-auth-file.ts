import { defineFlagCheck, forbiddenFlag } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-token-auth-file',
  title: 'API server accepts static bearer tokens',
  severity: 'high',
  component: 'kube-apiserver',
  description:
    'A --token-auth-file keeps long-lived bearer tokens in a plain-text CSV file on the control-plane node; they never expire and are revoked only by editing the file and restarting the API server.',
  remediation: 'Remove --token-auth-file; authenticate people with client certificates, OIDC or a webhook, and workloads with service account tokens.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#static-token-file',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.2'], nsa: ['Authentication and authorization'], mitre: ['T1552.001'] },
  enabledByDefault: true,
  options: {},
  evaluate: forbiddenFlag('token-auth-file', 'its static tokens authenticate until the file is edited and the API server restarted'),
});
