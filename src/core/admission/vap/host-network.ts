import { podFlag, type VapTranslation } from './translation.js';

export default {
  id: 'host-network',
  matches: 'workloads',
  validations: () => [{ expression: podFlag('hostNetwork'), message: 'the pod shares the node network namespace (hostNetwork: true)' }],
} satisfies VapTranslation;
