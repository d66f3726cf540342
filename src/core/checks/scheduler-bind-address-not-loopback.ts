import { bindAddressRule, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'scheduler-bind-address-not-loopback',
  title: 'Scheduler listens beyond localhost',
  severity: 'low',
  component: 'kube-scheduler',
  description:
    'kube-scheduler serves health checks, metrics and (by default) profiling over HTTPS on port 10259, on every interface unless --bind-address is a loopback address; anything on the node network can then reach it, the unauthenticated health endpoints included.',
  remediation: 'Set --bind-address=127.0.0.1 (kubeadm does) and read its metrics from the node or through a proxy.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.4.2'], nsa: ['Network separation: control plane hardening'] },
  enabledByDefault: true,
  options: {},
  evaluate: bindAddressRule('its HTTPS endpoints are reachable from the network'),
});
