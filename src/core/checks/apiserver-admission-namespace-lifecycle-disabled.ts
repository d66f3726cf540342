import { admissionPluginRule, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-admission-namespace-lifecycle-disabled',
  title: 'NamespaceLifecycle admission plugin disabled',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'NamespaceLifecycle rejects objects in namespaces that do not exist or are being deleted, and keeps default, kube-system and kube-public from being deleted. Disabled, objects can be created in a namespace (and outlive the policies) being torn down, and the system namespaces can be deleted.',
  remediation: 'Remove NamespaceLifecycle from --disable-admission-plugins (or add it to --admission-control); it is on by default.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#namespacelifecycle',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.13'], nsa: ['Network separation: namespaces'] },
  enabledByDefault: true,
  options: {},
  evaluate: admissionPluginRule('NamespaceLifecycle', { riskyWhenEnabled: false, consequence: 'objects can be created in missing or terminating namespaces' }),
});
