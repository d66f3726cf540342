import { WORKLOAD_KINDS } from '../kinds/pod-spec.js';
import { namespaceName } from '../kinds/namespaces.js';
import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { asStringRecord } from '../model/values.js';
import { linkerdNamespaceMeshed, linkerdPodMembership, parsePortList, SKIP_INBOUND_PORTS } from '../mesh/linkerd.js';
import { hasControllerOwner } from './support/ownership.js';

export default defineCheck({
  id: 'linkerd-skip-inbound-ports',
  title: 'Linkerd proxy skipped for inbound ports',
  severity: 'medium',
  category: 'network',
  description:
    'config.linkerd.io/skip-inbound-ports makes the proxy-init iptables rules hand connections to these ports straight to the application: the Linkerd proxy never sees them, so they are plaintext, carry no client identity and bypass every Server and AuthorizationPolicy, for meshed and unmeshed clients alike. Linkerd documents it as a debugging aid. Reported on meshed pod templates (linkerd.io/inject enabled or ingress on the pod, or on its scanned Namespace without a pod opt-out) that set it, and on Namespaces annotated for injection that set it for their pods (a pod\'s own annotation replaces the namespace\'s). A pod template whose namespace is not scanned is reported unless it opts out itself: the annotation only has a meaning under Linkerd. Opaque ports (config.linkerd.io/opaque-ports, appProtocol linkerd.io/opaque) are not reported: they skip only protocol detection and stay mutually authenticated between meshed pods. skip-outbound-ports is not reported either: it is mostly used for destinations outside the mesh (the API server, external databases), which Linkerd cannot encrypt anyway.',
  remediation:
    'Remove the port from config.linkerd.io/skip-inbound-ports; for a protocol that breaks protocol detection (server-speaks-first, such as SMTP or MySQL), mark the port opaque instead (config.linkerd.io/opaque-ports or a Server with proxyProtocol: opaque), which keeps mutual TLS.',
  references: [
    'https://linkerd.io/2-edge/features/protocol-detection/#marking-ports-as-skip-ports',
    'https://linkerd.io/2-edge/reference/proxy-configuration/',
  ],
  standards: {
    nsa: ['Network separation: network policies', 'Authentication and authorization'],
    mitre: ['T1040'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: [...WORKLOAD_KINDS, 'Namespace'].sort() },
  reads: { kinds: ['Namespace'], scope: 'namespace' },
  options: {},
  messages: {
    workload: '{{kind}} "{{name}}" is meshed by Linkerd but skips its proxy for inbound port {{ports}}: plaintext, no client identity, no policy',
    workloadPorts: '{{kind}} "{{name}}" is meshed by Linkerd but skips its proxy for inbound ports {{ports}}: plaintext, no client identity, no policy',
    namespace: 'namespace "{{namespace}}" injects Linkerd but skips the proxy for inbound port {{ports}} of its pods: plaintext, no client identity, no policy',
    namespacePorts: 'namespace "{{namespace}}" injects Linkerd but skips the proxy for inbound ports {{ports}} of its pods: plaintext, no client identity, no policy',
  },
  *evaluate({ resource, workload, inventory }) {
    if (resource.ref.kind === 'Namespace') {
      const name = namespaceName(resource.object);
      const value = asStringRecord(metadataOf(resource.object).annotations)[SKIP_INBOUND_PORTS];
      if (name === undefined || value === undefined || !linkerdNamespaceMeshed(resource.object)) return;
      const ports = parsePortList(value).filter((port) => port !== undefined);
      if (ports.length === 0) return;
      yield { path: ['metadata', 'annotations', SKIP_INBOUND_PORTS], messageId: ports.length === 1 && ports[0]!.from === ports[0]!.to ? 'namespace' : 'namespacePorts', data: { namespace: name, ports: ports.map((port) => port!.text).join(', ') } };
      return;
    }
    if (!workload || workload.kind === 'PodTemplate' || hasControllerOwner(resource.object)) return;
    const value = asStringRecord(workload.podMetadata.annotations)[SKIP_INBOUND_PORTS];
    if (value === undefined) return;
    const namespace = inventory.find('Namespace', undefined, resource.ref.namespace ?? 'default');
    const membership = linkerdPodMembership(workload, namespace ? linkerdNamespaceMeshed(namespace.object) : undefined);
    if (membership.meshed === false) return;
    const ports = parsePortList(value).filter((port) => port !== undefined);
    if (ports.length === 0) return;
    const single = ports.length === 1 && ports[0]!.from === ports[0]!.to;
    yield {
      path: [...workload.podMetadataPath, 'annotations', SKIP_INBOUND_PORTS],
      messageId: single ? 'workload' : 'workloadPorts',
      data: { kind: resource.ref.kind, name: resource.ref.name, ports: ports.map((port) => port!.text).join(', ') },
    };
  },
});
