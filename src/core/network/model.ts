import { IN_NAMESPACE } from '../inventory/analysis.js';
import { extractWorkload, type Workload } from '../kinds/pod-spec.js';
import type { Path } from '../model/location.js';
import { metadataOf, type Resource } from '../model/resource.js';
import { compileLabelSelector } from '../model/selectors.js';
import { asArray, asRecord, asString, asStringRecord } from '../model/values.js';
import { cidrSet, coversAddresses, parseCidr, subtractAddresses, unionAddresses, type AddressSet, EMPTY_ADDRESSES } from './addresses.js';
import { ALL_PORTS, isProtocol, NO_PORTS, portSetOf, unionPorts, type PortSet, type Protocol } from './ports.js';

export type Direction = 'Ingress' | 'Egress';
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

type Matcher = (labels: Record<string, string>) => boolean;

export interface NetworkWorkload {
  /** `namespace/Kind/name` */
  id: string;
  namespace: string;
  kind: string;
  name: string;
  /** the scanned objects that make it up (the workload, or its bare Pods) */
  resources: Resource[];
  /** pod template labels (of the first pod) */
  labels: Record<string, string>;
  /** the workload's own pod selector (spec.selector.matchLabels) when it has one */
  selector: Record<string, string> | undefined;
  classes: number[];
}

export interface ContainerPortSpec {
  name: string | undefined;
  port: number;
  protocol: Protocol;
}

export interface NetworkPod {
  resource: Resource;
  workload: NetworkWorkload;
  namespace: string;
  labels: Record<string, string>;
  ports: ContainerPortSpec[];
  hostNetwork: boolean;
}

/** Pods that every policy treats alike: same namespace, selector-relevant labels, named ports and hostNetwork. */
export interface PodClass {
  id: number;
  namespace: string;
  /** the labels restricted to the keys some selector mentions */
  labels: Record<string, string>;
  /** `name/PROTOCOL` -> container port number */
  namedPorts: ReadonlyMap<string, number>;
  hostNetwork: boolean;
  pods: NetworkPod[];
  workloads: NetworkWorkload[];
}

export interface NetworkNamespace {
  name: string;
  labels: Record<string, string>;
}

export type PolicyPort =
  | { index: number; protocol: Protocol; start: number; end: number; /** no port given: every port of the protocol */ omitted: boolean }
  | { index: number; protocol: Protocol; name: string };

export type PolicyPeer =
  | {
      index: number;
      type: 'pods';
      /** undefined: the policy's own namespace */
      namespaceSelector: Record<string, unknown> | undefined;
      podSelector: Record<string, unknown> | undefined;
      matchNamespace: Matcher | undefined;
      matchPod: Matcher;
      /** identity of the selectors, for sharing the set of pods they match */
      key: string;
    }
  | { index: number; type: 'ipBlock'; cidr: string; except: string[]; addresses: AddressSet };

export interface NetworkPolicyRule {
  policy: ParsedPolicy;
  direction: Direction;
  index: number;
  /** undefined: every port of every protocol */
  ports: PolicyPort[] | undefined;
  /** undefined: every peer, including external addresses */
  peers: PolicyPeer[] | undefined;
  path: Path;
}

export interface ParsedPolicy {
  /** `namespace/name` */
  id: string;
  namespace: string;
  name: string;
  resource: Resource;
  podSelector: Record<string, unknown>;
  selects: Matcher;
  isolates: Record<Direction, boolean>;
  ingress: NetworkPolicyRule[];
  egress: NetworkPolicyRule[];
}

export interface PolicyProblem {
  resource: Resource;
  path: Path;
  message: string;
}

export interface NetworkModel {
  namespaces: ReadonlyMap<string, NetworkNamespace>;
  policies: readonly ParsedPolicy[];
  policiesIn(namespace: string): readonly ParsedPolicy[];
  classes: readonly PodClass[];
  classesIn(namespace: string): readonly PodClass[];
  workloads: ReadonlyMap<string, NetworkWorkload>;
  /** the class of the pods a scanned object (a bare Pod or a workload) makes */
  classOf(resource: Resource): PodClass | undefined;
  problems: readonly PolicyProblem[];
}

const namespaceOf = (resource: Resource) => resource.ref.namespace ?? 'default';

/**
 * Owners that are not workloads: the kubelet makes its Node the controller of the mirror pod
 * of every static pod (kube-apiserver-<node>, etcd-<node>), but a Node groups nothing, so each
 * such pod stays a workload of its own.
 */
