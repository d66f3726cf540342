import { admissionPluginRule, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-admission-deny-service-external-ips-missing',
  title: 'DenyServiceExternalIPs admission plugin not enabled',
  severity: 'low',
  component: 'kube-apiserver',
  description:
    'Without DenyServiceExternalIPs anyone who can create or update a Service can set spec.externalIPs and capture the traffic every node sends to those addresses (CVE-2020-8554).',
  remediation: 'Add DenyServiceExternalIPs to --enable-admission-plugins; where externalIPs are needed, restrict them with a validating admission policy instead.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#denyserviceexternalips',
    'https://github.com/kubernetes/kubernetes/issues/97076',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.3'], nsa: ['Network separation: control plane hardening'] },
  enabledByDefault: false,
  options: {},
  evaluate: admissionPluginRule('DenyServiceExternalIPs', { riskyWhenEnabled: false, consequence: 'Services can claim external IPs and capture their traffic' }),
});
