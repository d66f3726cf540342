import { defineCheck } from '../model/check.js';
import { asArray, asRecord } from '../model/values.js';

export default defineCheck({
  id: 'service-external-ips',
  title: 'Service sets externalIPs',
  severity: 'medium',
  category: 'network',
  description:
    'kube-proxy routes traffic for a Service\'s externalIPs to its pods on every node, whoever owns the address: anyone allowed to create or patch a Service can intercept traffic meant for any IP, in-cluster or external (CVE-2020-8554, unfixed by design).',
  remediation:
    'Remove spec.externalIPs and use a LoadBalancer or an Ingress; block the field cluster-wide with the DenyServiceExternalIPs admission plugin or a policy.',
  references: [
    'https://github.com/kubernetes/kubernetes/issues/97076',
    'https://kubernetes.io/docs/concepts/services-networking/service/#external-ips',
  ],
  standards: {
    mitre: ['T1040'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['Service'] },
  options: {},
  messages: {
    one: 'Service "{{service}}" claims external IP {{ips}}',
    several: 'Service "{{service}}" claims external IPs {{ips}}',
  },
  *evaluate({ resource }) {
    const ips = asArray(asRecord(resource.object.spec)?.externalIPs);
    if (ips.length === 0) return;
    yield {
      path: ['spec', 'externalIPs'],
      messageId: ips.length === 1 ? 'one' : 'several',
      data: { service: resource.ref.name, ips: ips.map(String).join(', ') },
    };
  },
});
