import type { Path } from '../model/location.js';
import type { Resource } from '../model/resource.js';
import { matchesMapSelector } from '../model/selectors.js';
import { asArray, asRecord, asString, asStringRecord } from '../model/values.js';
import { addressesToCidrs, intersectAddresses, isEmptyAddresses, METADATA_ADDRESSES, PUBLIC_ADDRESSES, unionAddresses, type AddressSet } from './addresses.js';
import type { NetworkAnalysis } from './analysis.js';
import { admitsEveryNamespace, rulePortsToward, type PodClass } from './model.js';
import { ALL_PORTS, hasPort, intersectPorts, isEmptyPorts, isProtocol, NO_PORTS, portSetOf, unionPorts, type PortSet } from './ports.js';

export type ExposureKind = 'external-ingress' | 'all-namespaces-ingress' | 'internet-egress' | 'metadata-egress';

export interface ExposureItem {
  workload: string;
  exposure: ExposureKind;
  ports: PortSet;
  detail: string;
}

/** A Service's pod-side ports (targetPort, else port), resolved on a class's named ports. */
export function serviceTargetPorts(service: Resource, podClass: PodClass | undefined): PortSet {
  let set = NO_PORTS;
  for (const item of asArray(asRecord(service.object.spec)?.ports)) {
    const entry = asRecord(item);
    if (!entry) continue;
    const protocol = asString(entry.protocol) ?? 'TCP';
    if (!isProtocol(protocol)) continue;
    const target = entry.targetPort ?? entry.port;
    const number = typeof target === 'number' ? target : /^\d+$/.test(String(target)) ? Number(target) : podClass?.namedPorts.get(`${String(target)}/${protocol}`);
    if (number !== undefined && number >= 1 && number <= 65535) set = unionPorts(set, portSetOf(protocol, number, number));
  }
  return set;
}

/** A Service's type, defaulting as the API server does (ClusterIP). */
export function serviceType(service: Resource): string {
  return asString(asRecord(service.object.spec)?.type) ?? 'ClusterIP';
}

/** What makes a Service reachable from outside the cluster, and the field that says so. */
export interface ServiceExposure {
  via: 'NodePort' | 'LoadBalancer' | 'externalIPs';
  path: Path;
}

/**
 * How a Service is reachable from outside the cluster: a NodePort or
 * LoadBalancer type (internal load balancers included), or external IPs on
 * any type but ExternalName; undefined for a Service reachable only inside.
 */
export function serviceExposure(service: Resource): ServiceExposure | undefined {
  const type = serviceType(service);
  if (type === 'NodePort' || type === 'LoadBalancer') return { via: type, path: ['spec', 'type'] };
  if (type !== 'ExternalName' && asArray(asRecord(service.object.spec)?.externalIPs).length > 0) return { via: 'externalIPs', path: ['spec', 'externalIPs'] };
  return undefined;
}

/** Backend Service names of an Ingress spec (networking.k8s.io/v1 and the removed v1beta1 shape), with their paths. */
export function ingressBackends(spec: Record<string, unknown>): Array<{ name: string; path: Path }> {
  const out: Array<{ name: string; path: Path }> = [];
  const add = (backend: unknown, path: Path) => {
    const record = asRecord(backend);
    if (!record) return;
    const v1 = asString(asRecord(record.service)?.name);
    if (v1 !== undefined) out.push({ name: v1, path: [...path, 'service', 'name'] });
    else if (asString(record.serviceName) !== undefined) out.push({ name: asString(record.serviceName)!, path: [...path, 'serviceName'] });
  };
  add(spec.defaultBackend, ['spec', 'defaultBackend']);
  add(spec.backend, ['spec', 'backend']);
  for (const [ruleIndex, rule] of asArray(spec.rules).entries()) {
    for (const [pathIndex, item] of asArray(asRecord(asRecord(rule)?.http)?.paths).entries()) {
      add(asRecord(item)?.backend, ['spec', 'rules', ruleIndex, 'http', 'paths', pathIndex, 'backend']);
    }
  }
  return out;
}

/** Service backends of an HTTPRoute (Gateway API), with their namespaces and paths. */
export function httpRouteBackends(route: Resource): Array<{ name: string; namespace: string; path: Path }> {
  const out: Array<{ name: string; namespace: string; path: Path }> = [];
  const spec = asRecord(route.object.spec) ?? {};
  for (const [ruleIndex, rule] of asArray(spec.rules).entries()) {
    for (const [refIndex, item] of asArray(asRecord(rule)?.backendRefs).entries()) {
      const ref = asRecord(item);
      const name = asString(ref?.name);
      if (!ref || name === undefined) continue;
      if ((asString(ref.group) ?? '') !== '' || (asString(ref.kind) ?? 'Service') !== 'Service') continue;
      out.push({ name, namespace: asString(ref.namespace) ?? route.ref.namespace ?? 'default', path: ['spec', 'rules', ruleIndex, 'backendRefs', refIndex, 'name'] });
    }
  }
  return out;
}

