import { BASELINE_CAPABILITIES } from '../../pod-security/pods.js';
import { celStrings, DECLARES_WINDOWS, type VapTranslation } from './translation.js';

export default {
  id: 'capabilities-added',
  matches: 'workloads',
  validations: () => [
    {
      // Pod Security compares raw names; names outside the baseline set are capabilities-beyond-baseline's.
      expression: `${DECLARES_WINDOWS} || variables.containers.all(c, c.?securityContext.?capabilities.?add.orValue([]).all(a, a == 'NET_BIND_SERVICE' || !(a in ${celStrings([...BASELINE_CAPABILITIES].sort())})))`,
      message: 'a container adds a capability other than NET_BIND_SERVICE',
    },
  ],
} satisfies VapTranslation;
