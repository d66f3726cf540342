/**
 * The admission webhook against the real API server: the control plane calls Palisade's
 * webhook (in this process, on 127.0.0.1, with a certificate from a test CA) through a
 * ValidatingWebhookConfiguration with a URL clientConfig and that CA bundle.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { startAdmissionServer, type AdmissionServer } from '../src/adapters/admission/server.js';
import { watchInventory, type LiveInventory } from '../src/adapters/cluster/informers.js';
import { createAdmissionController, parseAdmissionPolicy } from '../src/app/admission.js';
import { planScan } from '../src/app/scan.js';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { kindsToRead } from '../src/core/inventory/reads.js';
import { kindInfo } from '../src/core/kinds/catalog.js';
import { certificateAuthority, clusterAvailable, startCluster, type TestCluster } from './support/cluster.js';
import { repoPath } from './support/paths.js';

const skip = clusterAvailable() ? false : 'the test control plane is not built (scripts/provision.sh)';

interface Reply {
  status: number;
  body: any;
  warnings: string[];
}

function deployment(name: string, namespace: string, extra: Record<string, unknown> = {}, replicas = 1): Record<string, any> {
  const fixture = JSON.parse(readFileSync(repoPath('test/fixtures/admission/deployment-create-compliant.json'), 'utf8')) as { request: { object: Record<string, any> } };
  const object = fixture.request.object;
  object.metadata = { name, namespace, labels: { app: name, team: 'web' } };
  object.spec.replicas = replicas;
  object.spec.selector = { matchLabels: { app: name } };
  object.spec.template.metadata.labels = { app: name, team: 'web' };
  Object.assign(object.spec.template.spec, extra);
  return object;
}

describe('admission webhook against the real API server', { skip }, () => {
  let cluster: TestCluster;
  let live: LiveInventory;
  let server: AdmissionServer | undefined;
  let dir: string;
  const logLines: Record<string, unknown>[] = [];

  const call = (method: string, pathname: string, body?: unknown, token?: string): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        `${cluster.url}${pathname}`,
        {
          method,
          ca: cluster.ca,
          headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
          ...(token ? {} : { cert: cluster.admin.cert, key: cluster.admin.key }),
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const header = res.headers.warning;
            const warnings = (Array.isArray(header) ? header : header ? [header] : []).flatMap((value) => value.split(/,\s*(?=299 )/));
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, warnings });
          });
        },
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end(payload);
    });

  const create = (namespace: string, object: unknown, token?: string) => call('POST', `/apis/apps/v1/namespaces/${namespace}/deployments`, object, token);

  before(async () => {
    cluster = await startCluster();
    dir = mkdtempSync(path.join(tmpdir(), 'palisade-webhook-'));
    for (const [name, labels] of [
      ['enforced', { 'palisade-test': 'enforced', 'admission.palisade.dev/mode': 'enforce' }],
      ['warned', { 'palisade-test': 'warned', 'admission.palisade.dev/mode': 'warn' }],
      ['open', {}],
      ['slow-enforced', { 'palisade-test': 'slow-enforced', 'admission.palisade.dev/mode': 'enforce' }],
      ['slow-warned', { 'palisade-test': 'slow-warned', 'admission.palisade.dev/mode': 'warn' }],
    ] as const) {
      const created = await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    // No controller manager runs: the default service account a Pod needs is created by hand.
    assert.equal((await call('POST', '/api/v1/namespaces/enforced/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } })).status, 201);
    // bob is exempt by configuration; he needs the right to create workloads.
    const binding = await call('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'bob-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }],
    });
    assert.equal(binding.status, 201, JSON.stringify(binding.body));

    const config = { admission: { mode: 'warn', exemptions: { users: ['bob'] } } };
    const plan = planScan({ config, now: new Date() });
    const { policy, problems } = parseAdmissionPolicy(config, new Set(ALL_CHECKS.map((check) => check.id)));
    assert.deepEqual(problems, []);
    const kinds = kindsToRead(plan.checks.map((planned) => planned.check));
    for (const name of ['Namespace', 'Pod']) if (!kinds.some((info) => info.kind === name)) kinds.push(kindInfo(name)!);
    live = await watchInventory({ kubeconfig: cluster.kubeconfig, kinds, retryMs: 200 });
    await live.synced;

    const authority = await certificateAuthority();
    const serving = await authority.issue('CN=palisade-webhook', 'server', [{ type: 'ip', value: '127.0.0.1' }]);
    writeFileSync(path.join(dir, 'tls.crt'), serving.cert);
    writeFileSync(path.join(dir, 'tls.key'), serving.key, { mode: 0o600 });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    server = await startAdmissionServer({
      controller: createAdmissionController(plan, policy),
      inventory: live.inventory,
      ready: live.isSynced,
      inventoryState: live.kinds,
      certFile: path.join(dir, 'tls.crt'),
      keyFile: path.join(dir, 'tls.key'),
      port: 0,
      host: '127.0.0.1',
      deadlineMs: 5000,
      logger: pino({}, sink),
    });
    const webhook = (name: string, selector: string, failurePolicy: 'Fail' | 'Ignore') => ({
      name,
      clientConfig: { url: `https://127.0.0.1:${server!.port}/validate`, caBundle: Buffer.from(authority.pem).toString('base64') },
      rules: [
        { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'], scope: 'Namespaced' },
        { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'], scope: 'Namespaced' },
      ],
      namespaceSelector: { matchLabels: { 'palisade-test': selector } },
      failurePolicy,
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      timeoutSeconds: 10,
    });
    const registered = await call('POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'palisade' },
      webhooks: [webhook('enforce.palisade.dev', 'enforced', 'Fail'), webhook('warn.palisade.dev', 'warned', 'Ignore')],
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    // A new configuration takes effect after a moment: a marker dry run until the webhook answers.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const marker = await call('POST', '/apis/apps/v1/namespaces/enforced/deployments?dryRun=All', deployment('marker', 'enforced', { hostNetwork: true }));
      if (marker.status === 403 && String(marker.body.message).includes('Palisade denied')) break;
      if (Date.now() > deadline) throw new Error(`the webhook never answered: ${JSON.stringify(marker.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  after(async () => {
    await server?.close(1000);
    live?.stop();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('admits a compliant Deployment and rejects a non-compliant one with our message', async () => {
    const ok = await create('enforced', deployment('good', 'enforced'));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const denied = await create('enforced', deployment('bad', 'enforced', { hostNetwork: true }));
    assert.equal(denied.status, 403);
    assert.match(denied.body.message, /^admission webhook "enforce\.palisade\.dev" denied the request: Palisade denied Deployment enforced\/bad: 1 violation of enforced checks\n- host-network \(\w+\) at spec\.template\.spec\.hostNetwork: .+ Fix: /);
    const decision = logLines.find((line) => line.name === 'bad' && line.verdict === 'denied');
    assert.ok(decision, 'one log line per decision');
    assert.deepEqual([decision.user, decision.kind, decision.operation], ['palisade-admin', 'Deployment', 'CREATE']);
    assert.ok((decision.checks as string[]).includes('host-network:deny'));
    assert.equal(typeof decision.latencyMs, 'number');
  });

  it('rejects a non-compliant Pod', async () => {
    const spec = deployment('pod', 'enforced', { hostPID: true }).spec.template.spec;
    const denied = await call('POST', '/api/v1/namespaces/enforced/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pid', labels: { team: 'web' } }, spec });
    assert.equal(denied.status, 403);
    assert.match(denied.body.message, /Palisade denied Pod enforced\/pid: 2 violations of enforced checks\n- bare-pod [^\n]*\n- host-pid \(high\) at spec\.hostPID: /);
  });

  it('shows warnings to the client in warn mode (the Warning header)', async () => {
    const warned = await create('warned', deployment('loud', 'warned', { hostNetwork: true }));
    assert.equal(warned.status, 201, JSON.stringify(warned.body));
    assert.ok(warned.warnings.some((warning) => warning.includes('palisade: host-network at spec.template.spec.hostNetwork')), JSON.stringify(warned.warnings));
  });

  it('admits an exempted user, and then a scale of the violating Deployment by anyone; a new violation is still denied', async () => {
    const exempt = await create('enforced', deployment('legacy', 'enforced', { hostNetwork: true }), cluster.tokens.bob);
    assert.equal(exempt.status, 201, JSON.stringify(exempt.body));
    assert.ok(logLines.some((line) => line.name === 'legacy' && line.verdict === 'exempt' && line.exemption === 'user bob'));
    const current = await call('GET', '/apis/apps/v1/namespaces/enforced/deployments/legacy');
    const scaled = { ...current.body, spec: { ...current.body.spec, replicas: 3 } };
    const update = await call('PUT', '/apis/apps/v1/namespaces/enforced/deployments/legacy', scaled);
    assert.equal(update.status, 200, JSON.stringify(update.body));
    assert.ok(update.warnings.some((warning) => warning.includes('not changed by this update')), JSON.stringify(update.warnings));
    const worse = structuredClone(update.body);
    worse.spec.template.spec.hostPID = true;
    const denied = await call('PUT', '/apis/apps/v1/namespaces/enforced/deployments/legacy', worse);
    assert.equal(denied.status, 403);
    assert.match(denied.body.message, /host-pid/);
    assert.doesNotMatch(denied.body.message, /- host-network/);
  });

  it('answers a malformed review posted directly with a clear error', async () => {
    const post = (body: string, type = 'application/json') =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`https://127.0.0.1:${server!.port}/validate`, { method: 'POST', rejectUnauthorized: false, headers: { 'content-type': type } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const notJson = await post('{"apiVersion":');
    assert.equal(notJson.status, 400);
    assert.match(JSON.parse(notJson.body).error, /the body is not JSON/);
    const beta = await post(JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: 'x' } }));
    assert.equal(beta.status, 400);
    assert.match(JSON.parse(beta.body).error, /only admission\.k8s\.io\/v1/);
    assert.equal((await post('{}', 'text/plain')).status, 415);
    const metrics = await new Promise<string>((resolve, reject) => {
      request(`https://127.0.0.1:${server!.port}/metrics`, { rejectUnauthorized: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      })
        .on('error', reject)
        .end();
    });
    assert.match(metrics, /palisade_admission_decisions_total\{verdict="denied",operation="CREATE"\} \d+/);
    assert.match(metrics, /palisade_admission_check_outcomes_total\{check="host-network",outcome="deny"\} \d+/);
    assert.match(metrics, /palisade_admission_inventory_objects\{kind="Namespace"\} \d+/);
  });

  it("answers a review it cannot judge in time with its own deadline answer, well inside the configuration's timeout", async () => {
    // A second webhook whose judging is slowed past its deadline (1.5 s), registered with
    // timeoutSeconds 5 and failurePolicy Fail: the client must get Palisade's deadline answer
    // (denied in the enforced namespace, admitted with a warning in the warned one), never the
    // API server's "failed calling webhook ... deadline exceeded".
    const authority = await certificateAuthority();
    const serving = await authority.issue('CN=palisade-webhook-slow', 'server', [{ type: 'ip', value: '127.0.0.1' }]);
    writeFileSync(path.join(dir, 'slow.crt'), serving.cert);
    writeFileSync(path.join(dir, 'slow.key'), serving.key, { mode: 0o600 });
    const config = { admission: { mode: 'warn' } };
    const plan = planScan({ config, now: new Date() });
    const { policy } = parseAdmissionPolicy(config, new Set(ALL_CHECKS.map((check) => check.id)));
    const slow = await startAdmissionServer({
      controller: createAdmissionController(plan, policy),
      inventory: live.inventory,
      ready: live.isSynced,
      certFile: path.join(dir, 'slow.crt'),
      keyFile: path.join(dir, 'slow.key'),
      port: 0,
      host: '127.0.0.1',
      deadlineMs: 1500,
      injectDelayMs: 8000,
      logger: pino({}, new Writable({ write: (_chunk, _encoding, done) => done() })),
    });
    const webhook = (name: string, selector: string) => ({
      name,
      clientConfig: { url: `https://127.0.0.1:${slow.port}/validate`, caBundle: Buffer.from(authority.pem).toString('base64') },
      rules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'], scope: 'Namespaced' }],
      namespaceSelector: { matchLabels: { 'palisade-test': selector } },
      failurePolicy: 'Fail',
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      timeoutSeconds: 5,
    });
    const registered = await call('POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'palisade-slow' },
      webhooks: [webhook('slow-enforce.palisade.dev', 'slow-enforced'), webhook('slow-warn.palisade.dev', 'slow-warned')],
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    try {
      // Until the configuration takes effect, a dry run is admitted unjudged.
      const until = Date.now() + 30_000;
      for (;;) {
        const marker = await call('POST', '/apis/apps/v1/namespaces/slow-enforced/deployments?dryRun=All', deployment('marker', 'slow-enforced'));
        if (marker.status !== 201) break;
        if (Date.now() > until) throw new Error('the slow webhook was never called');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      let started = Date.now();
      const denied = await create('slow-enforced', deployment('late', 'slow-enforced'));
      const deniedMs = Date.now() - started;
      assert.equal(denied.status, 504, JSON.stringify(denied.body));
      assert.equal(
        denied.body.message,
        'admission webhook "slow-enforce.palisade.dev" denied the request: Palisade could not judge Deployment slow-enforced/late within its deadline of 1500 ms; denied because the namespace is enforced. Retry the request.',
      );
      assert.ok(deniedMs >= 1500 && deniedMs < 5000, `answered at Palisade's deadline, before the API server's timeout (${deniedMs} ms)`);
      started = Date.now();
      const warned = await create('slow-warned', deployment('late', 'slow-warned'));
      assert.equal(warned.status, 201, JSON.stringify(warned.body));
      assert.ok(Date.now() - started < 5000);
      assert.ok(warned.warnings.some((warning) => warning.includes('palisade: Deployment slow-warned/late was not judged within 1500 ms; admitted (namespace mode warn)')), JSON.stringify(warned.warnings));
    } finally {
      await call('DELETE', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/palisade-slow');
      await slow.close(100);
    }
  });

  it('fails closed in the enforced namespace once the webhook stops, and unmatched namespaces proceed', async () => {
    await server!.close(1000);
    server = undefined;
    const enforced = await create('enforced', deployment('after-stop', 'enforced'));
    assert.equal(enforced.status, 500, JSON.stringify(enforced.body));
    assert.match(enforced.body.message, /failed calling webhook "enforce\.palisade\.dev"/);
    const open = await create('open', deployment('after-stop', 'open'));
    assert.equal(open.status, 201, JSON.stringify(open.body));
    const ignored = await create('warned', deployment('after-stop', 'warned'));
    assert.equal(ignored.status, 201, JSON.stringify(ignored.body));
  });
});
