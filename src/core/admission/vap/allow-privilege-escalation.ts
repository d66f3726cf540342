import { DECLARES_WINDOWS, type VapTranslation } from './translation.js';

export default {
  id: 'allow-privilege-escalation',
  matches: 'workloads',
  validations: () => [
    {
      // false is required, and means nothing for a privileged or CAP_SYS_ADMIN container.
      expression:
        `${DECLARES_WINDOWS} || variables.containers.all(c, c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false` +
        " && c.?securityContext.?privileged.orValue(false) != true" +
        " && !c.?securityContext.?capabilities.?add.orValue([]).exists(a, a.upperAscii() == 'SYS_ADMIN' || a.upperAscii() == 'CAP_SYS_ADMIN'))",
      message: 'a container does not set securityContext.allowPrivilegeEscalation: false (or is privileged or adds SYS_ADMIN, which escalate anyway)',
    },
  ],
} satisfies VapTranslation;
