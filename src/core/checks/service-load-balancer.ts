import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { asArray, asRecord, asString } from '../model/values.js';
import { INTERNAL_LOAD_BALANCER_ANNOTATIONS as INTERNAL_ANNOTATIONS, serviceType } from '../network/exposure.js';

const OPEN_RANGES = new Set(['0.0.0.0/0', '::/0']);

export default defineCheck({
  id: 'service-load-balancer',
  title: 'Service exposed through an external load balancer',
  severity: 'low',
  category: 'network',
  description:
    'A LoadBalancer Service asks the cloud for a public address and sends whatever reaches it to the pods. Internal load balancers (by the usual cloud annotations) and Services whose loadBalancerSourceRanges exclude 0.0.0.0/0 are not reported. Off by default: exposing a Service is often the point.',
  remediation: 'Expose HTTP services through an Ingress or Gateway, mark internal load balancers with the cloud annotation, or restrict the sources with spec.loadBalancerSourceRanges.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer',
    'https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/',
  ],
  standards: {
    mitre: ['T1133'],
  },
  enabledByDefault: false,
  appliesTo: { kinds: ['Service'] },
  options: {},
  messages: {
    openRange: 'Service "{{service}}" accepts load balancer traffic from {{range}}',
    open: 'Service "{{service}}" is exposed through an external load balancer open to any source',
  },
  *evaluate({ resource }) {
    if (serviceType(resource) !== 'LoadBalancer') return;
    const annotations = asRecord(metadataOf(resource.object).annotations) ?? {};
    for (const [key, values] of INTERNAL_ANNOTATIONS) {
      const value = annotations[key];
      if (value === undefined || value === null) continue;
      if (values === undefined ? String(value) !== 'false' : values.includes(String(value))) return;
    }
    const ranges = asArray(asRecord(resource.object.spec)?.loadBalancerSourceRanges).map((item) => asString(item)?.trim() ?? '');
    if (ranges.length > 0) {
      const open = ranges.findIndex((range) => OPEN_RANGES.has(range));
      if (open < 0) return;
      yield { path: ['spec', 'loadBalancerSourceRanges', open], messageId: 'openRange', data: { service: resource.ref.name, range: String(ranges[open]) } };
      return;
    }
    yield { path: ['spec', 'type'], messageId: 'open', data: { service: resource.ref.name } };
  },
});
