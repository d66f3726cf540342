import { admissionPluginRule, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-admission-always-admit',
  title: 'AlwaysAdmit admission plugin enabled',
  severity: 'low',
  component: 'kube-apiserver',
  description:
    'AlwaysAdmit is a deprecated admission plugin that admits every request and does nothing else; listing it marks an admission chain set up to let everything through.',
  remediation: 'Remove AlwaysAdmit from --enable-admission-plugins (or from --admission-control).',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwaysadmit',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.10'], nsa: ['Network separation: control plane hardening'] },
  enabledByDefault: true,
  options: {},
  evaluate: admissionPluginRule('AlwaysAdmit', { riskyWhenEnabled: true, consequence: 'the deprecated plugin admits every request' }),
});
