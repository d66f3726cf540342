import { admissionPluginRule, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-admission-always-pull-images-missing',
  title: 'AlwaysPullImages admission plugin not enabled',
  severity: 'low',
  component: 'kube-apiserver',
  description:
    'Without AlwaysPullImages a pod can run any image already cached on its node without presenting pull credentials, so a tenant can start another tenant\'s private image once it has been pulled there.',
  remediation: 'Add AlwaysPullImages to --enable-admission-plugins; every container start then pulls, and authenticates for, its image.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwayspullimages',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.11'], nsa: ['Network separation: control plane hardening'] },
  enabledByDefault: false,
  options: {},
  evaluate: admissionPluginRule('AlwaysPullImages', { riskyWhenEnabled: false, consequence: 'pods can use images cached on the node without pull credentials' }),
});