const NON_GROUPING_OWNERS = new Set(['v1/Node']);

/** Where a controller-owned object (Pod, ReplicaSet, Job) belongs: its controller, a ReplicaSet `<name>-<pod-template-hash>` read as its Deployment. */
function owningWorkload(resource: Resource, labels: Record<string, string>): { kind: string; name: string } {
  const owner = asArray(metadataOf(resource.object).ownerReferences)
    .map(asRecord)
    .find((reference) => reference?.controller === true);
  const kind = asString(owner?.kind);
  const name = asString(owner?.name);
  if (!kind || !name || NON_GROUPING_OWNERS.has(`${asString(owner?.apiVersion) ?? 'v1'}/${kind}`)) return { kind: resource.ref.kind, name: resource.ref.name };
  const hash = labels['pod-template-hash'];
  if (kind === 'ReplicaSet' && hash && name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: name.slice(0, -hash.length - 1) };
  return { kind, name };
}

function containerPortsOf(podSpec: Record<string, unknown>): ContainerPortSpec[] {
  const out: ContainerPortSpec[] = [];
  const containers = [...asArray(podSpec.containers), ...asArray(podSpec.initContainers).filter((item) => asRecord(item)?.restartPolicy === 'Always')];
  for (const item of containers) {
    for (const entry of asArray(asRecord(item)?.ports)) {
      const port = asRecord(entry);
      if (!port || typeof port.containerPort !== 'number') continue;
      const protocol = asString(port.protocol) ?? 'TCP';
      if (!isProtocol(protocol)) continue;
      out.push({ name: asString(port.name), port: port.containerPort, protocol });
    }
  }
  return out;
}

/** The label keys any selector of any policy mentions: only they tell pods (and namespaces) apart. */
function selectorKeys(selector: Record<string, unknown> | undefined, into: Set<string>): void {
  if (!selector) return;
  for (const key of Object.keys(asStringRecord(selector.matchLabels))) into.add(key);
  for (const expression of asArray(selector.matchExpressions)) {
    const key = asString(asRecord(expression)?.key);
    if (key !== undefined) into.add(key);
  }
}

function parsePorts(items: unknown[], path: Path, resource: Resource, problems: PolicyProblem[]): PolicyPort[] {
  const out: PolicyPort[] = [];
  items.forEach((item, index) => {
    const entry = asRecord(item) ?? {};
    const here = [...path, index];
    const protocol = asString(entry.protocol) ?? 'TCP';
    if (!isProtocol(protocol)) {
      problems.push({ resource, path: [...here, 'protocol'], message: `unknown protocol "${protocol}" (TCP, UDP or SCTP)` });
      return;
    }
    const port = entry.port;
    const endPort = entry.endPort;
    if (port === undefined || port === null) {
      if (endPort !== undefined && endPort !== null) problems.push({ resource, path: [...here, 'endPort'], message: 'endPort needs a numeric port' });
      else out.push({ index, protocol, start: 1, end: 65535, omitted: true });
      return;
    }
    const numeric = typeof port === 'number' ? port : /^\d+$/.test(String(port)) ? Number(port) : undefined;
    if (numeric === undefined) {
      if (endPort !== undefined && endPort !== null) {
        problems.push({ resource, path: [...here, 'endPort'], message: 'endPort cannot be used with a named port' });
        return;
      }
      out.push({ index, protocol, name: String(port) });
      return;
    }
    if (!Number.isInteger(numeric) || numeric < 1 || numeric > 65535) {
      problems.push({ resource, path: [...here, 'port'], message: `port ${numeric} is outside 1-65535` });
      return;
    }
    let end = numeric;
    if (endPort !== undefined && endPort !== null) {
      if (typeof endPort !== 'number' || !Number.isInteger(endPort) || endPort < numeric || endPort > 65535) {
        problems.push({ resource, path: [...here, 'endPort'], message: `endPort must be a number from port (${numeric}) to 65535` });
        return;
      }
      end = endPort;
    }
    out.push({ index, protocol, start: numeric, end, omitted: false });
  });
  return out;
}

