import type { VapTranslation } from './translation.js';

export default {
  id: 'host-path-volume',
  matches: 'workloads',
  validations: () => [{ expression: '!variables.podSpec.?volumes.orValue([]).exists(v, has(v.hostPath))', message: 'the pod mounts a hostPath volume' }],
} satisfies VapTranslation;
