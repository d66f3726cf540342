import { celString, celStrings, type VapTranslation } from './translation.js';

/**
 * Cloud annotations that make a LoadBalancer internal, as the check has them
 * (src/core/checks/service-load-balancer.ts keeps them private: on merge, move them to
 * core/network/exposure.ts and import them from both). undefined: any value but "false".
 */
const INTERNAL_ANNOTATIONS: ReadonlyArray<[string, readonly string[] | undefined]> = [
  ['service.beta.kubernetes.io/aws-load-balancer-internal', undefined],
  ['service.beta.kubernetes.io/aws-load-balancer-scheme', ['internal']],
  ['networking.gke.io/load-balancer-type', ['Internal']],
  ['cloud.google.com/load-balancer-type', ['Internal', 'internal']],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', ['true']],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', ['true']],
  ['service.beta.kubernetes.io/openstack-internal-load-balancer', ['true']],
  ['service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type', ['private']],
];

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