function parsePeers(items: unknown[], path: Path, resource: Resource, problems: PolicyProblem[], namespace: string): PolicyPeer[] {
  const out: PolicyPeer[] = [];
  items.forEach((item, index) => {
    const entry = asRecord(item) ?? {};
    const here = [...path, index];
    const ipBlock = asRecord(entry.ipBlock);
    const namespaceSelector = asRecord(entry.namespaceSelector);
    const podSelector = asRecord(entry.podSelector);
    if (ipBlock) {
      if (namespaceSelector || podSelector) problems.push({ resource, path: here, message: 'ipBlock cannot be combined with podSelector or namespaceSelector in one peer' });
      const text = asString(ipBlock.cidr) ?? '';
      const cidr = parseCidr(text);
      if (!cidr || !text.includes('/')) {
        problems.push({ resource, path: [...here, 'ipBlock', 'cidr'], message: `"${text}" is not a CIDR` });
        return;
      }
      const block = cidrSet(cidr);
      const excepts: AddressSet[] = [];
      for (const [exceptIndex, value] of asArray(ipBlock.except).entries()) {
        const except = parseCidr(String(value));
        if (!except || !coversAddresses(block, cidrSet(except)) || (except.family === cidr.family && except.prefix <= cidr.prefix)) {
          problems.push({ resource, path: [...here, 'ipBlock', 'except', exceptIndex], message: `except "${String(value)}" is not a strict subset of ${text}` });
          continue;
        }
        excepts.push(cidrSet(except));
      }
      out.push({ index, type: 'ipBlock', cidr: text, except: asArray(ipBlock.except).map(String), addresses: subtractAddresses(block, unionAddresses(EMPTY_ADDRESSES, ...excepts)) });
      return;
    }
    if (!namespaceSelector && !podSelector) {
      problems.push({ resource, path: here, message: 'a peer needs podSelector, namespaceSelector or ipBlock' });
      return;
    }
    out.push({
      index,
      type: 'pods',
      namespaceSelector,
      podSelector,
      matchNamespace: namespaceSelector ? compileLabelSelector(namespaceSelector) : undefined,
      matchPod: compileLabelSelector(podSelector ?? {}),
      key: `${namespaceSelector ? JSON.stringify(namespaceSelector) : `=${namespace}`}|${JSON.stringify(podSelector ?? {})}`,
    });
  });
  return out;
}

/** Policy types as the API server defaults them: Ingress always, Egress when spec.egress is non-empty. */
export function defaultedPolicyTypes(spec: Record<string, unknown>): Record<Direction, boolean> {
  const listed = asArray(spec.policyTypes);
  if (listed.length > 0) return { Ingress: listed.includes('Ingress'), Egress: listed.includes('Egress') };
  return { Ingress: true, Egress: asArray(spec.egress).length > 0 };
}

/** A Kubernetes NetworkPolicy (networking.k8s.io, or extensions/v1beta1 of old), not a CNI's kind of that name. */
export function isNetworkPolicy(resource: Resource): boolean {
  return resource.ref.kind === 'NetworkPolicy' && (resource.ref.apiVersion.startsWith('networking.k8s.io/') || resource.ref.apiVersion === 'extensions/v1beta1');
}

export function parsePolicy(resource: Resource, problems: PolicyProblem[]): ParsedPolicy {
  const spec = asRecord(resource.object.spec) ?? {};
  const namespace = namespaceOf(resource);
  const podSelector = asRecord(spec.podSelector) ?? {};
  const policy: ParsedPolicy = {
    id: `${namespace}/${resource.ref.name}`,
    namespace,
    name: resource.ref.name,
    resource,
    podSelector,
    selects: compileLabelSelector(podSelector),
    isolates: defaultedPolicyTypes(spec),
    ingress: [],
    egress: [],
  };
  for (const direction of ['Ingress', 'Egress'] as const) {
    const field = direction === 'Ingress' ? 'ingress' : 'egress';
    const peerField = direction === 'Ingress' ? 'from' : 'to';
    // Rules of a direction the policy does not isolate have no effect.
    if (!policy.isolates[direction]) continue;
    asArray(spec[field]).forEach((item, index) => {
      const rule = asRecord(item) ?? {};
      const path: Path = ['spec', field, index];
      const ports = asArray(rule.ports);
      const peers = asArray(rule[peerField]);
      policy[field].push({
        policy,
        direction,
        index,
        path,
        ports: ports.length === 0 ? undefined : parsePorts(ports, [...path, 'ports'], resource, problems),
        peers: peers.length === 0 ? undefined : parsePeers(peers, [...path, peerField], resource, problems, namespace),
      });
    });
  }
  return policy;
}

const POD_KINDS_SKIPPED = new Set(['PodTemplate']);

