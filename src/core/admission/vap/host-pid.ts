import { podFlag, type VapTranslation } from './translation.js';

export default {
  id: 'host-pid',
  matches: 'workloads',
  validations: () => [{ expression: podFlag('hostPID'), message: 'the pod shares the node process namespace (hostPID: true)' }],
} satisfies VapTranslation;
