import { WORKLOAD_KINDS } from '../kinds/pod-spec.js';
import { namespaceName } from '../kinds/namespaces.js';
import { defineCheck } from '../model/check.js';
import { asStringRecord } from '../model/values.js';
import { describeSource, isMeshedNamespaceMode, istioNamespaceMode, istioPodMembership, isIstioProxy } from '../mesh/istio.js';
import { istioModeOf, peerAuthenticationAnalysis } from '../mesh/analyses.js';
import { hasControllerOwner } from './support/ownership.js';

export default defineCheck({
  id: 'istio-mtls-not-strict',
  title: 'Istio accepts plaintext: mutual TLS is not STRICT',
  severity: 'medium',
  category: 'network',
  description:
    'Istio encrypts and authenticates traffic between workloads with mutual TLS, but under PERMISSIVE (Istio\'s default when no PeerAuthentication applies) or DISABLE a workload still accepts plaintext: any pod, meshed or not, can connect without an identity and read or alter traffic on the way, and authorization policies on principals or namespaces cannot hold. The mode is resolved as istiod does: a workload PeerAuthentication (a selector, in the workload\'s namespace; selector policies in the root namespace are ignored) over the namespace\'s (no selector) over the mesh-wide one (no selector, in the root namespace), the oldest winning at each level (then by name), UNSET inheriting from the level above, portLevelMtls of the workload policy overriding per container port. Reported on Namespaces labelled for Istio (istio-injection=enabled, istio.io/rev, istio.io/dataplane-mode=ambient) whose resolved mode is not STRICT, and on meshed workloads whose own policy is not STRICT, that inherit a mode that is not STRICT from a namespace not in the scan, or that are STRICT but for a port-level setting. Nothing is reported where Istio is not in use: a workload is meshed when its namespace is labelled for Istio or its pod template asks for a sidecar (label sidecar.istio.io/inject=true, or istio.io/rev, in a namespace without istio-injection label) or ambient (istio.io/dataplane-mode=ambient); Istio\'s own proxies (proxyv2, ztunnel images) are left out. Assumes the Istio version reads PeerAuthentication as Istio 1.2x does and that the mesh root namespace is the rootNamespace option.',
  remediation:
    'Add a PeerAuthentication with mtls.mode STRICT in the root namespace (mesh-wide) or in the namespace, and remove workload or port-level exceptions that set PERMISSIVE or DISABLE once every client is meshed.',
  references: [
    'https://istio.io/latest/docs/reference/config/security/peer_authentication/',
    'https://istio.io/latest/docs/concepts/security/#peer-authentication',
    'https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/',
  ],
  standards: {
    nsa: ['Network separation: network policies', 'Authentication and authorization'],
    mitre: ['T1040'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: [...WORKLOAD_KINDS, 'Namespace'].sort() },
  // The workload's own Namespace (its Istio labels); PeerAuthentications anywhere, through the analysis.
  reads: { kinds: ['Namespace'], lookups: 'namespace', analyses: [peerAuthenticationAnalysis], scope: 'cluster' },
  appliesWhen: {
    description: 'Namespaces labelled for Istio and workloads in an Istio data plane',
    test({ resource, workload, inventory }) {
      if (resource.ref.kind === 'Namespace') return isMeshedNamespaceMode(istioNamespaceMode(resource.object));
      if (!workload || workload.kind === 'PodTemplate' || isIstioProxy(workload)) return false;
      const mode = istioPodMembership(workload, istioModeOf(inventory, resource.ref.namespace ?? 'default')).mode;
      return mode === 'sidecar' || mode === 'ambient';
    },
  },
  options: {
    rootNamespace: {
      type: 'string',
      default: 'istio-system',
      description: 'The mesh configuration\'s rootNamespace, where a PeerAuthentication without a selector applies mesh-wide.',
    },
  },
  messages: {
    namespace: 'namespace "{{namespace}}" is in the Istio mesh and accepts plaintext ({{mode}}): {{why}}',
    workload: '{{kind}} "{{name}}" is in the Istio mesh and accepts plaintext ({{mode}}): {{why}}',
    port: '{{kind}} "{{name}}" accepts plaintext on port {{port}} ({{mode}}): PeerAuthentication {{policy}} sets portLevelMtls {{port}} to {{declared}}',
  },
  *evaluate({ resource, workload, inventory, options }) {
    const index = inventory.get(peerAuthenticationAnalysis)(options.rootNamespace);
    if (resource.ref.kind === 'Namespace') {
      const name = namespaceName(resource.object);
      if (name === undefined || !isMeshedNamespaceMode(istioNamespaceMode(resource.object))) return;
      const { mode, source } = index.namespaceMode(name);
      if (mode !== 'STRICT') yield { path: ['metadata', 'name'], messageId: 'namespace', data: { namespace: name, mode, why: describeSource(source) } };
      return;
    }
    if (!workload || workload.kind === 'PodTemplate' || hasControllerOwner(resource.object) || isIstioProxy(workload)) return;
    const namespace = resource.ref.namespace ?? 'default';
    const namespaceMode = istioModeOf(inventory, namespace);
    const membership = istioPodMembership(workload, namespaceMode);
    if (membership.mode !== 'sidecar' && membership.mode !== 'ambient') return;
    const effective = index.effective(namespace, asStringRecord(workload.podMetadata.labels));
    const data = { kind: resource.ref.kind, name: resource.ref.name };
    const path = [...workload.podMetadataPath, 'labels'];
    if (effective.mode !== 'STRICT') {
      // A mode inherited from a scanned Namespace is reported there, once.
      const inherited = effective.source.level !== 'workload';
      if (!inherited || namespaceMode === undefined) {
        yield { path, messageId: 'workload', data: { ...data, mode: effective.mode, why: describeSource(effective.source) } };
      }
      return;
    }
    const policy = effective.workloadPolicy;
    if (!policy) return;
    for (const entry of effective.ports) {
      if (entry.mode === 'STRICT') continue;
      const declared = policy.ports.find((item) => item.key === entry.key)?.mode ?? entry.mode;
      yield { path, messageId: 'port', data: { ...data, port: entry.port, mode: entry.mode, declared, policy: `${policy.namespace}/${policy.name}` } };
    }
  },
});
