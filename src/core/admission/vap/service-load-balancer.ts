import { INTERNAL_LOAD_BALANCER_ANNOTATIONS as INTERNAL_ANNOTATIONS } from '../../network/exposure.js';
import { celString, celStrings, type VapTranslation } from './translation.js';

export default {
  id: 'service-load-balancer',
  matches: ['Service'],
  validations: () => {
    const annotations = 'object.metadata.?annotations.orValue({})';
    const internal = INTERNAL_ANNOTATIONS.map(([key, values]) => {
      const value = `${annotations}[${celString(key)}]`;
      return `(${celString(key)} in ${annotations} && ${values === undefined ? `${value} != 'false'` : `${value} in ${celStrings(values)}`})`;
    }).join(' || ');
    const ranges = "object.spec.?loadBalancerSourceRanges.orValue([])";
    return [
      {
        expression: `object.spec.?type.orValue('ClusterIP') != 'LoadBalancer' || ${internal} || (${ranges}.size() > 0 && !${ranges}.exists(r, r.trim() in ['0.0.0.0/0', '::/0']))`,
        message: 'the Service is exposed through an external load balancer open to any source',
      },
    ];
  },
} satisfies VapTranslation;
