import { matchesLabelSelector } from '../model/selectors.js';
import { ALL_ADDRESSES, EMPTY_ADDRESSES, intersectAddresses, isEmptyAddresses, unionAddresses, type AddressSet } from './addresses.js';
import { rulePortsToward, type Direction, type NetworkModel, type ParsedPolicy, type PodClass, type PolicyPeer, type NetworkPolicyRule } from './model.js';
import { ALL_PORTS, NO_PORTS, hasPort, intersectPorts, isEmptyPorts, unionPorts, type PortSet, type Protocol } from './ports.js';

/** One end of a connection: a class of pods, or external addresses. */
export type Endpoint = { type: 'class'; id: number } | { type: 'addresses'; addresses: AddressSet; label: string };

/** A rule that allows (part of) a connection, and the peer of it that matches (undefined: the rule has no peers, so all match). */
export interface AllowingRule {
  policy: string;
  direction: Direction;
  rule: number;
  peer: number | undefined;
  ports: PortSet;
  /** for external endpoints: the addresses the rule allows */
  addresses?: AddressSet;
}

export interface Side {
  /** false: the direction is open (no policy isolates it, or a hostNetwork pod, or not a pod) */
  isolated: boolean;
  /** whether the side applies: an external source has no egress side, an external destination no ingress side */
  applies: boolean;
  selectingPolicies: string[];
  allowingRules: AllowingRule[];
  ports: PortSet;
}

export interface Verdict {
  ports: PortSet;
  egress: Side;
  ingress: Side;
}

/** In a collapsed matrix: every pod whose egress is not isolated (for the scope). */
export const OPEN_EGRESS = { type: 'open-egress' } as const;

export interface MatrixCell {
  from: Endpoint | typeof OPEN_EGRESS;
  to: Endpoint;
  ports: PortSet;
  /** for external ends: the addresses allowed */
  addresses?: AddressSet;
}

export type Scope = 'both' | 'ingress' | 'egress';

export interface NetworkAnalysis {
  model: NetworkModel;
  /** policies of the class's namespace that select it and isolate the direction */
  isolatingPolicies(classId: number, direction: Direction): readonly ParsedPolicy[];
  isolated(classId: number, direction: Direction): boolean;
  /** the classes a pod peer of a policy matches */
  peerClasses(peer: PolicyPeer, policyNamespace: string): readonly number[];
  /** namespaces a namespace selector matches */
  selectedNamespaces(selector: Record<string, unknown>): readonly string[];
  /** the ports and the deciding rules of a connection, every port at once */
  connection(from: Endpoint, to: Endpoint, scope?: Scope): Verdict;
  /** one port: allowed or denied, with the rules that allow it on each side */
  decide(from: Endpoint, to: Endpoint, port: number, protocol: Protocol): Verdict & { allowed: boolean };
  /**
   * Every allowed connection between classes (and external addresses). With
   * `collapseOpen`, a destination whose ingress is open gets one OPEN_EGRESS
   * cell for all the sources whose egress is open too, instead of one cell
   * per source: an unisolated cluster stays linear instead of quadratic.
   */
  matrix(options?: { scope?: Scope; classFilter?: (podClass: PodClass) => boolean; collapseOpen?: boolean }): MatrixCell[];
  /** what external addresses an isolated-or-not side allows, with ports */
  externalIngress(classId: number): { ports: PortSet; addresses: AddressSet; rules: AllowingRule[] };
  externalEgress(classId: number): Array<{ ports: PortSet; addresses: AddressSet; rule: AllowingRule | undefined }>;
}

type Bitset = Uint32Array;
const has = (bits: Bitset, index: number) => (bits[index >>> 5]! & (1 << (index & 31))) !== 0;

interface CompiledRule {
  rule: NetworkPolicyRule;
  /** undefined: every pod and every address */
  classes: Bitset | undefined;
  addresses: AddressSet;
  /** the rule's ports when none is named (independent of the destination) */
  fixedPorts: PortSet | undefined;
}

