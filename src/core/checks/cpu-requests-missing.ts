import { defineCheck } from '../model/check.js';
import { missingResource, missingResourceMessages } from './support/resources.js';
import { containerTodoFix, TODO_COMMENT } from './support/fixes.js';

export default defineCheck({
  id: 'cpu-requests-missing',
  title: 'Container has no CPU request',
  severity: 'low',
  category: 'resources',
  description:
    "Without a CPU request the scheduler places the pod as if it needed no CPU and the container gets the smallest CPU share under contention; overcommitted nodes starve their neighbours.",
  remediation:
    "Set resources.requests.cpu on every container (a limit alone also sets the request), or give the namespace a LimitRange with a default CPU request.",
  references: [
    'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
    'https://kubernetes.io/docs/concepts/policy/limit-range/',
  ],
  standards: {
    nsa: ['Network separation: resource policies'],
    mitre: ['T1499'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  reads: { kinds: ['LimitRange'], scope: 'namespace' },
  options: {},
  messages: missingResourceMessages('requests', 'cpu'),
  fix: containerTodoFix(
    "Leaves a TODO comment on the container: the amount must come from the container's measured use.",
    `${TODO_COMMENT} set resources.requests.cpu from the container's measured use`,
  ),
  evaluate({ resource, workload, inventory }) {
    return missingResource(resource, workload, inventory, 'requests', 'cpu');
  },
});
