import { authorizationModeRule, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-authorization-always-allow',
  title: 'API server authorizes every request (AlwaysAllow)',
  severity: 'critical',
  component: 'kube-apiserver',
  description:
    'The AlwaysAllow authorizer, which kube-apiserver uses when --authorization-mode is not set, allows every request that reaches it: every authenticated user (and anonymous ones, when anonymous auth is on) is effectively cluster-admin. After other modes it still allows whatever they do not.',
  remediation: 'Set --authorization-mode=Node,RBAC (adding Webhook if you use one) without AlwaysAllow.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/authorization/#authorization-modules',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.6'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  options: {},
  evaluate: authorizationModeRule('AlwaysAllow', { riskyWhenPresent: true, consequence: 'every request that reaches the authorizer chain is allowed' }),
});
