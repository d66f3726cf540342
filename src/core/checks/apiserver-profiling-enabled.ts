import { booleanFlag, defineFlagCheck } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-profiling-enabled',
  title: 'API server serves profiling data',
  severity: 'low',
  component: 'kube-apiserver',
  description:
    'With --profiling at its default (true) the API server serves Go pprof data under /debug/pprof to any user granted that path, exposing the internals of the process, and on-demand CPU profiles slow the control plane.',
  remediation: 'Set --profiling=false.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.15'], nsa: ['Network separation: control plane hardening'] },
  enabledByDefault: true,
  options: {},
  evaluate: booleanFlag('profiling', { risky: true, defaultValue: true, consequence: 'pprof profiling is served under /debug/pprof' }),
});
