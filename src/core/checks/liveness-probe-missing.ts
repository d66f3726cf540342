import { defineCheck } from '../model/check.js';
import { missingProbe, missingProbeMessages } from './support/resources.js';
import { containerTodoFix, TODO_COMMENT } from './support/fixes.js';

export default defineCheck({
  id: 'liveness-probe-missing',
  title: 'Container has no liveness probe',
  severity: 'low',
  category: 'resources',
  description:
    'Without a liveness probe the kubelet restarts a container only when its process exits; a deadlocked or wedged process keeps running and keeps failing requests.',
  remediation:
    'Add a livenessProbe (httpGet, tcpSocket, grpc or exec) that fails only when the process cannot recover by itself; add a startupProbe for slow starts.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
  standards: {},
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: missingProbeMessages('livenessProbe'),
  fix: containerTodoFix(
    'Leaves a TODO comment on the container: a probe needs an endpoint and timings only a person can choose.',
    `${TODO_COMMENT} add a livenessProbe (httpGet, tcpSocket, grpc or exec) that fails only when the process cannot recover`,
  ),
  evaluate({ workload }) {
    return missingProbe(workload, 'livenessProbe');
  },
});