export function analyzeNetwork(model: NetworkModel): NetworkAnalysis {
  const classCount = model.classes.length;
  const words = (classCount + 31) >>> 5;
  const namespaceMatches = new Map<string, string[]>();
  const peerSets = new Map<string, { bits: Bitset; list: number[] }>();
  const compiled = new WeakMap<NetworkPolicyRule, CompiledRule>();
  const isolating = new Map<string, readonly ParsedPolicy[]>();

  function selectedNamespaces(selector: Record<string, unknown>): string[] {
    const key = JSON.stringify(selector);
    let list = namespaceMatches.get(key);
    if (!list) {
      list = [];
      for (const namespace of model.namespaces.values()) if (matchesLabelSelector(selector, namespace.labels)) list.push(namespace.name);
      namespaceMatches.set(key, list);
    }
    return list;
  }

  function peerSet(peer: Extract<PolicyPeer, { type: 'pods' }>, policyNamespace: string): { bits: Bitset; list: number[] } {
    const key = peer.namespaceSelector ? peer.key : `${peer.key}@${policyNamespace}`;
    let set = peerSets.get(key);
    if (!set) {
      const bits = new Uint32Array(words);
      const list: number[] = [];
      const namespaces = peer.namespaceSelector ? selectedNamespaces(peer.namespaceSelector) : [policyNamespace];
      for (const namespace of namespaces) {
        for (const podClass of model.classesIn(namespace)) {
          // hostNetwork pods are node traffic: no pod or namespace selector matches them.
          if (podClass.hostNetwork || !peer.matchPod(podClass.labels)) continue;
          bits[podClass.id >>> 5]! |= 1 << (podClass.id & 31);
          list.push(podClass.id);
        }
      }
      peerSets.set(key, (set = { bits, list }));
    }
    return set;
  }

  function compile(rule: NetworkPolicyRule): CompiledRule {
    let entry = compiled.get(rule);
    if (entry) return entry;
    let classes: Bitset | undefined;
    let addresses: AddressSet = ALL_ADDRESSES;
    if (rule.peers) {
      const podPeers = rule.peers.filter((peer) => peer.type === 'pods');
      // One pod peer (the common case): share its set rather than copy it.
      classes = podPeers.length === 1 ? peerSet(podPeers[0]!, rule.policy.namespace).bits : new Uint32Array(words);
      const blocks: AddressSet[] = [];
      for (const peer of rule.peers) {
        if (peer.type === 'ipBlock') blocks.push(peer.addresses);
        else if (podPeers.length > 1) {
          const { bits } = peerSet(peer, rule.policy.namespace);
          for (let index = 0; index < words; index++) classes[index]! |= bits[index]!;
        }
      }
      addresses = blocks.length === 0 ? EMPTY_ADDRESSES : unionAddresses(...blocks);
    }
    const named = rule.ports?.some((port) => 'name' in port) ?? false;
    entry = { rule, classes, addresses, fixedPorts: named ? undefined : rulePortsToward(rule, undefined) };
    compiled.set(rule, entry);
    return entry;
  }

  function rulePorts(entry: CompiledRule, destination: PodClass | undefined): PortSet {
    return entry.fixedPorts ?? rulePortsToward(entry.rule, destination);
  }

  function isolatingPolicies(classId: number, direction: Direction): readonly ParsedPolicy[] {
    const key = `${direction}/${classId}`;
    let list = isolating.get(key);
    if (!list) {
      const podClass = model.classes[classId]!;
      list = podClass.hostNetwork ? [] : model.policiesIn(podClass.namespace).filter((policy) => policy.isolates[direction] && policy.selects(podClass.labels));
      isolating.set(key, list);
    }
    return list;
  }

  const isolated = (classId: number, direction: Direction) => isolatingPolicies(classId, direction).length > 0;

  function rulesOf(classId: number, direction: Direction): CompiledRule[] {
    return isolatingPolicies(classId, direction).flatMap((policy) => (direction === 'Ingress' ? policy.ingress : policy.egress).map(compile));
  }
  const rulesCache = new Map<string, CompiledRule[]>();
  function cachedRules(classId: number, direction: Direction): CompiledRule[] {
    const key = `${direction}/${classId}`;
    let list = rulesCache.get(key);
    if (!list) rulesCache.set(key, (list = rulesOf(classId, direction)));
    return list;
  }

  function matchingPeer(rule: NetworkPolicyRule, peer: Endpoint): number | undefined {
    if (!rule.peers) return undefined;
    for (const candidate of rule.peers) {
      if (peer.type === 'class') {
        if (candidate.type === 'pods' && has(peerSet(candidate, rule.policy.namespace).bits, peer.id)) return candidate.index;
      } else if (candidate.type === 'ipBlock' && !isEmptyAddresses(intersectAddresses(candidate.addresses, peer.addresses))) return candidate.index;
    }
    return undefined;
  }

  const openSide = (applies: boolean): Side => ({ isolated: false, applies, selectingPolicies: [], allowingRules: [], ports: ALL_PORTS });

  /** One side of a connection: `self` is the pod class whose policies decide, `peer` the other end. */
  function side(self: PodClass, direction: Direction, peer: Endpoint): Side {
    const policies = isolatingPolicies(self.id, direction);
    if (policies.length === 0) return openSide(true);
    const destination = direction === 'Ingress' ? self : peer.type === 'class' ? model.classes[peer.id] : undefined;
    const allowingRules: AllowingRule[] = [];
    let ports = NO_PORTS;
    for (const entry of cachedRules(self.id, direction)) {
      let addresses: AddressSet | undefined;
      if (peer.type === 'class') {
        if (entry.classes && !has(entry.classes, peer.id)) continue;
      } else {
        addresses = intersectAddresses(entry.addresses, peer.addresses);
        if (isEmptyAddresses(addresses)) continue;
      }
      const rulePortSet = rulePorts(entry, destination);
      if (isEmptyPorts(rulePortSet)) continue;
      ports = unionPorts(ports, rulePortSet);
      allowingRules.push({
        policy: entry.rule.policy.id,
        direction,
        rule: entry.rule.index,
        peer: matchingPeer(entry.rule, peer),
        ports: rulePortSet,
        ...(addresses ? { addresses } : {}),
      });
    }
    return { isolated: true, applies: true, selectingPolicies: policies.map((policy) => policy.id), allowingRules, ports };
  }

  function connection(from: Endpoint, to: Endpoint, scope: Scope = 'both'): Verdict {
    if (from.type === 'addresses' && to.type === 'addresses') throw new Error('a connection needs a pod at one end at least');
    const egress = from.type === 'class' && scope !== 'ingress' ? side(model.classes[from.id]!, 'Egress', to) : openSide(from.type === 'class');
    const ingress = to.type === 'class' && scope !== 'egress' ? side(model.classes[to.id]!, 'Ingress', from) : openSide(to.type === 'class');
    return { ports: intersectPorts(egress.ports, ingress.ports), egress, ingress };
  }

  function decide(from: Endpoint, to: Endpoint, port: number, protocol: Protocol): Verdict & { allowed: boolean } {
    const verdict = connection(from, to);
    const keep = (rules: AllowingRule[]) => rules.filter((rule) => hasPort(rule.ports, port, protocol));
    return {
      allowed: hasPort(verdict.ports, port, protocol),
      ports: verdict.ports,
      egress: { ...verdict.egress, allowingRules: keep(verdict.egress.allowingRules) },
      ingress: { ...verdict.ingress, allowingRules: keep(verdict.ingress.allowingRules) },
    };
  }

  /** Egress ports from class `source` to class `destination` (every port when egress is open). */
  function egressPorts(source: number, destination: PodClass): PortSet {
    const rules = cachedRules(source, 'Egress');
    if (!isolated(source, 'Egress')) return ALL_PORTS;
    let ports = NO_PORTS;
    for (const entry of rules) {
      if (entry.classes && !has(entry.classes, destination.id)) continue;
      ports = unionPorts(ports, rulePorts(entry, destination));
      if (ports === ALL_PORTS) break;
    }
    return ports;
  }

  function externalIngress(classId: number): { ports: PortSet; addresses: AddressSet; rules: AllowingRule[] } {
    const self = model.classes[classId]!;
    const verdict = side(self, 'Ingress', { type: 'addresses', addresses: ALL_ADDRESSES, label: 'external' });
    if (!verdict.isolated) return { ports: ALL_PORTS, addresses: ALL_ADDRESSES, rules: [] };
    return { ports: verdict.ports, addresses: unionAddresses(EMPTY_ADDRESSES, ...verdict.allowingRules.map((rule) => rule.addresses ?? EMPTY_ADDRESSES)), rules: verdict.allowingRules };
  }

  function externalEgress(classId: number): Array<{ ports: PortSet; addresses: AddressSet; rule: AllowingRule | undefined }> {
    const self = model.classes[classId]!;
    const verdict = side(self, 'Egress', { type: 'addresses', addresses: ALL_ADDRESSES, label: 'external' });
    if (!verdict.isolated) return [{ ports: ALL_PORTS, addresses: ALL_ADDRESSES, rule: undefined }];
    return verdict.allowingRules.map((rule) => ({ ports: rule.ports, addresses: rule.addresses ?? EMPTY_ADDRESSES, rule }));
  }

  function matrix(options: { scope?: Scope; classFilter?: (podClass: PodClass) => boolean; collapseOpen?: boolean } = {}): MatrixCell[] {
    const scope = options.scope ?? 'both';
    const wanted = options.classFilter ?? (() => true);
    const cells: MatrixCell[] = [];
    const all = new Uint32Array(words).fill(0xffffffff);
    // Sources whose egress is isolated: with collapseOpen, the only ones listed one by one toward an open destination.
    const egressIsolated = new Uint32Array(words);
    if (scope !== 'ingress') for (const podClass of model.classes) if (isolated(podClass.id, 'Egress')) egressIsolated[podClass.id >>> 5]! |= 1 << (podClass.id & 31);
    const external = (addresses: AddressSet): Endpoint => ({ type: 'addresses', addresses, label: 'external' });
    // Toward an open destination left out by the filter, no `*` row stands for the wanted
    // sources whose egress is open: they are listed one by one, with the egress-isolated ones.
    let towardUnwanted: Bitset | undefined;
    if (options.collapseOpen && options.classFilter) {
      towardUnwanted = egressIsolated.slice();
      for (const podClass of model.classes) if (wanted(podClass)) towardUnwanted[podClass.id >>> 5]! |= 1 << (podClass.id & 31);
    }
    for (const destination of model.classes) {
      const destinationWanted = wanted(destination);
      const open = scope === 'egress' || !isolated(destination.id, 'Ingress');
      const rules = open ? [] : cachedRules(destination.id, 'Ingress');
      let candidates: Bitset;
      if (open && options.collapseOpen) {
        if (destinationWanted) cells.push({ from: OPEN_EGRESS, to: { type: 'class', id: destination.id }, ports: ALL_PORTS });
        candidates = destinationWanted || !towardUnwanted ? egressIsolated : towardUnwanted;
      } else if (open || rules.some((entry) => !entry.classes)) candidates = all;
      else {
        candidates = new Uint32Array(words);
        for (const entry of rules) for (let index = 0; index < words; index++) candidates[index]! |= entry.classes![index]!;
      }
      const rulePortsHere = rules.map((entry) => rulePorts(entry, destination));
      for (let word = 0; word < words; word++) {
        let bits = candidates[word]!;
        while (bits !== 0) {
          const low = bits & -bits;
          const source = (word << 5) + (31 - Math.clz32(low));
          bits ^= low;
          if (source >= classCount) break;
          if (!destinationWanted && !wanted(model.classes[source]!)) continue;
          let ports = ALL_PORTS;
          if (!open) {
            ports = NO_PORTS;
            rules.forEach((entry, index) => {
              if (!entry.classes || has(entry.classes, source)) ports = unionPorts(ports, rulePortsHere[index]!);
            });
            if (isEmptyPorts(ports)) continue;
          }
          if (scope !== 'ingress') ports = intersectPorts(ports, egressPorts(source, destination));
          if (!isEmptyPorts(ports)) cells.push({ from: { type: 'class', id: source }, to: { type: 'class', id: destination.id }, ports });
        }
      }
      if (destinationWanted && scope !== 'egress') {
        const inbound = externalIngress(destination.id);
        if (!isEmptyPorts(inbound.ports)) cells.push({ from: external(inbound.addresses), to: { type: 'class', id: destination.id }, ports: inbound.ports, addresses: inbound.addresses });
      }
    }
    if (scope !== 'ingress') {
      for (const source of model.classes) {
        if (!wanted(source)) continue;
        const outbound = externalEgress(source.id).filter((item) => !isEmptyPorts(item.ports) && !isEmptyAddresses(item.addresses));
        if (outbound.length === 0) continue;
        const ports = outbound.reduce((set, item) => unionPorts(set, item.ports), NO_PORTS);
        const addresses = unionAddresses(...outbound.map((item) => item.addresses));
        cells.push({ from: { type: 'class', id: source.id }, to: external(addresses), ports, addresses });
      }
    }
    return cells;
  }

  return {
    model,
    isolatingPolicies,
    isolated,
    peerClasses: (peer, policyNamespace) => (peer.type === 'pods' ? peerSet(peer, policyNamespace).list : []),
    selectedNamespaces,
    connection,
    decide,
    matrix,
    externalIngress,
    externalEgress,
  };
}
