import { servingDisabled } from '../control-plane/semantics.js';
import { booleanFlag, defineFlagCheck } from './support/flag-checks.js';

// With --secure-port=0 nothing is served, profiling included.
const profiling = booleanFlag('profiling', { risky: true, defaultValue: true, consequence: 'pprof profiling is served under /debug/pprof' });

export default defineFlagCheck({
  id: 'controller-manager-profiling-enabled',
  title: 'Controller manager serves profiling data',
  severity: 'low',
  component: 'kube-controller-manager',
  description:
    'With --profiling at its default (true) kube-controller-manager serves Go pprof data under /debug/pprof on its HTTPS port, exposing the internals of the process to any user granted that path.',
  remediation: 'Set --profiling=false.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.3.2'], nsa: ['Network separation: control plane hardening'] },
  enabledByDefault: true,
  options: {},
  evaluate: (invocation) => (servingDisabled(invocation) ? [] : profiling(invocation)),
});
