/**
 * Property tests of the network model on random small clusters: the class
 * matrix equals the pod-by-pod oracle, adding an allow rule never removes a
 * connection, adding an isolating policy never adds one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatPorts, hasPort } from '../src/core/network/ports.js';
import { analyze, oracleCluster, podObject, policy, type Obj } from './support/netpol-cluster.js';
import { oracleAllows } from './support/netpol-oracle.js';

const NAMESPACES = ['n1', 'n2', 'n3'];
const KEYS = ['app', 'tier'];
const VALUES = ['a', 'b', 'c'];
const PROBES: Array<[number, 'TCP' | 'UDP' | 'SCTP']> = [
  [80, 'TCP'],
  [81, 'TCP'],
  [8080, 'TCP'],
  [80, 'UDP'],
  [53, 'UDP'],
  [80, 'SCTP'],
];

const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 });
const expression = fc.record({
  key: fc.constantFrom(...KEYS, 'env'),
  operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
  values: fc.subarray(VALUES, { minLength: 1 }),
}).map((item) => (item.operator === 'Exists' || item.operator === 'DoesNotExist' ? { key: item.key, operator: item.operator } : item));
const selector = fc.oneof(
  fc.constant({}),
  labels.map((matchLabels) => ({ matchLabels })),
  fc.array(expression, { minLength: 1, maxLength: 2 }).map((matchExpressions) => ({ matchExpressions })),
);
const namespaceSelector = fc.oneof(fc.constant({}), fc.constantFrom(...NAMESPACES).map((name) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } })), labels.map((matchLabels) => ({ matchLabels })));
const peer = fc.oneof(
  selector.map((podSelector) => ({ podSelector })),
  namespaceSelector.map((selectorValue) => ({ namespaceSelector: selectorValue })),
  fc.record({ namespaceSelector, podSelector: selector }),
  fc.constant({ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }),
);
const port = fc.oneof(
  fc.record({ port: fc.constantFrom(80, 81, 53), protocol: fc.constantFrom('TCP', 'UDP', 'SCTP') }),
  fc.record({ port: fc.constantFrom('http', 'dns', 'alt'), protocol: fc.constantFrom('TCP', 'UDP') }),
  fc.record({ port: fc.constant(80), endPort: fc.constantFrom(81, 8080), protocol: fc.constant('TCP') }),
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP') }),
);
const rule = (peerField: 'from' | 'to') =>
  fc.record({ peers: fc.option(fc.array(peer, { minLength: 1, maxLength: 2 }), { nil: undefined }), ports: fc.option(fc.array(port, { minLength: 1, maxLength: 2 }), { nil: undefined }) }).map((item) => ({
    ...(item.peers ? { [peerField]: item.peers } : {}),
    ...(item.ports ? { ports: item.ports } : {}),
  }));
const policySpec = fc
  .record({
    podSelector: selector,
    policyTypes: fc.option(fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress']), { nil: undefined }),
    ingress: fc.array(rule('from'), { maxLength: 2 }),
    egress: fc.array(rule('to'), { maxLength: 2 }),
  })
  .map((spec) => ({ podSelector: spec.podSelector, ...(spec.policyTypes ? { policyTypes: spec.policyTypes } : {}), ingress: spec.ingress, egress: spec.egress }));
const namedPorts = fc.subarray([
  { name: 'http', port: 80, protocol: 'TCP' },
  { name: 'http', port: 8080, protocol: 'TCP' },
  { name: 'alt', port: 81, protocol: 'TCP' },
  { name: 'dns', port: 53, protocol: 'UDP' },
]).map((ports) => ports.filter((item, index) => ports.findIndex((other) => other.name === item.name) === index));

const cluster = fc.record({
  namespaceLabels: fc.tuple(labels, labels, labels),
  pods: fc.array(fc.record({ namespace: fc.constantFrom(...NAMESPACES), labels, ports: namedPorts, hostNetwork: fc.integer({ min: 0, max: 9 }).map((roll) => roll === 0) }), { minLength: 1, maxLength: 7 }),
  policies: fc.array(fc.record({ namespace: fc.constantFrom(...NAMESPACES), spec: policySpec }), { maxLength: 5 }),
});

type Cluster = typeof cluster extends fc.Arbitrary<infer T> ? T : never;

function objectsOf(value: Cluster): Obj[] {
  return [
    ...NAMESPACES.map((name, index) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: value.namespaceLabels[index] } })),
    ...value.pods.map((pod, index) => podObject(pod.namespace, `p${index}`, pod.labels, pod.ports, pod.hostNetwork)),
    ...value.policies.map((item, index) => policy(item.namespace, `np${index}`, item.spec)),
  ];
}

/** Every allowed (pod, pod, port, protocol) of the probes, by the class model. */
function connections(objects: Obj[]): Set<string> {
  const { analysis, endpoint } = analyze(objects);
  const pods = objects.filter((object) => object.kind === 'Pod').map((object) => `${object.metadata.namespace}/${object.metadata.name}`);
  const out = new Set<string>();
  for (const from of pods) {
    for (const to of pods) {
      const ports = analysis.connection(endpoint(from), endpoint(to)).ports;
      for (const [number, protocol] of PROBES) if (hasPort(ports, number, protocol)) out.add(`${from}>${to}:${number}/${protocol}`);
    }
  }
  return out;
}

const RUNS = { numRuns: 150, seed: 20261123 };

