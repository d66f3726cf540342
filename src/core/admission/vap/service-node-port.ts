import type { VapTranslation } from './translation.js';

export default {
  id: 'service-node-port',
  matches: ['Service'],
  validations: () => [{ expression: "object.spec.?type.orValue('ClusterIP') != 'NodePort'", message: 'the Service is of type NodePort: its ports open on every node' }],
} satisfies VapTranslation;
