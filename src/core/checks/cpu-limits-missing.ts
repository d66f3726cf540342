import { defineCheck } from '../model/check.js';
import { missingResource, missingResourceMessages } from './support/resources.js';
import { containerTodoFix, TODO_COMMENT } from './support/fixes.js';

export default defineCheck({
  id: 'cpu-limits-missing',
  title: 'Container has no CPU limit',
  severity: 'low',
  category: 'resources',
  description:
    "A container without a CPU limit can use every idle CPU of the node; requests still guarantee each container its share, so many operators leave CPU limits off on purpose to avoid throttling: this check is off by default.",
  remediation:
    "Set resources.limits.cpu on every container, or give the namespace a LimitRange with a default CPU limit.",
  references: [
    'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
    'https://kubernetes.io/docs/concepts/policy/limit-range/',
  ],
  standards: {
    nsa: ['Network separation: resource policies'],
    mitre: ['T1496'],
  },
  enabledByDefault: false,
  appliesTo: { workloads: true },
  reads: { kinds: ['LimitRange'], scope: 'namespace' },
  options: {},
  messages: missingResourceMessages('limits', 'cpu'),
  fix: containerTodoFix(
    "Leaves a TODO comment on the container: the amount must come from the container's measured use.",
    `${TODO_COMMENT} set resources.limits.cpu from the container's measured use`,
  ),
  evaluate({ resource, workload, inventory }) {
    return missingResource(resource, workload, inventory, 'limits', 'cpu');
  },
});
