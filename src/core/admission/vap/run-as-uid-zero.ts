import { USES_USER_NAMESPACE, type VapTranslation } from './translation.js';

export default {
  id: 'run-as-uid-zero',
  matches: 'workloads',
  validations: () => [
    {
      expression: `${USES_USER_NAMESPACE} || (variables.podSecurityContext.?runAsUser.orValue(-1) != 0 && variables.containers.all(c, c.?securityContext.?runAsUser.orValue(-1) != 0))`,
      message: 'the pod or a container sets runAsUser: 0',
    },
  ],
} satisfies VapTranslation;
