import { authorizationModeRule, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-authorization-rbac-missing',
  title: 'API server does not use RBAC',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'Without the RBAC authorizer Roles, ClusterRoles and their bindings have no effect: access is decided by the other modes alone (AlwaysAllow by default, ABAC or a webhook), outside the policy that kubectl, audits and tools read.',
  remediation: 'Add RBAC to --authorization-mode (--authorization-mode=Node,RBAC) and grant access with Roles and RoleBindings.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.8'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  options: {},
  evaluate: authorizationModeRule('RBAC', { riskyWhenPresent: false, consequence: 'RBAC roles and bindings are not enforced' }),
});
