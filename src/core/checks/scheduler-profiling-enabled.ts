import { servingDisabled } from '../control-plane/semantics.js';
import { booleanFlag, defineFlagCheck } from './support/flag-checks.js';
import { isConfigured } from '../control-plane/flags.js';

const profiling = booleanFlag('profiling', { risky: true, defaultValue: true, consequence: 'pprof profiling is served under /debug/pprof' });

export default defineFlagCheck({
  id: 'scheduler-profiling-enabled',
  title: 'Scheduler serves profiling data',
  severity: 'low',
  component: 'kube-scheduler',
  description:
    'With --profiling at its default (true) kube-scheduler serves Go pprof data under /debug/pprof on its HTTPS port, exposing the internals of the process to any user granted that path.',
  remediation: 'Set --profiling=false, or enableProfiling: false in the KubeSchedulerConfiguration when the scheduler runs with --config.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.4.1'], nsa: ['Network separation: control plane hardening'] },
  enabledByDefault: true,
  options: {},
  evaluate: (invocation) =>
    // With --config the file decides (enableProfiling) and --profiling is ignored; with --secure-port=0 nothing is served.
    isConfigured(invocation.flag('config')) !== false || servingDisabled(invocation) ? [] : profiling(invocation),
});
