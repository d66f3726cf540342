import { DECLARES_WINDOWS, type VapTranslation } from './translation.js';

export default {
  id: 'seccomp-profile-missing',
  matches: 'workloads',
  validations: () => [
    {
      // Unconfined is seccomp-unconfined's.
      expression:
        `${DECLARES_WINDOWS} || variables.containers.all(c, c.?securityContext.?seccompProfile.?type.orValue(variables.podSecurityContext.?seccompProfile.?type.orValue(''))` +
        " in ['RuntimeDefault', 'Localhost', 'Unconfined'])",
      message: 'a container has no seccomp profile of type RuntimeDefault or Localhost (neither it nor the pod sets one)',
    },
  ],
} satisfies VapTranslation;
