import type { VapTranslation } from './translation.js';

export default {
  id: 'service-external-ips',
  matches: ['Service'],
  validations: () => [{ expression: 'object.spec.?externalIPs.orValue([]).size() == 0', message: 'the Service claims external IPs (spec.externalIPs)' }],
} satisfies VapTranslation;
