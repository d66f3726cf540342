import { defineCheck } from '../model/check.js';
import { missingResource, missingResourceMessages } from './support/resources.js';
import { containerTodoFix, TODO_COMMENT } from './support/fixes.js';

export default defineCheck({
  id: 'memory-limits-missing',
  title: 'Container has no memory limit',
  severity: 'medium',
  category: 'resources',
  description:
    "A container without a memory limit can take all of the node's memory: a leak or a hostile process pushes its neighbours out of memory and gets them evicted or killed.",
  remediation:
    "Set resources.limits.memory on every container, or give the namespace a LimitRange with a default memory limit.",
  references: [
    'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
    'https://kubernetes.io/docs/concepts/policy/limit-range/',
  ],
  standards: {
    nsa: ['Network separation: resource policies'],
    mitre: ['T1496', 'T1499'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  reads: { kinds: ['LimitRange'], scope: 'namespace' },
  options: {},
  messages: missingResourceMessages('limits', 'memory'),
  fix: containerTodoFix(
    "Leaves a TODO comment on the container: the amount must come from the container's measured use.",
    `${TODO_COMMENT} set resources.limits.memory from the container's measured use`,
  ),
  evaluate({ resource, workload, inventory }) {
    return missingResource(resource, workload, inventory, 'limits', 'memory');
  },
});
