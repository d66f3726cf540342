/**
 * Truth tables for the cases of the Kubernetes e2e network policy suite
 * (test/e2e/network/netpol/network_policy.go): namespaces x, y, z, pods a, b,
 * c serving 80 and 81 over TCP, UDP and SCTP with named ports
 * serve-<port>-<proto>. Every cell (81 pod pairs x 2 ports x 3 protocols) of
 * every case is asserted against the expectation, through decide(), through
 * the matrix, and through the independent pod-by-pod oracle.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPorts, hasPort, type Protocol } from '../src/core/network/ports.js';
import { parseCidr, cidrSet } from '../src/core/network/addresses.js';
import { analyze, e2eObjects, NAMESPACES, POD_NAMES, PORTS, PROTOCOLS, policy, podObject, type Obj } from './support/netpol-cluster.js';
import { oracleAllows } from './support/netpol-oracle.js';
import { oracleCluster } from './support/netpol-cluster.js';

const PODS = NAMESPACES.flatMap((namespace) => POD_NAMES.map((pod) => `${namespace}/${pod}`));

/** Expected reachability, after the e2e suite's Reachability helper. */
class Reachability {
  private readonly cells = new Map<string, boolean>();
  constructor(initial: boolean) {
    for (const from of PODS) for (const to of PODS) this.cells.set(`${from}->${to}`, initial);
  }
  expect(from: string, to: string, value: boolean): this {
    this.cells.set(`${from}->${to}`, value);
    return this;
  }
  /** every cell whose ends match the predicates */
  where(from: (pod: string) => boolean, to: (pod: string) => boolean, value: boolean): this {
    for (const source of PODS) for (const destination of PODS) if (from(source) && to(destination)) this.cells.set(`${source}->${destination}`, value);
    return this;
  }
  allIngress(to: string, value: boolean): this {
    return this.where(() => true, (pod) => pod === to, value);
  }
  allEgress(from: string, value: boolean): this {
    return this.where((pod) => pod === from, () => true, value);
  }
  get(from: string, to: string): boolean {
    return this.cells.get(`${from}->${to}`)!;
  }
}

const inNamespace = (namespace: string) => (pod: string) => pod.startsWith(`${namespace}/`);
const isPod = (name: string) => (pod: string) => pod.endsWith(`/${name}`);
const any = () => true;

interface Case {
  name: string;
  policies: Obj[];
  /** the expectation for one port and protocol */
  expect(port: number, protocol: Protocol): Reachability;
}

const allowAll = () => new Reachability(true);
const denyIngressTo = (namespace: string) => new Reachability(true).where(any, inNamespace(namespace), false);

