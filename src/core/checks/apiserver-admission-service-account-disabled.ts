import { admissionPluginRule, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-admission-service-account-disabled',
  title: 'ServiceAccount admission plugin disabled',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'The ServiceAccount admission plugin gives every pod a service account, rejects pods naming one that does not exist, enforces the kubernetes.io/enforce-mountable-secrets restriction and mounts the bound, expiring API token. Disabled, pods run with whatever service account name and secrets their manifest gives, unchecked.',
  remediation: 'Remove ServiceAccount from --disable-admission-plugins (or add it to --admission-control); it is on by default.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#serviceaccount',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.12'], nsa: ['Pod security: protecting pod service account tokens'] },
  enabledByDefault: true,
  options: {},
  evaluate: admissionPluginRule('ServiceAccount', { riskyWhenEnabled: false, consequence: "pods' service accounts are neither defaulted nor checked" }),
});