const describeAddresses = (addresses: AddressSet) => {
  const cidrs = addressesToCidrs(addresses);
  return cidrs.length > 4 ? `${cidrs.slice(0, 4).join(', ')} and ${cidrs.length - 4} more` : cidrs.join(', ');
};

/** What each workload's pods are exposed to, and what they can reach outside the cluster. */
export function networkExposure(analysis: NetworkAnalysis, resources: readonly Resource[], options: { namespace?: string } = {}): ExposureItem[] {
  const { model } = analysis;
  const services = resources.filter((resource) => resource.ref.kind === 'Service' && serviceExposure(resource) !== undefined);
  const items: ExposureItem[] = [];
  const seen = new Set<string>();
  const push = (item: ExposureItem) => {
    const key = `${item.workload}\u0000${item.exposure}\u0000${item.detail}`;
    if (seen.has(key)) return;
    seen.add(key);
    items.push(item);
  };
  for (const podClass of model.classes) {
    if (options.namespace !== undefined && podClass.namespace !== options.namespace) continue;
    const workloads = podClass.workloads.map((workload) => workload.id);
    const each = (exposure: ExposureKind, ports: PortSet, detail: string) => workloads.forEach((workload) => push({ workload, exposure, ports, detail }));

    const inbound = analysis.externalIngress(podClass.id);
    for (const service of services) {
      if (service.ref.namespace !== podClass.namespace) continue;
      const selector = asStringRecord(asRecord(service.object.spec)?.selector);
      if (!podClass.pods.some((pod) => matchesMapSelector(selector, pod.labels))) continue;
      const ports = intersectPorts(serviceTargetPorts(service, podClass), inbound.ports);
      if (isEmptyPorts(ports) || isEmptyAddresses(inbound.addresses)) continue;
      each('external-ingress', ports, `Service ${service.ref.name} (${serviceExposure(service)?.via}) from ${describeAddresses(inbound.addresses)}`);
    }

    if (!analysis.isolated(podClass.id, 'Ingress')) each('all-namespaces-ingress', ALL_PORTS, 'ingress not isolated: no NetworkPolicy selects these pods for ingress');
    else {
      let ports = NO_PORTS;
      const rules: string[] = [];
      for (const policy of analysis.isolatingPolicies(podClass.id, 'Ingress')) {
        for (const rule of policy.ingress) {
          if (!admitsEveryNamespace(rule)) continue;
          ports = unionPorts(ports, rulePortsToward(rule, podClass));
          rules.push(`${policy.id} ingress[${rule.index}]`);
        }
      }
      if (!isEmptyPorts(ports)) each('all-namespaces-ingress', ports, `allowed by ${rules.join(', ')}`);
    }

    const outbound = analysis.externalEgress(podClass.id);
    const internet = outbound.map((item) => ({ ...item, addresses: intersectAddresses(item.addresses, PUBLIC_ADDRESSES) })).filter((item) => !isEmptyAddresses(item.addresses) && !isEmptyPorts(item.ports));
    if (internet.length > 0) {
      const ports = internet.reduce((set, item) => unionPorts(set, item.ports), NO_PORTS);
      const open = internet.some((item) => item.rule === undefined);
      // The rules' own blocks read better than their public part (0.0.0.0/0, not 50 CIDRs).
      const blocks = outbound.filter((item) => internet.some((publicItem) => publicItem.rule === item.rule)).map((item) => item.addresses);
      each('internet-egress', ports, open ? 'egress not isolated' : `to ${describeAddresses(unionAddresses(...blocks))} by ${internet.map((item) => `${item.rule!.policy} egress[${item.rule!.rule}]`).join(', ')}`);
    }
    const metadata = outbound.filter((item) => !isEmptyAddresses(intersectAddresses(item.addresses, METADATA_ADDRESSES)) && hasPort(item.ports, 80, 'TCP'));
    if (metadata.length > 0) {
      const open = metadata.some((item) => item.rule === undefined);
      each('metadata-egress', portSetOf('TCP', 80, 80), open ? 'egress not isolated: 169.254.169.254 reachable' : `169.254.169.254 reachable by ${metadata.map((item) => `${item.rule!.policy} egress[${item.rule!.rule}]`).join(', ')}`);
    }
  }
  return items.sort((a, b) => (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : a.exposure < b.exposure ? -1 : a.exposure > b.exposure ? 1 : 0));
}

/** Cloud annotations that make a LoadBalancer internal: key, and the values that mean internal (undefined: any value but "false"). */
export const INTERNAL_LOAD_BALANCER_ANNOTATIONS: ReadonlyArray<[string, readonly string[] | undefined]> = [
  ['service.beta.kubernetes.io/aws-load-balancer-internal', undefined],
  ['service.beta.kubernetes.io/aws-load-balancer-scheme', ['internal']],
  ['networking.gke.io/load-balancer-type', ['Internal']],
  ['cloud.google.com/load-balancer-type', ['Internal', 'internal']],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', ['true']],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', ['true']],
  ['service.beta.kubernetes.io/openstack-internal-load-balancer', ['true']],
  ['service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type', ['private']],
];