/**
 * What buildNetworkModel reads of an object (Analysis.significant): a Namespace's labels, a
 * NetworkPolicy whole, a workload's pod labels, controller, selector, container ports and
 * hostNetwork; of any other object only that it exists (its namespace is in use).
 */
export function networkModelReads(resource: Resource): unknown {
  const { kind, apiVersion } = resource.ref;
  if (kind === 'Namespace') return { apiVersion, labels: metadataOf(resource.object).labels };
  if (kind === 'NetworkPolicy') return resource.object;
  if (POD_KINDS_SKIPPED.has(kind)) return { apiVersion };
  const workload = extractWorkload(resource.object);
  if (!workload) return { apiVersion };
  return {
    apiVersion,
    labels: workload.podMetadata.labels,
    owners: metadataOf(resource.object).ownerReferences,
    selector: asRecord(resource.object.spec)?.selector,
    ports: containerPortsOf(workload.podSpec),
    hostNetwork: workload.podSpec.hostNetwork,
  };
}

/**
 * What an object adds to the model as seen from other objects (Analysis.member): of a
 * workload the workload its pods belong to (a ReplicaSet's Pods and the ReplicaSet: its
 * Deployment), their labels, container ports and hostNetwork; of any other namespaced object,
 * that its namespace is in use. Namespaces and NetworkPolicies count by identity. No check
 * reads a workload's own selector or which objects a model workload gathers.
 */
export function networkModelMember(resource: Resource, workloadOf: (resource: Resource) => Workload | undefined): unknown {
  const { kind } = resource.ref;
  if (kind === 'Namespace' || kind === 'NetworkPolicy') return undefined;
  if (POD_KINDS_SKIPPED.has(kind)) return IN_NAMESPACE;
  const workload = workloadOf(resource);
  if (!workload) return IN_NAMESPACE;
  const labels = asStringRecord(workload.podMetadata.labels);
  const owner = owningWorkload(resource, labels);
  return { owner: `${owner.kind}/${owner.name}`, labels, ports: containerPortsOf(workload.podSpec), hostNetwork: workload.podSpec.hostNetwork === true };
}