const CASES: Case[] = [
  { name: 'no policy: everything is allowed', policies: [], expect: allowAll },
  {
    name: 'default-deny-ingress',
    policies: [policy('x', 'deny-ingress', { podSelector: {} })],
    expect: () => denyIngressTo('x'),
  },
  {
    name: 'default-deny-all (ingress and egress)',
    policies: [policy('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
    expect: () => new Reachability(true).where(any, inNamespace('x'), false).where(inNamespace('x'), any, false),
  },
  {
    name: 'allow-all ingress on top of a deny',
    policies: [policy('x', 'deny', { podSelector: {} }), policy('x', 'allow-all', { podSelector: {}, ingress: [{}] })],
    expect: allowAll,
  },
  {
    name: 'allow-all egress on top of a deny-all-egress',
    policies: [policy('x', 'deny', { podSelector: {}, policyTypes: ['Egress'] }), policy('x', 'allow-all', { podSelector: {}, egress: [{}], policyTypes: ['Egress'] })],
    expect: allowAll,
  },
  {
    name: 'allow from pods of the same namespace by podSelector',
    policies: [policy('x', 'allow-b', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] })],
    expect: () => new Reachability(true).allIngress('x/a', false).expect('x/b', 'x/a', true),
  },
  {
    name: 'podSelector with matchExpressions (In)',
    policies: [policy('x', 'allow-b', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b'] }] } }] }] })],
    expect: () => new Reachability(true).allIngress('x/a', false).expect('x/b', 'x/a', true),
  },
  {
    name: 'allow only from a different namespace by namespaceSelector',
    policies: [policy('x', 'allow-ns', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x'] }] } }] }] })],
    expect: () => new Reachability(true).allIngress('x/a', false).where((pod) => !pod.startsWith('x/'), (pod) => pod === 'x/a', true),
  },
  {
    name: 'namespaceSelector by kubernetes.io/metadata.name (defaulted on namespaces)',
    policies: [policy('x', 'allow-y', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'y' } } }] }] })],
    expect: () => denyIngressTo('x').where(inNamespace('y'), inNamespace('x'), true),
  },
  {
    name: 'AND: namespaceSelector and podSelector in one peer',
    policies: [
      policy('x', 'and', {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x', 'y'] }] }, podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] } }] }],
      }),
    ],
    expect: () => new Reachability(true).allIngress('x/a', false).expect('z/b', 'x/a', true).expect('z/c', 'x/a', true),
  },
  {
    name: 'OR: namespaceSelector and podSelector in separate peers',
    policies: [
      policy('x', 'or', {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x', 'y'] }] } }, { podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] } }] }],
      }),
    ],
    expect: () => new Reachability(true).allIngress('x/a', false).where(inNamespace('z'), (pod) => pod === 'x/a', true).expect('x/b', 'x/a', true).expect('x/c', 'x/a', true),
  },
  {
    name: 'namespaceSelector {} with a podSelector: that pod in every namespace',
    policies: [policy('x', 'any-ns-b', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { pod: 'b' } } }] }] })],
    expect: () => new Reachability(true).allIngress('x/a', false).where(isPod('b'), (pod) => pod === 'x/a', true),
  },
  {
    name: 'DoesNotExist and NotIn match pods lacking the key',
    policies: [policy('x', 'missing', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] } }] }] })],
    expect: () => denyIngressTo('x').where(inNamespace('x'), inNamespace('x'), true),
  },
  {
    name: 'ingress on port 80 only (TCP default)',
    policies: [policy('x', 'port-80', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 80 }] }] })],
    expect: (port, protocol) => new Reachability(true).allIngress('x/a', port === 80 && protocol === 'TCP'),
  },
  {
    name: 'ingress on port 81 from namespace y only',
    policies: [policy('x', 'port-81-y', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 81, protocol: 'TCP' }] }] })],
    expect: (port, protocol) => new Reachability(true).allIngress('x/a', false).where(inNamespace('y'), (pod) => pod === 'x/a', port === 81 && protocol === 'TCP'),
  },
  {
    name: 'named port serve-80-tcp',
    policies: [policy('x', 'named', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 'serve-80-tcp', protocol: 'TCP' }] }] })],
    expect: (port, protocol) => new Reachability(true).allIngress('x/a', port === 80 && protocol === 'TCP'),
  },
  {
    name: 'named port with the wrong protocol matches nothing',
    policies: [policy('x', 'named-udp', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 'serve-80-tcp', protocol: 'UDP' }] }] })],
    expect: () => new Reachability(true).allIngress('x/a', false),
  },
  {
    name: 'UDP only: TCP denied',
    policies: [policy('x', 'udp', { podSelector: {}, ingress: [{ ports: [{ port: 81, protocol: 'UDP' }] }] })],
    expect: (port, protocol) => new Reachability(true).where(any, inNamespace('x'), port === 81 && protocol === 'UDP'),
  },
  {
    name: 'SCTP on port 80',
    policies: [policy('x', 'sctp', { podSelector: {}, ingress: [{ ports: [{ port: 80, protocol: 'SCTP' }] }] })],
    expect: (port, protocol) => new Reachability(true).where(any, inNamespace('x'), port === 80 && protocol === 'SCTP'),
  },
  {
    name: 'protocol with no port: every port of that protocol',
    policies: [policy('x', 'udp-any', { podSelector: {}, ingress: [{ ports: [{ protocol: 'UDP' }] }] })],
    expect: (_port, protocol) => new Reachability(true).where(any, inNamespace('x'), protocol === 'UDP'),
  },
  {
    name: 'endPort range 80-81',
    policies: [policy('x', 'range', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 80, endPort: 81, protocol: 'TCP' }] }] })],
    expect: (_port, protocol) => new Reachability(true).allIngress('x/a', protocol === 'TCP'),
  },
  {
    name: 'endPort range 81-90 excludes 80',
    policies: [policy('x', 'range', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 81, endPort: 90 }] }] })],
    expect: (port, protocol) => new Reachability(true).allIngress('x/a', port === 81 && protocol === 'TCP'),
  },
  {
    name: 'multiple policies are a union',
    policies: [
      policy('x', 'from-b', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] }),
      policy('x', 'from-y', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 80 }] }] }),
    ],
    expect: (port, protocol) =>
      new Reachability(true).allIngress('x/a', false).expect('x/b', 'x/a', true).where(inNamespace('y'), (pod) => pod === 'x/a', port === 80 && protocol === 'TCP'),
  },
  {
    name: 'egress to pod b of namespace y on port 80',
    policies: [policy('x', 'egress', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchLabels: { pod: 'b' } } }], ports: [{ port: 80 }] }] })],
    expect: (port, protocol) => new Reachability(true).allEgress('x/a', false).expect('x/a', 'y/b', port === 80 && protocol === 'TCP'),
  },
  {
    name: 'egress named port resolves on the destination',
    policies: [policy('x', 'egress-named', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'serve-81-udp', protocol: 'UDP' }] }] })],
    expect: (port, protocol) => new Reachability(true).allEgress('x/a', port === 81 && protocol === 'UDP'),
  },
  {
    name: 'policyTypes defaulted: egress rules make an egress policy too',
    policies: [policy('x', 'implicit', { podSelector: { matchLabels: { pod: 'a' } }, egress: [{ to: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] })],
    expect: () => new Reachability(true).allIngress('x/a', false).allEgress('x/a', false).expect('x/a', 'x/b', true),
  },
  {
    name: 'policyTypes defaulted: empty egress is ingress only',
    policies: [policy('x', 'ingress-only', { podSelector: { matchLabels: { pod: 'a' } }, egress: [] })],
    expect: () => new Reachability(true).allIngress('x/a', false),
  },
  {
    name: 'policyTypes [Egress] ignores ingress rules',
    policies: [policy('x', 'egress-type', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], ingress: [{}] })],
    expect: () => new Reachability(true).allEgress('x/a', false),
  },
  {
    name: 'ingress and egress together',
    policies: [
      policy('x', 'both', {
        podSelector: { matchLabels: { pod: 'a' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
        egress: [{ to: [{ podSelector: { matchLabels: { pod: 'c' } } }], ports: [{ port: 81 }] }],
      }),
    ],
    expect: (port, protocol) =>
      new Reachability(true)
        .allIngress('x/a', false)
        .allEgress('x/a', false)
        .expect('x/b', 'x/a', true)
        .expect('x/a', 'x/c', port === 81 && protocol === 'TCP'),
  },
  {
    name: 'egress and ingress both needed across namespaces',
    policies: [
      policy('x', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] }),
      policy('y', 'deny-ingress', { podSelector: {} }),
      policy('x', 'to-y', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] }),
      policy('y', 'from-x', { podSelector: { matchLabels: { pod: 'b' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'x' } } }], ports: [{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }] }] }),
    ],
    expect: (port, protocol) =>
      new Reachability(true)
        .where(inNamespace('x'), any, false)
        .where(any, inNamespace('y'), false)
        .expect('x/a', 'y/b', port === 80 && protocol !== 'SCTP'),
  },
  {
    name: 'a policy of another namespace does not affect x',
    policies: [policy('y', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
    expect: () => new Reachability(true).where(any, inNamespace('y'), false).where(inNamespace('y'), any, false),
  },
  {
    name: 'ipBlock never matches pods (documented choice)',
    policies: [policy('x', 'cidr', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] })],
    expect: () => new Reachability(true).allEgress('x/a', false),
  },
  {
    name: 'deny-all in every namespace',
    policies: NAMESPACES.map((namespace) => policy(namespace, 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })),
    expect: () => new Reachability(false),
  },
];

