import { USES_USER_NAMESPACE, type VapTranslation } from './translation.js';

export default {
  id: 'run-as-root',
  matches: 'workloads',
  validations: () => [
    {
      // As Pod Security's runAsNonRoot rule: an explicit false anywhere is refused, and every
      // container must end up with true (its own field, else the pod's); a non-zero runAsUser
      // alone is not enough. Pods in a user namespace are left out (run-as-uid-zero's rule).
      expression:
        `${USES_USER_NAMESPACE} || (variables.podSecurityContext.?runAsNonRoot.orValue(true) != false && variables.containers.all(c,` +
        ' c.?securityContext.?runAsNonRoot.orValue(true) != false && (c.?securityContext.?runAsNonRoot.orValue(false) == true' +
        ' || variables.podSecurityContext.?runAsNonRoot.orValue(false) == true' +
        // runAsUser: 0 is run-as-uid-zero's.
        ' || c.?securityContext.?runAsUser.orValue(variables.podSecurityContext.?runAsUser.orValue(-1)) == 0)))',
      message: 'the pod or a container does not run as non-root: runAsNonRoot must be true (set on the pod or on every container) and never false',
    },
  ],
} satisfies VapTranslation;
