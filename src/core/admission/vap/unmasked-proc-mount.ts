import { USES_USER_NAMESPACE, type VapTranslation } from './translation.js';

export default {
  id: 'unmasked-proc-mount',
  matches: 'workloads',
  validations: (options) => [
    {
      expression: `${options.allowInUserNamespace === true ? `${USES_USER_NAMESPACE} || ` : ''}variables.containers.all(c, c.?securityContext.?procMount.orValue('Default') == 'Default')`,
      message: 'a container sets procMount to something other than Default',
    },
  ],
} satisfies VapTranslation;