describe('NetworkPolicy truth tables (e2e suite cases)', () => {
  for (const testCase of CASES) {
    it(testCase.name, () => {
      const objects = [...e2eObjects(), ...testCase.policies];
      const { analysis, endpoint } = analyze(objects);
      assert.deepEqual(analysis.model.problems, []);
      const oracle = oracleCluster(objects);
      const matrix = new Map(analysis.matrix().filter((cell) => cell.from.type === 'class' && cell.to.type === 'class').map((cell) => [`${(cell.from as { id: number }).id}->${(cell.to as { id: number }).id}`, cell.ports]));
      for (const port of PORTS) {
        for (const protocol of PROTOCOLS) {
          const expected = testCase.expect(port, protocol);
          for (const from of PODS) {
            for (const to of PODS) {
              const want = expected.get(from, to);
              const source = endpoint(from);
              const destination = endpoint(to);
              const label = `${from} -> ${to} ${port}/${protocol}`;
              assert.equal(analysis.decide(source, destination, port, protocol).allowed, want, `decide ${label}`);
              const cell = matrix.get(`${(source as { id: number }).id}->${(destination as { id: number }).id}`);
              assert.equal(cell !== undefined && hasPort(cell, port, protocol), want, `matrix ${label}: ${cell ? formatPorts(cell) : 'none'}`);
              const [sourcePod, destinationPod] = [from, to].map((pod) => oracle.pods.find((candidate) => `${candidate.namespace}/${candidate.name}` === pod)!);
              assert.equal(oracleAllows(oracle.cluster, sourcePod!, destinationPod!, port, protocol), want, `oracle ${label}`);
            }
          }
        }
      }
    });
  }
});

