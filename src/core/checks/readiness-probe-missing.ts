import { defineCheck } from '../model/check.js';
import { missingProbe, missingProbeMessages } from './support/resources.js';
import { containerTodoFix, TODO_COMMENT } from './support/fixes.js';

export default defineCheck({
  id: 'readiness-probe-missing',
  title: 'Container has no readiness probe',
  severity: 'low',
  category: 'resources',
  description:
    'Without a readiness probe a pod receives Service traffic as soon as its containers start, before the application can answer, and keeps receiving it when the application stops answering; rollouts proceed over broken pods.',
  remediation: 'Add a readinessProbe that succeeds only when the container can serve requests.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
  standards: {},
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: missingProbeMessages('readinessProbe'),
  fix: containerTodoFix(
    'Leaves a TODO comment on the container: a probe needs an endpoint and timings only a person can choose.',
    `${TODO_COMMENT} add a readinessProbe (httpGet, tcpSocket, grpc or exec) that fails while the container cannot serve`,
  ),
  evaluate({ workload }) {
    return missingProbe(workload, 'readinessProbe');
  },
});
