import type { VapTranslation } from './translation.js';

export default {
  id: 'privileged-container',
  matches: 'workloads',
  validations: () => [
    {
      expression: 'variables.containers.all(c, c.?securityContext.?privileged.orValue(false) != true)',
      message: 'a container runs privileged (securityContext.privileged: true)',
    },
  ],
} satisfies VapTranslation;
