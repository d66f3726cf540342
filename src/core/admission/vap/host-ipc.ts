import { podFlag, type VapTranslation } from './translation.js';

export default {
  id: 'host-ipc',
  matches: 'workloads',
  validations: () => [{ expression: podFlag('hostIPC'), message: 'the pod shares the node IPC namespace (hostIPC: true)' }],
} satisfies VapTranslation;
