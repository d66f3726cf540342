import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { pino } from 'pino';
import { createAuditMonitor, type ContextAlert } from '../src/app/audit.js';
import { startAuditServer, type AuditServer } from '../src/adapters/audit/server.js';
import type { AuditEvent } from '../src/core/audit/event.js';
import { certificateAuthority, startCluster, type TestCluster } from './support/cluster.js';
import { palisade, palisadeAsync } from './support/cli.js';
import { tempDir } from './support/temp.js';

/**
 * The detections against the real kube-apiserver's audit events, from its JSON log and from
 * its webhook backend (mTLS to palisade's receiver on loopback). The test performs the
 * actions (exec, a secret read as another service account, anonymous requests, a binding to
 * cluster-admin, ...), then checks that each detection fires once with the right subject
 * and object, and that the harmless run before them fires nothing.
 */

const SECRET_VALUE = 'audit-secret-value-never-printed';
const SECRET_B64 = Buffer.from(SECRET_VALUE).toString('base64');

// Secrets at RequestResponse (their data is in the log: palisade must never keep or print it),
// RBAC and pods at Request (the detections read bindings, roles and pod specs), the rest at Metadata.
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    nonResourceURLs: ["/readyz*", "/livez*", "/healthz*"]
  - level: RequestResponse
    resources: [{group: "", resources: ["secrets", "serviceaccounts/token"]}]
  - level: Request
    resources: [{group: "rbac.authorization.k8s.io"}, {group: "", resources: ["pods"]}]
  - level: Metadata
