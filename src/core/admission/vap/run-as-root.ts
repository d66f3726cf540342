import type { VapTranslation } from './translation.js';

export default {
  id: 'run-as-root',
  matches: 'workloads',
  validations: () => [
    {
      // The container's field wins over the pod's; runAsUser: 0 is run-as-uid-zero's.
      expression:
        'variables.containers.all(c, c.?securityContext.?runAsNonRoot.orValue(variables.podSecurityContext.?runAsNonRoot.orValue(false)) == true' +
        ' || c.?securityContext.?runAsUser.hasValue() || variables.podSecurityContext.?runAsUser.hasValue())',
      message: 'a container does not set runAsNonRoot: true or a non-zero runAsUser (neither does the pod)',
    },
  ],
} satisfies VapTranslation;
