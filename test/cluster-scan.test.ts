import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readKubeletConfigs } from '../src/adapters/cluster/kubelets.js';
import { CLUSTER_KINDS, connect } from '../src/adapters/cluster/read.js';
import { scanResources } from '../src/app/scan.js';
import { loadText } from '../src/adapters/manifests/documents.js';
import { startCluster, type TestCluster } from './support/cluster.js';
import { repoPath } from './support/paths.js';
import { palisade } from './support/cli.js';


const SECRET_VALUE = 'hunter2-never-print-me';

// One control plane for the run: every test below shares it.
describe('the test control plane (real etcd and kube-apiserver) and palisade scan --cluster', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster({ controllerManager: true });
    const create = async (path: string, object: unknown) => {
      const response = await cluster.post(path, object);
      assert.ok(response.status === 201, `POST ${path}: ${response.status} ${response.body.slice(0, 300)}`);
    };
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    await create('/apis/apps/v1/namespaces/shop/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { hostPID: true, containers: [{ name: 'web', image: 'nginx:1.27', securityContext: { privileged: true } }] } },
      },
    });
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', annotations: {} as Record<string, string> }, stringData: { password: SECRET_VALUE } };
    // kubectl apply leaves the whole object, values included, in this annotation.
    secret.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] = JSON.stringify(secret);
    await create('/api/v1/namespaces/shop/secrets', secret);
    await create('/api/v1/namespaces/shop/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' } });
    await create('/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'secret-reader' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
    });
    await create('/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'everyone-reads-secrets' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-reader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
    });
    await create('/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'api-only' },
      spec: { podSelector: { matchLabels: { app: 'api' } }, ingress: [{}] },
    });
    await create('/api/v1/namespaces/shop/secrets', { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: 'builder-token', annotations: { 'kubernetes.io/service-account.name': 'builder' } } });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('serves the pinned Kubernetes version on loopback over TLS', async () => {
    const version = await cluster.get('/version');
    assert.equal(version.status, 200);
    assert.match(JSON.parse(version.body).gitVersion, /^v1\.32\.4/);
    assert.match(cluster.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('authenticates token users and authorizes them with RBAC', async () => {
    const denied = await cluster.get('/api/v1/namespaces/default/secrets', { token: cluster.tokens.alice });
    assert.equal(denied.status, 403);
    const review = await cluster.post('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: 'alice', groups: ['system:authenticated'], resourceAttributes: { verb: 'list', resource: 'secrets', namespace: 'default' } },
    });
    assert.equal(review.status, 201);
    assert.equal(JSON.parse(review.body).status.allowed, false);
    const admin = await cluster.get('/api/v1/namespaces/default/secrets');
    assert.equal(admin.status, 200);
  });

  it('writes a JSON audit log with the user and the decision', async () => {
    await cluster.get('/api/v1/namespaces/default/configmaps', { token: cluster.tokens.bob });
    const events = readFileSync(cluster.auditLog, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { user: { username: string }; verb: string; objectRef?: { resource?: string }; annotations?: Record<string, string> });
    const bob = events.find((event) => event.user.username === 'bob' && event.objectRef?.resource === 'configmaps');
    assert.ok(bob, 'no audit event for bob listing configmaps');
    assert.equal(bob.verb, 'list');
    assert.equal(bob.annotations?.['authorization.k8s.io/decision'], 'forbid');
  });

  it('judges the cluster version from /version against the dated release data', () => {
    const report = JSON.parse(palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', 'json', '--check', 'kubernetes-version-unsupported']).stdout);
    // v1.32 reached end of life on 2026-02-28: today (the clock is real here) it is past that.
    const version = report.findings.find((finding: { object: { kind: string } }) => finding.object.kind === 'ClusterVersion');
    if (Date.now() > Date.parse('2026-02-28T23:59:59Z')) assert.match(version?.message ?? '', /v1\.32\.4: 1\.32 reached end of life on 2026-02-28/);
    else assert.equal(version, undefined);
  });

  it('runs the controllers tests need: ClusterRole aggregation and service accounts', async () => {
    await cluster.post('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'aggregated' },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'palisade.dev/aggregate-to': 'aggregated' } }] },
    });
    await cluster.post('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'part', labels: { 'palisade.dev/aggregate-to': 'aggregated' } },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    });
    const deadline = Date.now() + 30_000;
    let rules: unknown[] = [];
    let account = 0;
    while (Date.now() < deadline && (rules.length === 0 || account !== 200)) {
      rules = (JSON.parse((await cluster.get('/apis/rbac.authorization.k8s.io/v1/clusterroles/aggregated')).body) as { rules?: unknown[] }).rules ?? [];
      account = (await cluster.get('/api/v1/namespaces/shop/serviceaccounts/default')).status;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.deepEqual(rules, [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    assert.equal(account, 200, 'the service account controller made no default ServiceAccount');
  });

  it('finds workload misconfigurations, naming the cluster object', () => {
    const result = palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', 'json', '-n', 'shop']);
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.errors, []);
    const web = report.findings.filter((finding: { object: { kind: string; name: string } }) => finding.object.kind === 'Deployment' && finding.object.name === 'web');
    const ids = web.map((finding: { checkId: string }) => finding.checkId);
    assert.ok(ids.includes('privileged-container') && ids.includes('host-pid'), ids.join(', '));
    assert.equal(web[0].location.file, 'cluster:admin');
    assert.equal(web[0].object.namespace, 'shop');
  });

  it('finds RBAC and network policy problems among the objects it listed', () => {
    const report = JSON.parse(palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', 'json', '-n', 'shop']).stdout);
    // Namespace "shop" only: the bootstrap ClusterRoles (cluster-admin...) are reported too, rightly.
    const on = (checkId: string) =>
      report.findings
        .filter((finding: { checkId: string; object: { kind: string; namespace?: string; name: string } }) => finding.checkId === checkId && (finding.object.namespace === 'shop' || (finding.object.kind === 'Namespace' && finding.object.name === 'shop')))
        .map((finding: { object: { kind: string; name: string } }) => `${finding.object.kind}/${finding.object.name}`);
    assert.deepEqual(on('rbac-read-secrets'), ['Role/secret-reader']);
    assert.deepEqual(on('rbac-binding-to-authenticated'), ['RoleBinding/everyone-reads-secrets']);
    // The namespace has a policy, but it selects app=api only: the web pods are not selected.
    assert.deepEqual(on('pod-not-selected-by-network-policy'), ['Deployment/web']);
    assert.deepEqual(on('namespace-without-default-deny-ingress'), ['Namespace/shop']);
    // Read as metadata, the Secret's last-applied annotation keeps the names of its keys only.
    assert.deepEqual(on('secret-data-in-last-applied'), ['Secret/db']);
    const applied = report.findings.find((finding: { checkId: string }) => finding.checkId === 'secret-data-in-last-applied');
    assert.match(applied.message, /holds a value of the Secret in clear \(stringData "password"\)/);
  });

  it('reads Secrets as metadata only: no value reaches any output, token Secrets are still recognised', () => {
    for (const format of ['json', 'table', 'sarif']) {
      const result = palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', format, '-n', 'shop']);
      assert.ok(!result.stdout.includes(SECRET_VALUE), `${format} output holds the secret value`);
      assert.ok(!result.stdout.includes('aHVudGVyMi'), `${format} output holds the base64 secret value`);
    }
    const report = JSON.parse(palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', 'json', '-n', 'shop']).stdout);
    const legacy = report.findings.filter((finding: { checkId: string }) => finding.checkId === 'legacy-service-account-token-secret');
    assert.deepEqual(legacy.map((finding: { object: { name: string } }) => finding.object.name), ['builder-token']);
  });

  it('saves a snapshot that scans offline to the same findings, without secret values', () => {
    const snapshot = path.join(cluster.dir, 'snapshot.json');
    const live = JSON.parse(palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', 'json', '-n', 'shop', '--snapshot', snapshot]).stdout);
    const text = readFileSync(snapshot, 'utf8');
    assert.ok(!text.includes(SECRET_VALUE) && !text.includes('managedFields'));
    const offline = JSON.parse(palisade(['scan', '-o', 'json', snapshot]).stdout);
    const key = (finding: { checkId: string; object: { kind: string; namespace?: string; name: string }; location: { path: string } }) =>
      `${finding.checkId} ${finding.object.kind}/${finding.object.namespace}/${finding.object.name} ${finding.location.path}`;
    assert.deepEqual(offline.findings.map(key).sort(), live.findings.map(key).sort());
    assert.ok(offline.findings.every((finding: { location: { line?: number } }) => typeof finding.location.line === 'number'), 'offline findings carry snapshot lines');
  });

  it('reports a forbidden kind as a gap (exit 2), never as a silent pass', () => {
    const result = palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '--context', 'alice', '-o', 'json']);
    assert.equal(result.code, 2);
    const report = JSON.parse(result.stdout);
    const forbidden = report.errors.filter((error: { code: string }) => error.code === 'forbidden');
    assert.equal(forbidden.length, CLUSTER_KINDS.length);
    assert.match(forbidden[0].message, /not allowed to list namespaces: its checks did not run/);
  });

  it('a kind the user may not list feeds no "missing" finding: the checks that need it are named as not evaluated (issue 11)', async () => {
    // carol may list every kind the scanner reads except NetworkPolicies; shop has a default-deny ingress policy.
    const rules = CLUSTER_KINDS.filter((kind) => kind.kind !== 'NetworkPolicy').map((kind) => ({ apiGroups: [kind.group], resources: [kind.plural], verbs: ['list'] }));
    for (const [path, object] of [
      ['/apis/rbac.authorization.k8s.io/v1/clusterroles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'no-netpol-reader' }, rules }],
      ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'carol-no-netpol' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'no-netpol-reader' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'carol' }] }],
      ['/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny-ingress' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }],
    ] as const) {
      const response = await cluster.post(path, object);
      assert.equal(response.status, 201, response.body.slice(0, 300));
    }
    const checks = ['namespace-without-default-deny-ingress', 'pod-not-selected-by-network-policy', 'privileged-container'];
    const admin = JSON.parse(palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', 'json', '-n', 'shop', ...checks.flatMap((id) => ['--check', id])]).stdout);
    const shop = (report: { findings: Array<{ checkId: string; object: { name: string } }> }) => report.findings.filter((f) => f.checkId === 'namespace-without-default-deny-ingress' && f.object.name === 'shop');
    assert.deepEqual(shop(admin), [], 'the admin, who reads the policy, gets no finding on shop');
    const result = palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '--context', 'carol', '-o', 'json', '-n', 'shop', ...checks.flatMap((id) => ['--check', id])]);
    assert.equal(result.code, 2, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.errors.map((e: { code: string; kind?: string }) => `${e.code} ${e.kind}`), ['forbidden NetworkPolicy']);
    assert.deepEqual([...new Set(report.findings.map((f: { checkId: string }) => f.checkId))], ['privileged-container']);
    assert.deepEqual(report.notEvaluated, [
      { checkId: 'namespace-without-default-deny-ingress', status: 'skipped', kinds: ['NetworkPolicy'] },
      { checkId: 'pod-not-selected-by-network-policy', status: 'skipped', kinds: ['NetworkPolicy'] },
    ]);
    const table = palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '--context', 'carol', '-n', 'shop', ...checks.flatMap((id) => ['--check', id])]).stdout;
    assert.match(table, /Not evaluated\n {2}namespace-without-default-deny-ingress: did not run: NetworkPolicy not read/);
  });

  it('reads kubelet configurations through nodes/proxy only when allowed, and says why when not', async () => {
    // A node whose kubelet would be on loopback: the API server refuses to proxy there
    // (proxyutil.IsProxyableHostname), so the admin's scan reports that node as not read.
    const node = await cluster.post('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-loopback' } });
    assert.equal(node.status, 201, node.body.slice(0, 300));
    const status = await cluster.request('PUT', '/api/v1/nodes/node-loopback/status', {
      ...(JSON.parse(node.body) as object),
      status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
    });
    assert.equal(status.status, 200, status.body.slice(0, 300));
    const admin = JSON.parse(palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', 'json', '-n', 'shop']).stdout);
    const refused = admin.skipped.find((item: { reason: string }) => item.reason.includes('node-loopback'));
    assert.match(refused?.reason ?? '', /kubelet configuration of node node-loopback not read: HTTP 400: .*address not allowed/);
    // bob may list what the scanner lists but not nodes/proxy: a note, not an error.
    await cluster.post('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'bob-views' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }],
    });
    const bob = JSON.parse(palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '--context', 'bob', '-o', 'json', '-n', 'shop']).stdout);
    assert.ok(bob.skipped.some((item: { reason: string }) => /kubelet configuration not read: not allowed to get nodes\/proxy/.test(item.reason)), JSON.stringify(bob.skipped));
    assert.ok(!bob.skipped.some((item: { reason: string }) => item.reason.includes('node-loopback')));
    // The opt-in role in deploy/ is exactly what it takes: bound to bob, his scan asks the kubelets.
    const optIn = loadText(readFileSync(repoPath('deploy/clusterrole-kubelet.yaml'), 'utf8'), 'deploy/clusterrole-kubelet.yaml').resources;
    const role = optIn.find((resource) => resource.ref.kind === 'ClusterRole')!.object;
    assert.equal((await cluster.post('/apis/rbac.authorization.k8s.io/v1/clusterroles', role)).status, 201);
    const binding = { ...optIn.find((resource) => resource.ref.kind === 'ClusterRoleBinding')!.object, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }] };
    assert.equal((await cluster.post('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', binding)).status, 201);
    const granted = JSON.parse(palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '--context', 'bob', '-o', 'json', '-n', 'shop']).stdout);
    assert.ok(granted.skipped.some((item: { reason: string }) => /node node-loopback not read: HTTP 400/.test(item.reason)), JSON.stringify(granted.skipped));
  });

  it('scans the /configz answer a node proxy returns as that node\'s kubelet configuration', async () => {
    // The API server will not proxy to a loopback kubelet, so the one hop it would make is
    // played here: the permission check and the node list are the real API server's.
    const created = await cluster.post('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-standin' } });
    assert.ok(created.status === 201 || created.status === 409, created.body.slice(0, 300));
    const real = await connect({ kubeconfig: cluster.kubeconfig });
    const answered: string[] = [];
    const connection = {
      ...real,
      get: async (pathname: string, accept?: string) => {
        if (!pathname.endsWith('/proxy/configz')) return real.get(pathname, accept);
        answered.push(pathname);
        // A kubeadm node's answer, with anonymous auth and the read-only port turned on.
        const kubeletconfig = {
          authentication: { anonymous: { enabled: true }, webhook: { enabled: true, cacheTTL: '2m0s' }, x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } },
          authorization: { mode: 'Webhook', webhook: { cacheAuthorizedTTL: '5m0s', cacheUnauthorizedTTL: '30s' } },
          readOnlyPort: 10255,
          rotateCertificates: true,
          serverTLSBootstrap: true,
          podPidsLimit: 4096,
          seccompDefault: true,
          streamingConnectionIdleTimeout: '4h0m0s',
          makeIPTablesUtilChains: true,
          protectKernelDefaults: true,
          eventRecordQPS: 50,
        };
        return { status: 200, body: JSON.stringify({ kubeletconfig }) };
      },
    };
    const read = await readKubeletConfigs(connection, 'test');
    assert.ok(answered.includes('/api/v1/nodes/node-standin/proxy/configz'), answered.join());
    assert.deepEqual(read.skipped, []);
    assert.deepEqual(read.resources.map((resource) => resource.ref.name), answered.map((pathname) => pathname.split('/')[4]).sort());
    const { evaluation } = scanResources({ resources: read.resources, errors: [], skipped: [] }, { planRequest: { now: new Date() }, version: 'test' });
    const found = evaluation.findings.filter((finding) => finding.object.name === 'node-standin').map((finding) => `${finding.checkId} ${finding.location.path}`).sort();
    assert.deepEqual(found, ['kubelet-anonymous-auth-enabled kubeletconfig.authentication.anonymous.enabled', 'kubelet-read-only-port-enabled kubeletconfig.readOnlyPort']);
  });

  it('checks the hardening of the test control plane itself, whose flags are known', async () => {
    // kubeadm clusters expose the control plane as static pods in kube-system: mirror ours there.
    await cluster.post('/api/v1/namespaces/kube-system/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    for (const [component, command] of Object.entries({ 'kube-apiserver': cluster.commands.apiserver, etcd: cluster.commands.etcd })) {
      const response = await cluster.post('/api/v1/namespaces/kube-system/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${component}-node1`, labels: { component, tier: 'control-plane' } },
        spec: { hostNetwork: true, automountServiceAccountToken: false, containers: [{ name: component, image: `registry.k8s.io/${component}:v1.32.4`, command }] },
      });
      assert.equal(response.status, 201, response.body.slice(0, 300));
    }
    // The admission configuration audits Pod Security at restricted: the create was annotated.
    const audited = readFileSync(cluster.auditLog, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { verb: string; objectRef?: { resource?: string; name?: string }; annotations?: Record<string, string> })
      .find((event) => event.verb === 'create' && event.objectRef?.resource === 'pods' && event.objectRef.name === 'kube-apiserver-node1');
    assert.match(audited?.annotations?.['pod-security.kubernetes.io/audit-violations'] ?? '', /host namespaces/);
    const report = JSON.parse(palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', 'json', '-n', 'kube-system']).stdout);
    const found = new Set(report.findings.filter((finding: { category: string }) => finding.category === 'control-plane').map((finding: { checkId: string }) => finding.checkId));
    // Started with a token file, plain-HTTP etcd, no kubelet client certificate, no encryption
    // config and no admission plugin list:
    for (const id of [
      'apiserver-token-auth-file',
      'apiserver-etcd-client-cert-missing',
      'apiserver-etcd-ca-missing',
      'apiserver-kubelet-client-cert-missing',
      'apiserver-kubelet-ca-missing',
      'apiserver-encryption-at-rest-missing',
      'apiserver-admission-node-restriction-missing',
      'etcd-client-tls-missing',
      'etcd-client-cert-auth-disabled',
      'etcd-peer-tls-missing',
      'etcd-trusted-ca-missing',
    ])
      assert.ok(found.has(id), `expected ${id}; found ${[...found].join(', ')}`);
    // ...and with anonymous auth off, profiling off, Node,RBAC, TLS, a client CA and an audit log and policy:
    for (const id of [
      'apiserver-anonymous-auth-enabled',
      'apiserver-profiling-enabled',
      'apiserver-authorization-always-allow',
      'apiserver-authorization-node-missing',
      'apiserver-authorization-rbac-missing',
      'apiserver-tls-cert-missing',
      'apiserver-client-ca-missing',
      'apiserver-audit-log-disabled',
      'apiserver-audit-policy-missing',
      'apiserver-service-account-key-file-missing',
      'apiserver-admission-always-admit',
      // no retention flags: the audit log is kept forever (maxage and maxbackup default to 0, unlimited)
      'apiserver-audit-log-retention-short',
      'etcd-auto-tls-enabled',
    ])
      assert.ok(!found.has(id), `did not expect ${id}`);
  });

  it('ships a ClusterRole that grants exactly the lists the scanner makes', () => {
    const role = loadText(readFileSync(repoPath('deploy/clusterrole.yaml'), 'utf8'), 'deploy/clusterrole.yaml').resources.find((resource) => resource.ref.kind === 'ClusterRole')!;
    const granted = new Set<string>();
    for (const rule of role.object.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>) {
      assert.deepEqual(rule.verbs, ['list']);
      for (const group of rule.apiGroups) for (const resource of rule.resources) granted.add(`${group}/${resource}`);
    }
    assert.deepEqual([...granted].sort(), CLUSTER_KINDS.map((kind) => `${kind.group}/${kind.plural}`).sort());
  });
});
