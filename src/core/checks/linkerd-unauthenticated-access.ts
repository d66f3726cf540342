import { WORKLOAD_KINDS } from '../kinds/pod-spec.js';
import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { asArray, asRecord, asString, asStringRecord } from '../model/values.js';
import { DEFAULT_INBOUND_POLICY, UNAUTHENTICATED_POLICIES } from '../mesh/linkerd.js';
import { hasControllerOwner } from './support/ownership.js';

/** Authentication kinds that require a mesh (mTLS) identity. */
const IDENTITY_KINDS = new Set(['MeshTLSAuthentication', 'ServiceAccount']);

export default defineCheck({
  id: 'linkerd-unauthenticated-access',
  title: 'Linkerd policy admits clients without a mesh identity',
  severity: 'medium',
  category: 'network',
  description:
    'Linkerd authenticates meshed clients by the identity in their mutual TLS certificate; a policy that lets clients in without one accepts plaintext connections from any pod (meshed or not) that can reach the port, and nothing ties a request to a workload. Reported on: a Namespace or pod template whose config.linkerd.io/default-inbound-policy is all-unauthenticated, cluster-unauthenticated or audit; a policy.linkerd.io Server whose accessPolicy (traffic no authorization matches; deny by default) is one of those; a ServerAuthorization with client.unauthenticated: true; an AuthorizationPolicy whose requiredAuthenticationRefs name only NetworkAuthentications (clients are then authorized by IP address alone; all refs must match, so one MeshTLSAuthentication or ServiceAccount ref requires an identity; a policy without refs is rejected by Linkerd and not reported). Only policy.linkerd.io objects and Linkerd\'s own annotations are read, so nothing is reported where Linkerd is not in use. Not reported: the cluster-wide default (proxy.defaultInboundPolicy, all-unauthenticated unless set at install: set it to all-authenticated or deny), and meshTLS.unauthenticatedTLS, which Linkerd\'s identity controller needs. Kubelet probes cannot present an identity: a NetworkAuthentication policy for a probe route (as linkerd viz allow-scrapes writes) is reported and can be suppressed by annotation.',
  remediation:
    'Require an identity: set default-inbound-policy or accessPolicy to all-authenticated, cluster-authenticated or deny, replace client.unauthenticated with meshTLS serviceAccounts or identities, and add a MeshTLSAuthentication or ServiceAccount to requiredAuthenticationRefs.',
  references: [
    'https://linkerd.io/2-edge/reference/authorization-policy/',
    'https://linkerd.io/2-edge/features/server-policy/',
    'https://linkerd.io/2-edge/tasks/restricting-access/',
  ],
  standards: {
    nsa: ['Network separation: network policies', 'Authentication and authorization'],
    mitre: ['T1040'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: [...WORKLOAD_KINDS, 'AuthorizationPolicy', 'Namespace', 'Server', 'ServerAuthorization'].sort() },
  options: {},
  messages: {
    defaultPolicy: '{{what}} sets {{key}}: {{value}}: the Linkerd proxy admits {{who}}, with no mesh identity required',
    accessPolicy: 'Server "{{name}}" has accessPolicy {{value}}: on port {{port}}, traffic that no authorization matches is admitted from {{who}}, with no mesh identity required',
    serverAuthorization: 'ServerAuthorization "{{name}}" authorizes unauthenticated clients{{networks}} to {{servers}}',
    networkOnly: 'AuthorizationPolicy "{{name}}" authorizes clients to {{target}} by network alone ({{refs}}): they need no mesh identity',
  },
  *evaluate({ resource, workload }) {
    const kind = resource.ref.kind;
    const linkerdPolicy = resource.ref.apiVersion.startsWith('policy.linkerd.io/');
    const spec = asRecord(resource.object.spec) ?? {};
    if (kind === 'Namespace' || workload) {
      if (workload && (workload.kind === 'PodTemplate' || hasControllerOwner(resource.object))) return;
      const annotations = asStringRecord(workload ? workload.podMetadata.annotations : metadataOf(resource.object).annotations);
      const value = annotations[DEFAULT_INBOUND_POLICY];
      if (value === undefined || UNAUTHENTICATED_POLICIES[value] === undefined) return;
      const path = workload ? [...workload.podMetadataPath, 'annotations', DEFAULT_INBOUND_POLICY] : ['metadata', 'annotations', DEFAULT_INBOUND_POLICY];
      const what = kind === 'Namespace' ? `namespace "${resource.ref.name}"` : `${kind} "${resource.ref.name}"`;
      yield { path, messageId: 'defaultPolicy', data: { what, key: DEFAULT_INBOUND_POLICY, value, who: UNAUTHENTICATED_POLICIES[value] } };
      return;
    }
    if (!linkerdPolicy) return;
    if (kind === 'Server') {
      const value = asString(spec.accessPolicy);
      if (value === undefined || UNAUTHENTICATED_POLICIES[value] === undefined) return;
      yield { path: ['spec', 'accessPolicy'], messageId: 'accessPolicy', data: { name: resource.ref.name, value, port: String(spec.port ?? '?'), who: UNAUTHENTICATED_POLICIES[value] } };
      return;
    }
    if (kind === 'ServerAuthorization') {
      const client = asRecord(spec.client);
      if (client?.unauthenticated !== true) return;
      const server = asRecord(spec.server);
      const servers = asString(server?.name) !== undefined ? `Server "${asString(server?.name)}"` : 'the Servers its selector matches';
      const cidrs = asArray(client.networks).map((network) => asString(asRecord(network)?.cidr)).filter((cidr) => cidr !== undefined);
      const networks = cidrs.length > 0 ? ` from ${cidrs.join(', ')}` : '';
      yield { path: ['spec', 'client', 'unauthenticated'], messageId: 'serverAuthorization', data: { name: resource.ref.name, networks, servers } };
      return;
    }
    if (kind === 'AuthorizationPolicy') {
      const refs = asArray(spec.requiredAuthenticationRefs).map(asRecord).filter((ref) => ref !== undefined);
      if (refs.length === 0) return;
      if (refs.some((ref) => IDENTITY_KINDS.has(asString(ref.kind) ?? ''))) return;
      if (!refs.every((ref) => asString(ref.kind) === 'NetworkAuthentication')) return;
      const target = asRecord(spec.targetRef);
      const targetText = `${asString(target?.kind) ?? '?'} "${asString(target?.name) ?? '?'}"`;
      const names = refs.map((ref) => `NetworkAuthentication ${asString(ref.namespace) !== undefined ? `${asString(ref.namespace)}/` : ''}${asString(ref.name) ?? '?'}`);
      yield { path: ['spec', 'requiredAuthenticationRefs'], messageId: 'networkOnly', data: { name: resource.ref.name, target: targetText, refs: names.join(', ') } };
    }
  },
});