`;

const RBAC = 'rbac.authorization.k8s.io';
const ADMIN = 'palisade-admin';
const READER = 'system:serviceaccount:other:reader';

interface Summary {
  detection: string;
  subject: string;
  object: string;
}

function summary(alert: ContextAlert): Summary {
  const ref = alert.object;
  return { detection: alert.detection, subject: alert.subject, object: ref ? `${ref.resource ?? ''}${ref.subresource ? `/${ref.subresource}` : ''} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? '*'}` : '-' };
}

const bySummary = (a: Summary, b: Summary) => `${a.detection} ${a.subject} ${a.object}`.localeCompare(`${b.detection} ${b.subject} ${b.object}`);

/** The alerts of the log's lines from byte `from` to byte `to`, through one monitor. */
function alertsOfLog(file: string, from: number, to: number): ContextAlert[] {
  const text = readFileSync(file).subarray(from, to).toString('utf8');
  const monitor = createAuditMonitor();
  const alerts: ContextAlert[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const result = monitor.line(line);
    assert.equal(result.error, undefined, `a line of the real audit log was refused: ${result.error?.message}`);
    alerts.push(...result.alerts);
  }
  return alerts;
}

function post(url: string, body: string, tls: { ca: string; cert?: string; key?: string }, type = 'application/json'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca: tls.ca, ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}), headers: { 'content-type': type } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('audit detections on the real API server (log and webhook)', () => {
  let cluster: TestCluster;
  let server: AuditServer;
  const received: AuditEvent[] = [];
  const receivedText: string[] = [];
  let harmlessFrom = 0;
  let attackFrom = 0;
  let attackTo = 0;
  let webhookAttackFrom = 0;
  let readerToken = '';
  let falcoClient: { cert: string; key: string };
  let authorityPem = '';

  const ok = async (method: string, pathname: string, body?: unknown, as?: Parameters<TestCluster['request']>[3]) => {
    const response = await cluster.request(method, pathname, body, as);
    assert.ok(response.status >= 200 && response.status < 300, `${method} ${pathname}: ${response.status} ${response.body.slice(0, 300)}`);
    return JSON.parse(response.body || '{}') as Record<string, unknown>;
  };
  const logSize = () => readFileSync(cluster.auditLog).length;

  before(async () => {
    const dir = tempDir('palisade-audit');
    const authority = await certificateAuthority();
    authorityPem = authority.pem;
    const serving = await authority.issue('CN=palisade-audit', 'server', [{ type: 'ip', value: '127.0.0.1' }]);
    const apiserverClient = await authority.issue('CN=kube-apiserver', 'client');
    falcoClient = await authority.issue('CN=falco', 'client');
    const file = (name: string, text: string) => {
      const full = path.join(dir, name);
      writeFileSync(full, text, { mode: 0o600 });
      return full;
    };
    server = await startAuditServer({
      certFile: file('tls.crt', serving.cert),
      keyFile: file('tls.key', serving.key),
      clientCaFile: file('clients-ca.crt', authority.pem),
      clientNames: ['kube-apiserver', 'falco'],
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
      receive: (events) => {
        received.push(...events);
        receivedText.push(JSON.stringify(events));
      },
    });
    cluster = await startCluster({
      anonymousAuth: true,
      auditPolicy: AUDIT_POLICY,
      auditWebhook: { url: `https://127.0.0.1:${server.port}/audit`, ca: authority.pem, cert: apiserverClient.cert, key: apiserverClient.key },
    });

    // Setup: a namespace with a workload's service account, its secret and its right to read it.
    await ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    await ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    await ok('POST', '/api/v1/namespaces/prod/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web' } });
    await ok('POST', '/api/v1/namespaces/other/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader' } });
    await ok('POST', '/api/v1/namespaces/prod/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: SECRET_VALUE } });
    await ok('POST', `/apis/${RBAC}/v1/namespaces/prod/roles`, { apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name: 'secret-reader' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] });
    await ok('POST', `/apis/${RBAC}/v1/namespaces/prod/rolebindings`, {
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'secret-readers' },
      roleRef: { apiGroup: RBAC, kind: 'Role', name: 'secret-reader' },
      subjects: [
        { kind: 'ServiceAccount', name: 'web', namespace: 'prod' },
        { kind: 'ServiceAccount', name: 'reader', namespace: 'other' },
      ],
    });
    await ok('POST', '/api/v1/namespaces/prod/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { serviceAccountName: 'web', containers: [{ name: 'app', image: 'nginx:1.27' }] } });
    // The workload's token (minted here, before the harmless run: minting is a detection).
    const webToken = (await ok('POST', '/api/v1/namespaces/prod/serviceaccounts/web/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } })).status as { token: string };

    // The harmless run: what a working cluster does all day.
    harmlessFrom = logSize();
    await ok('GET', '/api/v1/namespaces/prod/secrets/db', undefined, { token: webToken.token });
    await ok('GET', '/api/v1/namespaces/prod/pods');
    await ok('POST', '/api/v1/namespaces/prod/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'production' } });
    await ok('POST', '/api/v1/namespaces/prod/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api' }, spec: { serviceAccountName: 'web', containers: [{ name: 'app', image: 'nginx:1.27' }] } });
    await ok('POST', `/apis/${RBAC}/v1/namespaces/prod/rolebindings`, { apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { name: 'bob-views' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' }, subjects: [{ apiGroup: RBAC, kind: 'User', name: 'bob' }] });
    await ok('GET', '/version', undefined, { anonymous: true });
    // A failed authentication is audited with an empty user: read, never an alert.
    assert.equal((await cluster.get('/api/v1/namespaces', { token: 'not-a-token' })).status, 401);
    for (let i = 0; i < 3; i++) assert.equal((await cluster.get('/api/v1/namespaces/kube-system/secrets', { token: cluster.tokens.bob! })).status, 403);

    // The attacks.
    attackFrom = logSize();
    webhookAttackFrom = received.length;
    // exec: no kubelet, so the API server answers an error, but it authorized and audited the CONNECT.
    const exec = await cluster.post('/api/v1/namespaces/prod/pods/web/exec?command=cat&command=/etc/shadow&container=app&stdout=true', undefined);
    assert.ok(exec.status >= 400, `exec answered ${exec.status}`);
    await cluster.post('/api/v1/namespaces/prod/pods/web/portforward?ports=5432', undefined);
    // A secret read as another namespace's service account (impersonated: also a detection).
    await ok('GET', '/api/v1/namespaces/prod/secrets/db', undefined, { impersonate: READER });
    // Anonymous access granted by a binding to system:anonymous, then used.
    await ok('POST', `/apis/${RBAC}/v1/namespaces/prod/roles`, { apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name: 'settings-reader' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] });
    await ok('POST', `/apis/${RBAC}/v1/namespaces/prod/rolebindings`, { apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { name: 'open-settings' }, roleRef: { apiGroup: RBAC, kind: 'Role', name: 'settings-reader' }, subjects: [{ apiGroup: RBAC, kind: 'User', name: 'system:anonymous' }] });
    await ok('GET', '/api/v1/namespaces/prod/configmaps/settings', undefined, { anonymous: true });
    assert.equal((await cluster.get('/api/v1/namespaces', { anonymous: true })).status, 403);
    // cluster-admin for the reader.
    await ok('POST', `/apis/${RBAC}/v1/clusterrolebindings`, { apiVersion: `${RBAC}/v1`, kind: 'ClusterRoleBinding', metadata: { name: 'backdoor' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'other' }] });
    await ok('POST', `/apis/${RBAC}/v1/clusterroles`, { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name: 'escalator' }, rules: [{ apiGroups: [RBAC], resources: ['clusterroles'], verbs: ['escalate', 'bind'] }] });
    readerToken = ((await ok('POST', '/api/v1/namespaces/other/serviceaccounts/reader/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } })).status as { token: string }).token;
    assert.ok(readerToken.length > 0);
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=mallory, O=team-a', keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } });
    await ok('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'mallory' }, spec: { request: Buffer.from(csr.toString('pem')).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] } });
    await ok('POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'quiet' }, webhooks: [] });
    await ok('POST', '/api/v1/namespaces/prod/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'escape' }, spec: { serviceAccountName: 'web', hostPID: true, containers: [{ name: 'app', image: 'alpine:3.20', securityContext: { privileged: true } }] } });
    await cluster.get('/api/v1/nodes/node-1/proxy/pods');
    // Probing: bob tries one resource after another.
    for (const resource of ['secrets', 'pods', 'configmaps', 'serviceaccounts', 'services', 'endpoints', 'events', 'limitranges', 'resourcequotas', 'persistentvolumeclaims', 'replicationcontrollers', 'podtemplates']) {
      assert.equal((await cluster.get(`/api/v1/namespaces/kube-system/${resource}`, { token: cluster.tokens.bob! })).status, 403);
    }
    attackTo = logSize();
  });

  after(async () => {
    await cluster?.stop();
    await server?.close();
  });

  it('the harmless run fires nothing (and the control plane starting up fires nothing either)', () => {
    assert.deepEqual(alertsOfLog(cluster.auditLog, harmlessFrom, attackFrom).map(summary), []);
    // From the first line: only the setup's own token request.
    assert.deepEqual(alertsOfLog(cluster.auditLog, 0, attackFrom).map(summary), [{ detection: 'service-account-token-minted', subject: ADMIN, object: 'serviceaccounts/token prod/web' }]);
  });

  it('each detection fires once on the attacks, with the right subject and object', () => {
    const alerts = alertsOfLog(cluster.auditLog, attackFrom, attackTo);
    assert.deepEqual(alerts.map(summary).sort(bySummary), [
      { detection: 'admission-webhook-changed', subject: ADMIN, object: 'validatingwebhookconfigurations quiet' },
      { detection: 'anonymous-request-allowed', subject: 'system:anonymous', object: 'configmaps prod/settings' },
      { detection: 'broad-group-binding', subject: ADMIN, object: 'rolebindings prod/open-settings' },
      { detection: 'csr-minted', subject: ADMIN, object: 'certificatesigningrequests mallory' },
      // the tenth denial within the window (the attack is read on its own: the harmless run's three are not counted)
      { detection: 'forbidden-burst', subject: 'bob', object: 'persistentvolumeclaims kube-system/*' },
      { detection: 'impersonation', subject: ADMIN, object: 'secrets prod/db' },
      { detection: 'node-proxy-access', subject: ADMIN, object: 'nodes/proxy node-1' },
      { detection: 'pod-exec', subject: ADMIN, object: 'pods/exec prod/web' },
      { detection: 'pod-port-forward', subject: ADMIN, object: 'pods/portforward prod/web' },
      { detection: 'powerful-role-binding', subject: ADMIN, object: 'clusterrolebindings backdoor' },
      { detection: 'powerful-role-change', subject: ADMIN, object: 'clusterroles escalator' },
      { detection: 'privileged-pod-created', subject: ADMIN, object: 'pods prod/escape' },
      { detection: 'secret-read-unusual', subject: READER, object: 'secrets prod/db' },
      { detection: 'service-account-token-minted', subject: ADMIN, object: 'serviceaccounts/token other/reader' },
    ].sort(bySummary));
    const secretRead = alerts.find((alert) => alert.detection === 'secret-read-unusual')!;
    assert.equal(secretRead.impersonatedBy, ADMIN);
    assert.match(secretRead.auditID, /^[0-9a-f-]{36}$/);
    assert.match(alerts.find((alert) => alert.detection === 'powerful-role-binding')!.message, /bound ClusterRole cluster-admin to ServiceAccount other\/reader/);
    assert.match(alerts.find((alert) => alert.detection === 'privileged-pod-created')!.message, /privileged container app, hostPID/);
    assert.match(alerts.find((alert) => alert.detection === 'anonymous-request-allowed')!.message, /RoleBinding "open-settings\/prod" of Role "settings-reader"/);
    // The exec was audited twice (ResponseStarted, ResponseComplete): one alert.
    const execEvents = readFileSync(cluster.auditLog, 'utf8').split('\n').filter((line) => line.includes('"subresource":"exec"'));
    assert.equal(execEvents.length, 2);
  });

  it('the webhook backend (mTLS) delivers the same events: the same alerts, by auditID', async () => {
    const fromLog = alertsOfLog(cluster.auditLog, attackFrom, attackTo);
    const wanted = new Set(fromLog.map((alert) => alert.auditID));
    const deadline = Date.now() + 15_000;
    while ([...wanted].some((id) => !received.some((event) => event.auditID === id)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const monitor = createAuditMonitor();
    const fromWebhook = received.slice(webhookAttackFrom).flatMap((event) => monitor.event(event)).filter((alert) => Date.parse(alert.time) <= Date.parse(fromLog.at(-1)!.time));
    const key = (alert: ContextAlert) => `${alert.detection} ${alert.auditID} ${alert.subject}`;
    assert.deepEqual(fromWebhook.map(key).sort(), fromLog.map(key).sort());
  });

  it("never keeps or prints a secret's value (the log holds it at RequestResponse)", () => {
    const log = readFileSync(cluster.auditLog, 'utf8');
    assert.ok(log.includes(SECRET_B64), 'the audit log should hold the secret (RequestResponse): else this test proves nothing');
    assert.ok(log.includes(readerToken), 'the audit log should hold the minted token (RequestResponse)');
    const all = receivedText.join('\n');
    for (const value of [SECRET_B64, SECRET_VALUE, readerToken]) assert.ok(!all.includes(value), 'a received event kept a secret');
    const run = palisade(['audit', '--log', cluster.auditLog, '-o', 'json']);
    assert.equal(run.code, 1, run.stderr);
    for (const value of [SECRET_B64, SECRET_VALUE, readerToken, '/etc/shadow']) {
      assert.ok(!run.stdout.includes(value) && !run.stderr.includes(value), `palisade audit printed ${value === '/etc/shadow' ? "the exec's command" : 'a secret'}`);
    }
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as ContextAlert);
    assert.equal(lines.length, alertsOfLog(cluster.auditLog, 0, logSize()).length);
    const table = palisade(['audit', '--log', cluster.auditLog]);
    assert.equal(table.code, 1);
    assert.ok(!table.stdout.includes(SECRET_B64) && !table.stdout.includes(readerToken));
  });

  it('--cluster: alerts carry the live posture (the pod\'s service account and its power)', async () => {
    // Asynchronously: the API server's webhook calls this process's receiver while the CLI reads the cluster.
    const run = await palisadeAsync(['audit', '--log', cluster.auditLog, '--only', 'pod-exec', '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const alerts = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as ContextAlert);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.context?.serviceAccount, 'web');
    assert.deepEqual(alerts[0]!.context?.power, ['read secrets (in prod)']);
  });

  it('takes Falco alerts on /falco with a client certificate, with the pod as the object', async () => {
    const before = received.length;
    const alert = { hostname: 'node-1', output: `Notice shell (cmdline=sh -c echo ${SECRET_VALUE})`, priority: 'Warning', rule: 'Terminal shell in container', source: 'syscall', tags: ['T1059'], time: new Date().toISOString(), output_fields: { 'k8s.ns.name': 'prod', 'k8s.pod.name': 'web', 'proc.cmdline': `sh -c echo ${SECRET_VALUE}`, 'proc.name': 'sh', 'container.id': 'abc' } };
    const answer = await post(`https://127.0.0.1:${server.port}/falco`, JSON.stringify(alert), { ca: authorityPem, ...falcoClient });
    assert.equal(answer.status, 200, answer.body);
    const events = received.slice(before);
    assert.equal(events.length, 1);
    assert.ok(!JSON.stringify(events).includes(SECRET_VALUE), 'the Falco command line was kept');
    const alerts = createAuditMonitor().event(events[0]!);
    assert.deepEqual(alerts.map(summary), [{ detection: 'falco-alert', subject: 'falco:unknown', object: 'pods prod/web' }]);
    assert.equal(alerts[0]!.severity, 'medium');
    assert.equal(alerts[0]!.technique.id, 'T1059');
    // Without a client certificate: refused.
    const refused = await post(`https://127.0.0.1:${server.port}/falco`, JSON.stringify(alert), { ca: authorityPem });
    assert.equal(refused.status, 401);
  });
});