/** Builds the model from scanned objects: workloads' pod templates and bare Pods, Namespaces, NetworkPolicies. */
export function buildNetworkModel(resources: readonly Resource[]): NetworkModel {
  const problems: PolicyProblem[] = [];
  const namespaces = new Map<string, NetworkNamespace>();
  const ensureNamespace = (name: string) => {
    let entry = namespaces.get(name);
    if (!entry) namespaces.set(name, (entry = { name, labels: { [NAMESPACE_NAME_LABEL]: name } }));
    return entry;
  };
  const policies: ParsedPolicy[] = [];
  const pods: NetworkPod[] = [];
  const workloads = new Map<string, NetworkWorkload>();
  for (const resource of resources) {
    const kind = resource.ref.kind;
    if (kind === 'Namespace') {
      const entry = ensureNamespace(resource.ref.name);
      entry.labels = { ...asStringRecord(metadataOf(resource.object).labels), [NAMESPACE_NAME_LABEL]: resource.ref.name };
      continue;
    }
    if (resource.ref.namespace !== undefined) ensureNamespace(resource.ref.namespace);
    if (isNetworkPolicy(resource)) {
      policies.push(parsePolicy(resource, problems));
      continue;
    }
    if (POD_KINDS_SKIPPED.has(kind)) continue;
    const workload = extractWorkload(resource.object);
    if (!workload) continue;
    const namespace = namespaceOf(resource);
    const labels = asStringRecord(workload.podMetadata.labels);
    const owner = owningWorkload(resource, labels);
    const id = `${namespace}/${owner.kind}/${owner.name}`;
    let entry = workloads.get(id);
    if (!entry) {
      const selector = asRecord(asRecord(resource.object.spec)?.selector);
      const matchLabels = kind === 'Pod' ? undefined : asRecord(selector?.matchLabels) ? asStringRecord(selector?.matchLabels) : kind === 'ReplicationController' && selector ? asStringRecord(selector) : undefined;
      workloads.set(id, (entry = { id, namespace, kind: owner.kind, name: owner.name, resources: [], labels, selector: matchLabels, classes: [] }));
    }
    entry.resources.push(resource);
    pods.push({ resource, workload: entry, namespace, labels, ports: containerPortsOf(workload.podSpec), hostNetwork: workload.podSpec.hostNetwork === true });
  }

  const relevantKeys = new Set<string>();
  for (const policy of policies) {
    selectorKeys(policy.podSelector, relevantKeys);
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const peer of rule.peers ?? []) if (peer.type === 'pods') selectorKeys(peer.podSelector, relevantKeys);
    }
  }
  const sortedKeys = [...relevantKeys].sort();
  const classes: PodClass[] = [];
  const byKey = new Map<string, PodClass>();
  const classesByNamespace = new Map<string, PodClass[]>();
  const classByResource = new Map<Resource, PodClass>();
  for (const pod of pods) {
    const labels: Record<string, string> = {};
    for (const key of sortedKeys) if (Object.prototype.hasOwnProperty.call(pod.labels, key)) labels[key] = pod.labels[key]!;
    const named = pod.ports.filter((port) => port.name !== undefined).map((port) => `${port.name}/${port.protocol}=${port.port}`).sort();
    const key = `${pod.namespace}\u0000${JSON.stringify(labels)}\u0000${named.join(',')}\u0000${pod.hostNetwork}`;
    let podClass = byKey.get(key);
    if (!podClass) {
      const namedPorts = new Map<string, number>();
      // The first container port of a name wins, as the kubelet resolves named ports.
      for (const port of pod.ports) if (port.name !== undefined && !namedPorts.has(`${port.name}/${port.protocol}`)) namedPorts.set(`${port.name}/${port.protocol}`, port.port);
      podClass = { id: classes.length, namespace: pod.namespace, labels, namedPorts, hostNetwork: pod.hostNetwork, pods: [], workloads: [] };
      classes.push(podClass);
      byKey.set(key, podClass);
      let list = classesByNamespace.get(pod.namespace);
      if (!list) classesByNamespace.set(pod.namespace, (list = []));
      list.push(podClass);
    }
    podClass.pods.push(pod);
    classByResource.set(pod.resource, podClass);
    if (!podClass.workloads.includes(pod.workload)) podClass.workloads.push(pod.workload);
    if (!pod.workload.classes.includes(podClass.id)) pod.workload.classes.push(podClass.id);
  }
  const policiesByNamespace = new Map<string, ParsedPolicy[]>();
  for (const policy of policies) {
    let list = policiesByNamespace.get(policy.namespace);
    if (!list) policiesByNamespace.set(policy.namespace, (list = []));
    list.push(policy);
  }
  return {
    namespaces,
    policies,
    policiesIn: (namespace) => policiesByNamespace.get(namespace) ?? [],
    classes,
    classesIn: (namespace) => classesByNamespace.get(namespace) ?? [],
    workloads,
    classOf: (resource) => classByResource.get(resource),
    problems,
  };
}

/** A rule's ports toward a destination: named ports resolve on the destination class, never on external addresses (undefined). */
export function rulePortsToward(rule: NetworkPolicyRule, destination: PodClass | undefined): PortSet {
  if (!rule.ports) return ALL_PORTS;
  let set = NO_PORTS;
  for (const port of rule.ports) {
    if ('name' in port) {
      const number = destination?.namedPorts.get(`${port.name}/${port.protocol}`);
      if (number !== undefined) set = unionPorts(set, portSetOf(port.protocol, number, number));
    } else set = unionPorts(set, portSetOf(port.protocol, port.start, port.end));
  }
  return set;
}

/** A label selector with no requirement: `{}`, or missing where the field is a plain struct (NetworkPolicy podSelector). */
export function isEmptySelector(selector: unknown): boolean {
  const record = asRecord(selector);
  if (!record) return true;
  return Object.keys(asRecord(record.matchLabels) ?? {}).length === 0 && asArray(record.matchExpressions).length === 0;
}

/**
 * A default deny for one direction: a policy selecting every pod of its
 * namespace (`podSelector: {}`) that isolates that direction (policyTypes as
 * the API server defaults them) and allows nothing in it (no rules of that type).
 */
export function isDefaultDeny(policy: ParsedPolicy, direction: Direction): boolean {
  if (!isEmptySelector(policy.podSelector) || !policy.isolates[direction]) return false;
  return (direction === 'Ingress' ? policy.ingress : policy.egress).length === 0;
}

/** Whether a rule's peers include every pod of every namespace: no peers at all, or `namespaceSelector: {}` with no pod restriction. */
export function admitsEveryNamespace(rule: NetworkPolicyRule): boolean {
  return !rule.peers || rule.peers.some((peer) => peer.type === 'pods' && peer.namespaceSelector !== undefined && isEmptySelector(peer.namespaceSelector) && isEmptySelector(peer.podSelector));
}
