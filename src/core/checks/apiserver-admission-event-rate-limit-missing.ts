import { admissionPluginRule, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-admission-event-rate-limit-missing',
  title: 'EventRateLimit admission plugin not enabled',
  severity: 'low',
  component: 'kube-apiserver',
  description:
    'Without EventRateLimit any client allowed to create Events, every kubelet and many controllers included, can flood the API server and etcd with them and slow the whole control plane.',
  remediation: 'Add EventRateLimit to --enable-admission-plugins and set its limits in the AdmissionConfiguration file named by --admission-control-config-file.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#eventratelimit',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.9'], nsa: ['Network separation: control plane hardening'], mitre: ['T1499'] },
  enabledByDefault: false,
  options: {},
  evaluate: admissionPluginRule('EventRateLimit', { riskyWhenEnabled: false, consequence: 'nothing limits the rate of Event writes' }),
});
