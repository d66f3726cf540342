import { authorizationModeRule, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-authorization-node-missing',
  title: 'API server does not use the Node authorizer',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'The Node authorizer limits each kubelet to the Secrets, ConfigMaps, volumes and pods of its own node. Without it kubelets need broad grants, and the credentials of one compromised node read every secret in the cluster.',
  remediation: 'Add Node to --authorization-mode (--authorization-mode=Node,RBAC) and enable the NodeRestriction admission plugin.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/node/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.7'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  options: {},
  evaluate: authorizationModeRule('Node', { riskyWhenPresent: false, consequence: "kubelets are not limited to their own node's objects" }),
});
