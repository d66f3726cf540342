import { defineCheck } from '../model/check.js';
import { serviceType } from '../network/exposure.js';

export default defineCheck({
  id: 'service-node-port',
  title: 'Service of type NodePort',
  severity: 'low',
  category: 'network',
  description:
    'A NodePort Service opens its port on every node of the cluster, on every node address, usually past the perimeter that protects the Service network; NetworkPolicy applies to the pods behind it, not to the nodes.',
  remediation: 'Use a ClusterIP Service behind an Ingress or Gateway, or a LoadBalancer restricted with loadBalancerSourceRanges; if a NodePort is required, firewall the node port range.',
  references: ['https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport'],
  standards: {
    mitre: ['T1133'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['Service'] },
  options: {},
  messages: {
    nodePort: 'Service "{{service}}" is of type NodePort: its ports open on every node',
  },
  *evaluate({ resource }) {
    if (serviceType(resource) !== 'NodePort') return;
    yield { path: ['spec', 'type'], messageId: 'nodePort', data: { service: resource.ref.name } };
  },
});
