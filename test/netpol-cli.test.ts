import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import jsyaml from 'js-yaml';
import { defaultedPolicyTypes } from '../src/core/network/model.js';
import { palisade } from './support/cli.js';
import { clusterAvailable, startCluster, type TestCluster } from './support/cluster.js';

const SHOP = 'test/fixtures/netpol/shop.yaml';

function json(args: string[]): any {
  const result = palisade(args);
  assert.ok(result.code === 0 || result.code === 1, result.stderr);
  return JSON.parse(result.stdout);
}

describe('palisade netpol (built CLI)', () => {
  it('matrix: the allowed connections with ports, in every format', () => {
    const matrix = json(['netpol', 'matrix', '-o', 'json', SHOP]);
    assert.equal(matrix.apiVersion, 'palisade.dev/netpol/v1');
    const find = (from: string, to: string) => matrix.connections.find((connection: any) => connection.from === from && connection.to === to);
    assert.equal(find('shop/Deployment/web', 'shop/Deployment/api').ports, 'TCP:9000');
    assert.equal(find('ingress-nginx/Deployment/controller', 'shop/Deployment/web').ports, 'TCP:8080');
    assert.equal(find('shop/Deployment/api', 'shop/Deployment/web'), undefined, 'web accepts only the ingress controller');
    assert.deepEqual(find('shop/Deployment/api', 'external').addresses, ['0.0.0.0/0']);
    const csv = palisade(['netpol', 'matrix', '-o', 'csv', SHOP]).stdout.split('\n');
    assert.equal(csv[0], 'from,to,ports,addresses');
    assert.ok(csv.includes('shop/Deployment/web,shop/Deployment/api,TCP:9000,'));
    const dot = palisade(['netpol', 'matrix', '-o', 'dot', SHOP]).stdout;
    assert.match(dot, /^digraph netpol \{/);
    assert.match(dot, /"shop\/Deployment\/web" -> "shop\/Deployment\/api" \[label="TCP:9000"\]/);
    assert.match(palisade(['netpol', 'matrix', '-o', 'markdown', SHOP]).stdout, /^\| From \| To \| Ports \| Addresses \|\n\|---\|---\|---\|---\|/);
    assert.match(palisade(['netpol', 'matrix', SHOP]).stdout, /^FROM\s+TO\s+PORTS\s+ADDRESSES\n/);
  });

  it('matrix: -n keeps connections with an end in the namespace; --direction evaluates one side', () => {
    const scoped = json(['netpol', 'matrix', '-o', 'json', '-n', 'payments', SHOP]);
    assert.ok(scoped.connections.every((connection: any) => connection.from.startsWith('payments/') || connection.to.startsWith('payments/')));
    assert.ok(scoped.connections.length > 0);
    const ingressOnly = json(['netpol', 'matrix', '-o', 'json', '--direction', 'ingress', SHOP]);
    // api's egress allows only 0.0.0.0/0 and pods, but ingress-only view ignores egress isolation.
    assert.equal(ingressOnly.direction, 'ingress');
    assert.ok(ingressOnly.connections.some((connection: any) => connection.from === 'external' && connection.to === 'payments/StatefulSet/db'));
    assert.equal(palisade(['netpol', 'matrix', '--direction', 'sideways', SHOP]).code, 2);
  });

  it('explain: the deciding policies and rules, exit 0 allowed and 1 denied', () => {
    const allowed = palisade(['netpol', 'explain', 'shop/web', 'shop/api', '--port', '9000/TCP', SHOP]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /ALLOWED/);
    assert.match(allowed.stdout, /allowed by shop\/api-from-web ingress\[0\] from\[0\] ports TCP:9000/);
    const denied = palisade(['netpol', 'explain', 'deployment/shop/api', 'shop/web', '--port', '8080', SHOP]);
    assert.equal(denied.code, 1);
    assert.match(denied.stdout, /DENIED/);
    assert.match(denied.stdout, /ingress: isolated by shop\/default-deny, shop\/web-from-ingress\n\s+no rule allows it/);
    const external = json(['netpol', 'explain', 'shop/api', '8.8.8.8', '--port', '443/TCP', '-o', 'json', SHOP]);
    assert.equal(external.kind, 'Explanation');
    assert.equal(external.allowed, true);
    assert.deepEqual(external.egress.allowingRules.map((rule: any) => [rule.policy, rule.rule, rule.peer]), [['shop/api-from-web', 0, 0]]);
    assert.equal(external.ingress.applies, false);
    const metadata = json(['netpol', 'explain', 'shop/api', '169.254.169.254', '--port', '80', '-o', 'json', SHOP]);
    assert.equal(metadata.allowed, true);
    assert.equal(palisade(['netpol', 'explain', 'shop/nothing', 'shop/api', SHOP]).code, 2);
    // api's egress allows 0.0.0.0/0, which covers pod IPs on plugins that match them: said, not counted.
    const caveat = palisade(['netpol', 'explain', 'shop/api', 'shop/web', '--port', '8080', SHOP]);
    assert.match(caveat.stdout, /note: shop\/api-from-web egress\[0\] to\[0\] ipBlock 0\.0\.0\.0\/0 overlaps private ranges/);
    assert.equal(palisade(['netpol', 'explain', 'shop/web', 'shop/api', '--port', '9000/ICMP', SHOP]).code, 2);
  });

  it('explain: every pod group reported, a top-level answer true for all of them or "partly" (exit 1, as denied)', () => {
    const pod = (name: string, labels: Record<string, string>, owner?: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'payments', labels, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: owner, uid: 'u1', controller: true }] } : {}) },
      spec: { containers: [{ name: 'c', image: 'postgres:16', ports: [{ name: 'pg', containerPort: 5432 }] }] },
    });
    const objects = [
      pod('client', { app: 'client' }),
      pod('db-0', { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-0' }, 'db'),
      pod('db-1', { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-1' }, 'db'),
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'payments' }, spec: { podSelector: {} } },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'db-1', namespace: 'payments' },
        spec: { podSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': 'db-1' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 5432 }] }] },
      },
    ];
    const input = objects.map((object) => JSON.stringify(object)).join('\n---\n');
    // db-0 (first group) denies, db-1 allows: the answer is neither yes nor no.
    const json = palisade(['netpol', 'explain', 'payments/client', 'payments/db', '--port', '5432', '-o', 'json', '-'], { input });
    assert.equal(json.code, 1, json.stderr);
    const explanation = JSON.parse(json.stdout);
    assert.equal(explanation.allowed, 'partly');
    assert.equal(explanation.ports, 'none', 'no port is allowed to every pod of the workload');
    assert.equal(explanation.destination, 'payments/StatefulSet/db');
    assert.equal(explanation.egress, undefined, 'no side of one group passed off as the whole answer');
    assert.deepEqual(explanation.podGroups.map((group: any) => [group.destinationObjects, group.allowed, group.ingress.selectingPolicies]), [
      [['Pod/db-0'], false, ['payments/deny']],
      [['Pod/db-1'], true, ['payments/deny', 'payments/db-1']],
    ]);
    const text = palisade(['netpol', 'explain', 'payments/client', 'payments/db', '--port', '5432', '-'], { input });
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^payments\/Pod\/client -> payments\/StatefulSet\/db \(port 5432\/TCP\): PARTLY ALLOWED \(1 of 2 pod groups\)$/m);
    assert.match(text.stdout, /^ {2}payments\/Pod\/client -> payments\/StatefulSet\/db \[Pod\/db-0\]: DENIED$/m);
    assert.match(text.stdout, /^ {2}payments\/Pod\/client -> payments\/StatefulSet\/db \[Pod\/db-1\]: ALLOWED$/m);
    // Every group answers alike: the plain answer and its exit code.
    const denied = palisade(['netpol', 'explain', 'payments/client', 'payments/db', '--port', '80', '-o', 'json', '-'], { input });
    assert.equal(denied.code, 1);
    assert.equal(JSON.parse(denied.stdout).allowed, false);
    assert.equal(JSON.parse(denied.stdout).podGroups.length, 2);
  });

  it('exposure: external, every namespace, Internet and metadata egress; exit 1 when found', () => {
    const result = palisade(['netpol', 'exposure', '-o', 'json', SHOP]);
    assert.equal(result.code, 1);
    const items = JSON.parse(result.stdout).items.map((item: any) => `${item.workload} ${item.exposure} ${item.ports}`);
    assert.ok(items.includes('ingress-nginx/Deployment/controller external-ingress TCP:80,443'), items.join('\n'));
    assert.ok(items.includes('payments/StatefulSet/db all-namespaces-ingress all'));
    assert.ok(items.includes('shop/Deployment/api metadata-egress TCP:80'));
    assert.ok(!items.some((item: string) => item.startsWith('shop/Deployment/web all-namespaces')), 'web is isolated');
  });

  it('generate: default deny with DNS, allows from references, Ingress backends and exposed Services; --diff', () => {
    const policies = jsyaml.loadAll(palisade(['netpol', 'generate', SHOP]).stdout) as any[];
    const byName = (namespace: string, name: string) => policies.find((policy) => policy.metadata.namespace === namespace && policy.metadata.name === name);
    assert.deepEqual(byName('shop', 'default-deny').spec, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    assert.deepEqual(byName('shop', 'allow-dns').spec.egress[0].ports, [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    // web -> api from an env var, api -> db from a ConfigMap, controller -> web from the Ingress.
    assert.deepEqual(byName('shop', 'allow-ingress-api').spec.ingress, [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 'api' }] }]);
    assert.deepEqual(byName('payments', 'allow-ingress-db').spec.ingress[0].from, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'api' } } }]);
    assert.deepEqual(byName('shop', 'allow-ingress-web').spec.ingress[0].from, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }]);
    assert.ok(byName('shop', 'allow-egress-web'));
    assert.equal(byName('shop', 'allow-same-namespace'), undefined);
    const baseline = jsyaml.loadAll(palisade(['netpol', 'generate', '--baseline', 'same-namespace', SHOP]).stdout) as any[];
    assert.ok(baseline.some((policy) => policy.metadata.name === 'allow-same-namespace'));

    const diff = palisade(['netpol', 'generate', '--diff', SHOP]);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /^- shop\/Deployment\/web -> payments\/StatefulSet\/db {2}all => none$/m);
    assert.match(diff.stdout, /^~ shop\/Deployment\/api -> payments\/StatefulSet\/db {2}all => TCP:5432$/m);
    assert.doesNotMatch(diff.stdout, /web -> shop\/Deployment\/api/, 'an allowed flow stays allowed');
    // -n: policies for one namespace, inferred from the clients of every namespace and diffed against the whole matrix.
    const scoped = jsyaml.loadAll(palisade(['netpol', 'generate', '-n', 'payments', SHOP]).stdout) as any[];
    assert.deepEqual([...new Set(scoped.map((policy) => policy.metadata.namespace))], ['payments']);
    const scopedDiff = palisade(['netpol', 'generate', '-n', 'payments', '--diff', SHOP]);
    assert.match(scopedDiff.stdout, /^~ shop\/Deployment\/api -> payments\/StatefulSet\/db {2}all => TCP:5432$/m);
    assert.doesNotMatch(scopedDiff.stdout, /^[-~+] shop\/Deployment\/web -> shop\//m, 'nothing outside payments changes');
  });

  it('generate --flows: observed flows become allows; bad lines are named', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'palisade-netpol-'));
    const flows = path.join(root, 'flows.yaml');
    writeFileSync(flows, '- {from: payments/db, to: 10.20.0.0/16, port: 443, protocol: TCP}\n- {from: shop/web, to: nowhere/x}\n');
    const result = palisade(['netpol', 'generate', '--flows', flows, SHOP]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /observed flow #2: no workload or pod "nowhere\/x"/);
    const policies = jsyaml.loadAll(result.stdout) as any[];
    const egress = policies.find((policy) => policy.metadata.namespace === 'payments' && policy.metadata.name === 'allow-egress-db');
    assert.deepEqual(egress.spec.egress, [{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
  });

  it('usage and input errors exit 2 and name the field', () => {
    assert.equal(palisade(['netpol']).code, 2);
    assert.equal(palisade(['netpol', 'frobnicate', SHOP]).code, 2);
    assert.equal(palisade(['netpol', '--help']).code, 0);
    const bad = palisade(['netpol', 'matrix', '-'], { input: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/99}\n' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /<stdin>:8:\d+: NetworkPolicy a\/p: spec.ingress.0.from.0.ipBlock.cidr: "10.0.0.0\/99" is not a CIDR/);
  });
});

describe('netpol against a real API server', { skip: clusterAvailable() ? false : 'test control plane not built (scripts/provision.sh)' }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  it('every generated policy passes server-side dry-run validation', async () => {
    const policies = jsyaml.loadAll(palisade(['netpol', 'generate', '--baseline', 'same-namespace', SHOP]).stdout) as any[];
    for (const namespace of new Set(policies.map((policy) => policy.metadata.namespace))) {
      const created = await cluster.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      assert.ok(created.status === 201 || created.status === 409, created.body);
    }
    assert.ok(policies.length >= 10);
    for (const policy of policies) {
      const response = await cluster.post(`/apis/networking.k8s.io/v1/namespaces/${policy.metadata.namespace}/networkpolicies?dryRun=All&fieldValidation=Strict`, policy);
      assert.equal(response.status, 201, `${policy.metadata.namespace}/${policy.metadata.name}: ${response.body}`);
    }
  });

  it('policyTypes defaulting matches the API server', async () => {
    await cluster.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'defaults' } });
    const specs = [
      { podSelector: {} },
      { podSelector: {}, egress: [] },
      { podSelector: {}, egress: [{}] },
      { podSelector: {}, ingress: [{}], egress: [{ to: [{ podSelector: {} }] }] },
      { podSelector: {}, policyTypes: ['Egress'] },
    ];
    for (const [index, spec] of specs.entries()) {
      const response = await cluster.post('/apis/networking.k8s.io/v1/namespaces/defaults/networkpolicies?dryRun=All', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `p${index}` }, spec });
      assert.equal(response.status, 201, response.body);
      const stored = JSON.parse(response.body).spec.policyTypes as string[];
      const ours = defaultedPolicyTypes(spec);
      assert.deepEqual(stored.slice().sort(), (['Ingress', 'Egress'] as const).filter((type) => ours[type]).sort(), JSON.stringify(spec));
    }
  });

  it('generate --cluster -n NS reads clients and Services of every namespace and proposes for NS only', async () => {
    const { kubeconfig } = cluster;
    for (const namespace of ['shop', 'payments', 'ingress-nginx']) {
      await cluster.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      await cluster.post(`/api/v1/namespaces/${namespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    }
    const pod = (name: string, labels: Record<string, string>, image: string, ports: unknown[], env: unknown[] = []) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image, ports, env }] } });
    const service = (name: string, selector: Record<string, string>, port: number, targetPort: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector, ports: [{ port, targetPort }] } });
    const created = [
      // shop/api calls payments/db; payments/worker calls shop/api; the controller routes to payments/web.
      ['shop', 'pods', pod('api', { app: 'api' }, 'shop/api:1', [{ name: 'http', containerPort: 9000 }], [{ name: 'DATABASE_URL', value: 'postgres://db.payments.svc.cluster.local:5432/shop' }])],
      ['shop', 'services', service('api', { app: 'api' }, 9000, 'http')],
      ['payments', 'pods', pod('db', { app: 'db' }, 'postgres:16', [{ name: 'pg', containerPort: 5432 }])],
      ['payments', 'services', service('db', { app: 'db' }, 5432, 'pg')],
      ['payments', 'pods', pod('worker', { app: 'worker' }, 'payments/worker:1', [], [{ name: 'SHOP_API', value: 'http://api.shop:9000' }])],
      ['payments', 'pods', pod('web', { app: 'web' }, 'payments/web:1', [{ name: 'http', containerPort: 8080 }])],
      ['payments', 'services', service('web', { app: 'web' }, 80, 'http')],
      ['ingress-nginx', 'pods', pod('controller', { app: 'ingress-nginx' }, 'registry.k8s.io/ingress-nginx/controller:v1.11.2', [{ name: 'http', containerPort: 80 }])],
    ] as const;
    for (const [namespace, plural, object] of created) assert.equal((await cluster.post(`/api/v1/namespaces/${namespace}/${plural}`, object)).status, 201);
    // shop/api's egress is isolated: it may open connections to payments only.
    const egress = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'api-egress' }, spec: { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } } }] }] } };
    assert.equal((await cluster.post('/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies', egress)).status, 201);
    const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } };
    assert.equal((await cluster.post('/apis/networking.k8s.io/v1/namespaces/payments/ingresses', ingress)).status, 201);
    const args = ['netpol', 'generate', '--cluster', '--kubeconfig', kubeconfig, '-n', 'payments'];

    const proposal = palisade([...args, '-o', 'json']);
    assert.equal(proposal.code, 0, proposal.stderr);
    const policies = JSON.parse(proposal.stdout).items as any[];
    assert.deepEqual([...new Set(policies.map((policy) => policy.metadata.namespace))], ['payments'], 'policies for NS only');
    const named = (name: string) => policies.find((policy) => policy.metadata.name === name);
    assert.deepEqual(named('allow-ingress-db').spec.ingress[0].from, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'api' } } }]);
    assert.deepEqual(named('allow-egress-worker').spec.egress[0], { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'TCP', port: 'http' }] });
    assert.deepEqual(named('allow-ingress-web').spec.ingress[0].from, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { app: 'ingress-nginx' } } }]);

    // The diff is against the whole matrix: the flows across namespaces are kept (narrowed), not cut.
    const diff = palisade([...args, '--diff', '-o', 'json']);
    assert.equal(diff.code, 0, diff.stderr);
    const changes = new Map((JSON.parse(diff.stdout).changes as any[]).map((change) => [change.connection, `${change.change} ${change.before} => ${change.after}`]));
    assert.equal(changes.get('shop/Pod/api -> payments/Pod/db'), 'changed all => TCP:5432');
    assert.equal(changes.get('payments/Pod/worker -> shop/Pod/api'), 'changed all => TCP:9000');
    assert.equal(changes.get('ingress-nginx/Pod/controller -> payments/Pod/web'), 'changed all => TCP:8080');
    assert.equal(changes.get('shop/Pod/api -> payments/Pod/web'), 'removed all => none');
    assert.ok([...changes.keys()].every((connection) => connection.includes('payments/')), [...changes.keys()].join('\n'));

    // matrix -n: connections with an end in NS, from every namespace.
    const matrix = palisade(['netpol', 'matrix', '--cluster', '--kubeconfig', kubeconfig, '-n', 'payments', '-o', 'json']);
    assert.equal(matrix.code, 0, matrix.stderr);
    const rows = (JSON.parse(matrix.stdout).connections as any[]).map((connection) => `${connection.from} -> ${connection.to}`);
    assert.ok(rows.includes('shop/Pod/api -> payments/Pod/db'), rows.join('\n'));
    assert.ok(rows.includes('payments/Pod/worker -> shop/Pod/api'), rows.join('\n'));
  });

  it('reads the cluster with --cluster', async () => {
    const { kubeconfig } = cluster;
    await cluster.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'live' } });
    // No controller manager here: the ServiceAccount admission plugin needs the default account to exist.
    await cluster.post('/api/v1/namespaces/live/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    const pod = (name: string, app: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }] } });
    for (const [name, app] of [['front', 'front'], ['back', 'back']]) assert.equal((await cluster.post('/api/v1/namespaces/live/pods', pod(name!, app!))).status, 201);
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'back' }, spec: { podSelector: { matchLabels: { app: 'back' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'front' } } }], ports: [{ port: 'http' }] }] } };
    assert.equal((await cluster.post('/apis/networking.k8s.io/v1/namespaces/live/networkpolicies', policy)).status, 201);
    const result = palisade(['netpol', 'explain', 'live/front', 'live/back', '--port', '8080', '--cluster', '--kubeconfig', kubeconfig, '-n', 'live']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /live\/Pod\/front -> live\/Pod\/back \(port 8080\/TCP\): ALLOWED/);
    assert.equal(palisade(['netpol', 'explain', 'live/back', 'live/front', '--port', '8080', '--cluster', '--kubeconfig', kubeconfig, '-n', 'live']).code, 0);
    assert.equal(palisade(['netpol', 'explain', 'live/front', 'live/back', '--port', '9090', '--cluster', '--kubeconfig', kubeconfig, '-n', 'live']).code, 1);
  });
});