describe('NetworkPolicy details beyond the e2e grid', () => {
  it('a named port resolves per destination pod (same name, different numbers)', () => {
    const objects = [
      podObject('x', 'web1', { app: 'web' }, [{ name: 'http', port: 8080, protocol: 'TCP' }]),
      podObject('x', 'web2', { app: 'web', v: '2' }, [{ name: 'http', port: 9090, protocol: 'TCP' }]),
      podObject('x', 'client', { app: 'client' }, []),
      policy('x', 'named', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 'http' }] }] }),
    ];
    const { analysis, endpoint } = analyze(objects);
    const verdict = (to: string) => formatPorts(analysis.connection(endpoint('x/client'), endpoint(to)).ports);
    assert.equal(verdict('x/web1'), 'TCP:8080');
    assert.equal(verdict('x/web2'), 'TCP:9090');
  });

  it('ipBlock with except decides external addresses; egress named ports never match them', () => {
    const objects = [
      podObject('x', 'a', { pod: 'a' }, []),
      policy('x', 'egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 443 }, { port: 'https' }] }],
      }),
    ];
    const { analysis, endpoint } = analyze(objects);
    const to = (address: string) => ({ type: 'addresses' as const, addresses: cidrSet(parseCidr(address)!), label: address });
    assert.equal(analysis.decide(endpoint('x/a'), to('10.2.3.4'), 443, 'TCP').allowed, true);
    assert.equal(analysis.decide(endpoint('x/a'), to('10.1.3.4'), 443, 'TCP').allowed, false);
    assert.equal(analysis.decide(endpoint('x/a'), to('11.0.0.1'), 443, 'TCP').allowed, false);
    assert.equal(formatPorts(analysis.connection(endpoint('x/a'), to('10.2.3.4')).ports), 'TCP:443');
  });

  it('hostNetwork pods are neither isolated nor matched by selectors', () => {
    const objects = [
      podObject('x', 'node-agent', { pod: 'b' }, [], true),
      podObject('x', 'a', { pod: 'a' }, []),
      policy('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      policy('x', 'from-b', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] }),
    ];
    const { analysis, endpoint } = analyze(objects);
    assert.equal(analysis.decide(endpoint('x/node-agent'), endpoint('x/a'), 80, 'TCP').allowed, false);
    assert.equal(analysis.decide(endpoint('x/a'), endpoint('x/node-agent'), 80, 'TCP').egress.isolated, true);
    assert.equal(analysis.decide(endpoint('x/a'), endpoint('x/node-agent'), 80, 'TCP').ingress.isolated, false);
  });

  it('explains which policy, rule and peer decide on each side', () => {
    const objects = [
      ...e2eObjects(),
      policy('x', 'deny', { podSelector: {} }),
      policy('x', 'allow', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'c' } } }] }, { from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }, { podSelector: { matchLabels: { pod: 'b' } } }], ports: [{ port: 80 }] }] }),
    ];
    const { analysis, endpoint } = analyze(objects);
    const verdict = analysis.decide(endpoint('x/b'), endpoint('x/a'), 80, 'TCP');
    assert.equal(verdict.allowed, true);
    assert.deepEqual(verdict.ingress.selectingPolicies, ['x/deny', 'x/allow']);
    assert.deepEqual(verdict.ingress.allowingRules.map((rule) => [rule.policy, rule.rule, rule.peer]), [['x/allow', 1, 1]]);
    assert.equal(verdict.egress.isolated, false);
    const denied = analysis.decide(endpoint('x/b'), endpoint('x/a'), 81, 'TCP');
    assert.equal(denied.allowed, false);
    assert.deepEqual(denied.ingress.allowingRules, []);
  });

  it('reports invalid policy fields and keeps the rest', () => {
    const objects = [
      podObject('x', 'a', { pod: 'a' }, []),
      policy('x', 'bad', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }, { podSelector: {} }], ports: [{ port: 'http', endPort: 90 }, { port: 80 }] }] }),
    ];
    const { analysis } = analyze(objects);
    assert.deepEqual(analysis.model.problems.map((problem) => problem.path.join('.')), ['spec.ingress.0.ports.0.endPort', 'spec.ingress.0.from.0.ipBlock.cidr']);
  });
});
