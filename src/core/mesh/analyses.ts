/**
 * The service-mesh model of an inventory, as analyses: Istio's PeerAuthentications indexed the
 * way istiod composes them, and which Services are in an Istio data plane (by the pods they
 * select, or their namespace when no scanned pod is selected).
 */
import { defineAnalysis, keyed } from '../inventory/analysis.js';
import type { Inventory } from '../inventory/inventory.js';
import { WORKLOAD_KINDS } from '../kinds/pod-spec.js';
import type { Resource } from '../model/resource.js';
import { matchesMapSelector } from '../model/selectors.js';
import { asArray, asRecord, asString, asStringRecord } from '../model/values.js';
import { destinationRuleHost, isMeshedNamespaceMode, istioNamespaceMode, istioPodMembership, isIstioProxy, PeerAuthenticationIndex, readPeerAuthentication, type IstioNamespaceMode } from './istio.js';

/** PeerAuthentications by root namespace (the mesh config's rootNamespace is an option). */
export const peerAuthenticationAnalysis = defineAnalysis<(rootNamespace: string) => PeerAuthenticationIndex>({
  id: 'mesh/istio-peer-authentication',
  reads: ['PeerAuthentication'],
  scope: 'cluster',
  build: (inventory) => keyed((rootNamespace: string) => new PeerAuthenticationIndex(inventory.ofKind('PeerAuthentication').map(readPeerAuthentication), rootNamespace)),
});

/** The Istio mode a namespace's labels select; undefined when its Namespace object is not scanned. */
export function istioModeOf(inventory: Inventory, namespace: string): IstioNamespaceMode | undefined {
  const object = inventory.find('Namespace', undefined, namespace);
  return object ? istioNamespaceMode(object.object) : undefined;
}

/** A Kubernetes Service as a mesh destination. */
export interface MeshService {
  service: Resource;
  hostname: string;
  /** Service ports (what DestinationRule port selectors name). */
  ports: number[];
  /** true when its pods (or, with no scanned pod selected, its namespace) are in an Istio data plane; undefined when unknown. */
  inMesh: boolean | undefined;
}

function meshServices(inventory: Inventory, clusterDomain: string): Map<string, MeshService> {
  const out = new Map<string, MeshService>();
  for (const service of inventory.ofKind('Service')) {
    const spec = asRecord(service.object.spec) ?? {};
    if (asString(spec.type) === 'ExternalName') continue;
    const namespace = service.ref.namespace ?? 'default';
    const hostname = `${service.ref.name}.${namespace}.svc.${clusterDomain}`.toLowerCase();
    const ports = asArray(spec.ports)
      .map((port) => asRecord(port)?.port)
      .filter((port): port is number => typeof port === 'number');
    const namespaceMode = istioModeOf(inventory, namespace);
    const selector = asStringRecord(spec.selector);
    let inMesh: boolean | undefined;
    let selected = false;
    if (Object.keys(selector).length > 0) {
      for (const candidate of inventory.ofKindsIn(WORKLOAD_KINDS, namespace)) {
        const workload = inventory.workloadOf(candidate);
        if (!workload || workload.kind === 'PodTemplate' || isIstioProxy(workload)) continue;
        if (!matchesMapSelector(selector, asStringRecord(workload.podMetadata.labels))) continue;
        selected = true;
        const mode = istioPodMembership(workload, namespaceMode).mode;
        if (mode === 'sidecar' || mode === 'ambient') inMesh = true;
        else if (mode === 'none' && inMesh === undefined) inMesh = false;
      }
    }
    if (!selected && namespaceMode !== undefined) inMesh = isMeshedNamespaceMode(namespaceMode);
    out.set(hostname, { service, hostname, ports, inMesh });
  }
  return out;
}

/** Scanned Services by hostname (name.namespace.svc.<clusterDomain>), per cluster domain. */
export const meshServicesAnalysis = defineAnalysis<(clusterDomain: string) => Map<string, MeshService>>({
  id: 'mesh/istio-services',
  reads: ['Namespace', 'Service', ...WORKLOAD_KINDS],
  scope: 'cluster',
  build: (inventory) => keyed((clusterDomain: string) => meshServices(inventory, clusterDomain)),
});

/** Hostnames that some DestinationRule names exactly (not by wildcard), per cluster domain: a wildcard rule does not apply to them. */
export const exactRuleHostsAnalysis = defineAnalysis<(clusterDomain: string) => Set<string>>({
  id: 'mesh/istio-exact-rule-hosts',
  reads: ['DestinationRule'],
  scope: 'cluster',
  build: (inventory) =>
    keyed((clusterDomain: string) => {
      const out = new Set<string>();
      for (const rule of inventory.ofKind('DestinationRule')) {
        if (!rule.ref.apiVersion.startsWith('networking.istio.io/')) continue;
        const host = asString(asRecord(rule.object.spec)?.host);
        if (host === undefined || host.includes('*')) continue;
        out.add(destinationRuleHost(host, rule.ref.namespace ?? 'default', clusterDomain));
      }
      return out;
    }),
});
