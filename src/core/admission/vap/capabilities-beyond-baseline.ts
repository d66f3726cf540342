import { BASELINE_CAPABILITIES } from '../../pod-security/pods.js';
import { celStrings, type VapTranslation } from './translation.js';

export default {
  id: 'capabilities-beyond-baseline',
  matches: 'workloads',
  validations: () => [
    {
      expression: `variables.containers.all(c, c.?securityContext.?capabilities.?add.orValue([]).all(a, a in ${celStrings([...BASELINE_CAPABILITIES].sort())}))`,
      message: 'a container adds a capability outside the Pod Security baseline set (names compared exactly)',
    },
  ],
} satisfies VapTranslation;
