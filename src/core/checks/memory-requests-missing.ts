import { defineCheck } from '../model/check.js';
import { missingResource, missingResourceMessages } from './support/resources.js';
import { containerTodoFix, TODO_COMMENT } from './support/fixes.js';

export default defineCheck({
  id: 'memory-requests-missing',
  title: 'Container has no memory request',
  severity: 'low',
  category: 'resources',
  description:
    "Without a memory request the scheduler ignores the container's memory use; the node overcommits and the pod is among the first evicted or OOM-killed under pressure.",
  remediation:
    "Set resources.requests.memory on every container (a limit alone also sets the request), or give the namespace a LimitRange with a default memory request.",
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
  messages: missingResourceMessages('requests', 'memory'),
  fix: containerTodoFix(
    "Leaves a TODO comment on the container: the amount must come from the container's measured use.",
    `${TODO_COMMENT} set resources.requests.memory from the container's measured use`,
  ),
  evaluate({ resource, workload, inventory }) {
    return missingResource(resource, workload, inventory, 'requests', 'memory');
  },
});