describe('network model properties', () => {
  it('the class matrix equals the pod-by-pod oracle', () => {
    fc.assert(
      fc.property(cluster, (value) => {
        const objects = objectsOf(value as Cluster);
        const { analysis, endpoint } = analyze(objects);
        const oracle = oracleCluster(objects);
        const matrix = new Map(analysis.matrix().flatMap((cell) => (cell.from.type === 'class' && cell.to.type === 'class' ? [[`${cell.from.id}>${cell.to.id}`, cell.ports] as const] : [])));
        for (const from of oracle.pods) {
          for (const to of oracle.pods) {
            const source = endpoint(`${from.namespace}/${from.name}`);
            const destination = endpoint(`${to.namespace}/${to.name}`);
            const ports = analysis.connection(source, destination).ports;
            const cell = matrix.get(`${(source as { id: number }).id}>${(destination as { id: number }).id}`);
            assert.equal(formatPorts(cell ?? ports), formatPorts(ports), 'matrix cell == connection');
            for (const [number, protocol] of PROBES) {
              assert.equal(hasPort(ports, number, protocol), oracleAllows(oracle.cluster, from, to, number, protocol), `${from.name} -> ${to.name} ${number}/${protocol}`);
            }
          }
        }
      }),
      RUNS,
    );
  });

  it('the collapsed matrix (rows from *) expands to the full matrix', () => {
    fc.assert(
      fc.property(cluster, fc.constantFrom('both', 'ingress', 'egress') as fc.Arbitrary<'both' | 'ingress' | 'egress'>, (value, scope) => {
        const { analysis } = analyze(objectsOf(value as Cluster));
        const key = (from: number, to: number) => `${from}>${to}`;
        const full = new Map(analysis.matrix({ scope }).flatMap((cell) => (cell.from.type === 'class' && cell.to.type === 'class' ? [[key(cell.from.id, cell.to.id), formatPorts(cell.ports)] as const] : [])));
        const expanded = new Map<string, string>();
        for (const cell of analysis.matrix({ scope, collapseOpen: true })) {
          if (cell.to.type !== 'class') continue;
          if (cell.from.type === 'class') expanded.set(key(cell.from.id, cell.to.id), formatPorts(cell.ports));
          else if (cell.from.type === 'open-egress') {
            for (const source of analysis.model.classes) if (scope === 'ingress' || !analysis.isolated(source.id, 'Egress')) expanded.set(key(source.id, cell.to.id), formatPorts(cell.ports));
          }
        }
        assert.deepEqual(new Map([...expanded].sort()), new Map([...full].sort()));
      }),
      RUNS,
    );
  });

  it('a matrix kept to one namespace (rows from *) is the full matrix\'s connections with an end there', () => {
    fc.assert(
      fc.property(cluster, fc.constantFrom(...NAMESPACES), fc.constantFrom('both', 'ingress', 'egress') as fc.Arbitrary<'both' | 'ingress' | 'egress'>, (value, namespace, scope) => {
        const { analysis } = analyze(objectsOf(value as Cluster));
        const key = (from: number, to: number) => `${from}>${to}`;
        const inNamespace = (id: number) => analysis.model.classes[id]!.namespace === namespace;
        const full = new Map(
          analysis.matrix({ scope }).flatMap((cell) => (cell.from.type === 'class' && cell.to.type === 'class' && (inNamespace(cell.from.id) || inNamespace(cell.to.id)) ? [[key(cell.from.id, cell.to.id), formatPorts(cell.ports)] as const] : [])),
        );
        const expanded = new Map<string, string>();
        for (const cell of analysis.matrix({ scope, collapseOpen: true, classFilter: (podClass) => podClass.namespace === namespace })) {
          if (cell.to.type !== 'class') continue;
          if (cell.from.type === 'class') expanded.set(key(cell.from.id, cell.to.id), formatPorts(cell.ports));
          else if (cell.from.type === 'open-egress') {
            for (const source of analysis.model.classes) if (scope === 'ingress' || !analysis.isolated(source.id, 'Egress')) expanded.set(key(source.id, cell.to.id), formatPorts(cell.ports));
          }
        }
        assert.deepEqual(new Map([...expanded].sort()), new Map([...full].sort()));
      }),
      RUNS,
    );
  });

  it('adding an allow rule never removes a connection', () => {
    fc.assert(
      fc.property(cluster, fc.nat(), fc.constantFrom('ingress', 'egress'), rule('from'), rule('to'), (value, pick, field, ingressRule, egressRule) => {
        const typed = value as Cluster;
        if (typed.policies.length === 0) return;
        const before = objectsOf(typed);
        const policies = before.filter((object) => object.kind === 'NetworkPolicy');
        const target = policies[pick % policies.length]!;
        const spec = target.spec;
        // Make the defaulted policy types explicit (no change in meaning) so the rule lands in a direction the policy already isolates.
        const types: string[] = spec.policyTypes ?? ['Ingress', ...(spec.egress.length > 0 ? ['Egress'] : [])];
        const direction = field === 'ingress' ? 'Ingress' : 'Egress';
        if (!types.includes(direction)) return;
        const after = before.map((object) => (object === target ? { ...object, spec: { ...spec, policyTypes: types, [field]: [...spec[field], field === 'ingress' ? ingressRule : egressRule] } } : object));
        const removed = [...connections(before)].filter((connection) => !connections(after).has(connection));
        assert.deepEqual(removed, []);
      }),
      { ...RUNS, numRuns: 100 },
    );
  });

  it('adding an isolating policy never adds a connection', () => {
    fc.assert(
      fc.property(cluster, fc.constantFrom(...NAMESPACES), selector, fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress']), (value, namespace, podSelector, policyTypes) => {
        const before = objectsOf(value as Cluster);
        const after = [...before, policy(namespace, 'isolate', { podSelector, policyTypes })];
        const beforeSet = connections(before);
        const added = [...connections(after)].filter((connection) => !beforeSet.has(connection));
        assert.deepEqual(added, []);
      }),
      { ...RUNS, numRuns: 100 },
    );
  });
});
