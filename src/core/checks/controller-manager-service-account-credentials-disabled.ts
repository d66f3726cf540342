import { booleanFlag, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'controller-manager-service-account-credentials-disabled',
  title: 'Controllers share the controller manager\'s credentials',
  severity: 'medium',
  component: 'kube-controller-manager',
  description:
    'Without --use-service-account-credentials=true every controller calls the API with the controller manager\'s own broad identity, so RBAC cannot limit each controller to what it needs and a flaw in one controller carries the powers of all.',
  remediation: 'Set --use-service-account-credentials=true (kubeadm does); each controller then uses its own service account in kube-system, bound to its system:controller: role.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/',
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#controller-roles',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.3.3'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  options: {},
  evaluate: booleanFlag('use-service-account-credentials', { risky: false, defaultValue: false, consequence: "every controller acts with the controller manager's own credentials" }),
});
