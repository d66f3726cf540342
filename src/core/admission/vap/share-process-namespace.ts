import { podFlag, type VapTranslation } from './translation.js';

export default {
  id: 'share-process-namespace',
  matches: 'workloads',
  validations: () => [{ expression: podFlag('shareProcessNamespace'), message: 'the containers of the pod share one process namespace (shareProcessNamespace: true)' }],
} satisfies VapTranslation;
