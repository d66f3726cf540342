import type { VapTranslation } from './translation.js';

export default {
  id: 'windows-host-process',
  matches: 'workloads',
  validations: () => [
    {
      expression:
        'variables.podSecurityContext.?windowsOptions.?hostProcess.orValue(false) != true && variables.containers.all(c, c.?securityContext.?windowsOptions.?hostProcess.orValue(false) != true)',
      message: 'the pod or a container sets windowsOptions.hostProcess: true',
    },
  ],
} satisfies VapTranslation;
