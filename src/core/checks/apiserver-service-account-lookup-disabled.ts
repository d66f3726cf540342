import { booleanFlag, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-service-account-lookup-disabled',
  title: 'API server accepts tokens of deleted service accounts',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'With --service-account-lookup=false the API server accepts a service account token without checking that the account (and, for a legacy token, its Secret) still exists, so deleting them does not revoke a stolen token.',
  remediation: 'Remove --service-account-lookup=false; the default is true.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.21'], nsa: ['Authentication and authorization'], mitre: ['T1528'] },
  enabledByDefault: true,
  options: {},
  evaluate: booleanFlag('service-account-lookup', { risky: false, defaultValue: true, consequence: 'deleting a service account does not revoke its tokens' }),
});
