/**
 * The admission webhook's HTTPS server, through real TLS connections on loopback: certificates
 * reloaded when their files change (and a broken replacement refused), a graceful shutdown that
 * finishes the reviews in flight, and the deadline answer for a review that cannot be judged in
 * time. The API server's side of the deadline is in test/admission-webhook.test.ts.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { connect } from 'node:tls';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { startAdmissionServer, type AdmissionServerOptions } from '../src/adapters/admission/server.js';
import { createAdmissionController, parseAdmissionPolicy, type AdmissionReviewResponse } from '../src/app/admission.js';
import { planScan } from '../src/app/scan.js';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { createIncrementalInventory } from '../src/core/inventory/inventory.js';
import { isClusterScoped } from '../src/core/kinds/scope.js';
import { refOf, type KubeObject } from '../src/core/model/resource.js';
import { certificateAuthority } from './support/cluster.js';
import { repoPath } from './support/paths.js';

const NOW = new Date('2026-03-01T00:00:00Z');
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function fixture(name: string): Record<string, any> {
  return JSON.parse(readFileSync(repoPath(`test/fixtures/admission/${name}.json`), 'utf8')) as Record<string, any>;
}

/** A review of the compliant Deployment fixture in a namespace, under a uid of its own. */
function review(namespace: string, uid: string): Record<string, any> {
  const body = fixture('deployment-create-compliant');
  body.request.uid = uid;
  body.request.namespace = namespace;
  body.request.object.metadata.namespace = namespace;
  return body;
}

interface Served {
  authority: Awaited<ReturnType<typeof certificateAuthority>>;
  cert: string;
  key: string;
}

/** A serving certificate from a new CA (the `skip`-th one it issues, so serials can differ). */
async function issue(skip = 0): Promise<Served> {
  const authority = await certificateAuthority();
  for (let index = 0; index < skip; index++) await authority.issue('CN=unused', 'server');
  const { cert, key } = await authority.issue('CN=palisade-webhook', 'server', [{ type: 'ip', value: '127.0.0.1' }]);
  return { authority, cert, key };
}

/** A server on 127.0.0.1 with every default check; logs collected as parsed lines. */
async function serve(first: Served, options: Partial<AdmissionServerOptions> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'palisade-admission-server-'));
  dirs.push(dir);
  const certFile = path.join(dir, 'tls.crt');
  const keyFile = path.join(dir, 'tls.key');
  writeFileSync(certFile, first.cert);
  writeFileSync(keyFile, first.key, { mode: 0o600 });
  const config = { admission: { mode: 'warn' } };
  const plan = planScan({ config, now: NOW });
  const { policy } = parseAdmissionPolicy(config, new Set(ALL_CHECKS.map((check) => check.id)));
  const namespaces: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'enforced', labels: { 'admission.palisade.dev/mode': 'enforce' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'warned', labels: { 'admission.palisade.dev/mode': 'warn' } } },
  ];
  const inventory = createIncrementalInventory(namespaces.map((object) => ({ ref: refOf(object, isClusterScoped), object, origin: { source: { kind: 'cluster', context: 'test' }, document: 0 } })));
  const logs: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, any>);
      done();
    },
  });
  const server = await startAdmissionServer({
    controller: createAdmissionController(plan, policy),
    inventory,
    ready: () => true,
    certFile,
    keyFile,
    port: 0,
    host: '127.0.0.1',
    now: () => NOW,
    logger: pino({}, sink),
    ...options,
  });
  return { server, certFile, keyFile, logs };
}

/** The certificate a new TLS connection is served (no session reuse: a fresh handshake). */
function servedCertificate(port: number): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const peer = socket.getPeerX509Certificate();
      socket.end();
      if (peer) resolve(peer);
      else reject(new Error('no peer certificate'));
    });
    socket.on('error', reject);
  });
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on a new connection, verified against the CA given. */
function call(port: number, ca: string, method: string, pathname: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port, path: pathname, method, ca, agent: false, headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('admission server: certificates reloaded on change', () => {
  it('serves a replaced certificate (another CA, another serial) to new connections without a restart, and keeps it when the next replacement is broken', async () => {
    const first = await issue();
    const second = await issue(1);
    const { server, certFile, keyFile, logs } = await serve(first, { certPollMs: 50 });
    try {
      const a = new X509Certificate(first.cert);
      const b = new X509Certificate(second.cert);
      assert.notEqual(a.serialNumber, b.serialNumber);
      assert.notEqual(a.fingerprint256, b.fingerprint256);
      assert.ok(!b.checkIssued(new X509Certificate(first.authority.pem)) || !b.verify(new X509Certificate(first.authority.pem).publicKey), 'B is not signed by A\'s CA');
      assert.equal((await servedCertificate(server.port)).fingerprint256, a.fingerprint256);
      assert.equal((await call(server.port, first.authority.pem, 'GET', '/healthz')).status, 200);

      // The key first, then the certificate, as a careless copy would: the mismatched pair in
      // between is refused, the complete one is loaded.
      writeFileSync(keyFile, second.key);
      writeFileSync(certFile, second.cert);
      await until('the new certificate to be served', async () => (await servedCertificate(server.port)).fingerprint256 === b.fingerprint256);
      assert.ok(logs.some((line) => line.event === 'certificates-reloaded'));
      // Verified against the new CA only; the old CA no longer verifies the server.
      const review = await call(server.port, second.authority.pem, 'POST', '/validate', fixture('deployment-create-compliant'));
      assert.equal(review.status, 200);
      await assert.rejects(call(server.port, first.authority.pem, 'GET', '/healthz'), /self-signed|unable to verify|certificate/i);

      // A broken replacement (not PEM): logged as an error, the previous certificate stays.
      const failuresBefore = logs.filter((line) => line.event === 'certificates-reload-failed').length;
      writeFileSync(certFile, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
      await until('the failed reload to be logged', () => logs.filter((line) => line.event === 'certificates-reload-failed').length > failuresBefore);
      const failure = logs.filter((line) => line.event === 'certificates-reload-failed').at(-1)!;
      assert.equal(failure.level, 50, 'logged at level error');
      assert.equal(failure.certFile, certFile);
      assert.equal((await servedCertificate(server.port)).fingerprint256, b.fingerprint256);
      assert.equal((await call(server.port, second.authority.pem, 'GET', '/healthz')).status, 200);
      assert.equal(server.reloadCertificates(), false, 'an explicit reload of the broken files fails too');
    } finally {
      await server.close(1000);
    }
  });
});

describe('admission server: graceful shutdown', () => {
  it('turns /readyz unready first, then refuses new connections, and answers the review in flight with a complete AdmissionReview', async () => {
    const tls = await issue();
    const { server, logs } = await serve(tls, { injectDelayMs: 1500, deadlineMs: 5000, shutdownDelayMs: 300 });
    const port = server.port;
    assert.equal((await call(port, tls.authority.pem, 'GET', '/readyz')).status, 200);
    let answered = false;
    const slow = call(port, tls.authority.pem, 'POST', '/validate', review('warned', 'in-flight-1')).finally(() => (answered = true));
    // In flight once the body is read and the (injected) judging has begun.
    await until('the review to be in flight', async () => /palisade_admission_in_flight 1\b/.test(await server.registry.metrics()));
    const closed = server.close();

    const unready = await call(port, tls.authority.pem, 'GET', '/readyz');
    assert.equal(unready.status, 503, 'unready while still listening');
    assert.equal(unready.body, 'shutting down');
    assert.equal(unready.headers.connection, 'close');
    // After the shutdown delay the port is closed: new connections are refused.
    await new Promise((resolve) => setTimeout(resolve, 450));
    await assert.rejects(call(port, tls.authority.pem, 'GET', '/healthz'), (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED');
    assert.equal(answered, false, 'the slow review is still being judged');

    const reply = await slow;
    assert.equal(reply.status, 200);
    const body = JSON.parse(reply.body) as AdmissionReviewResponse;
    assert.equal(body.apiVersion, 'admission.k8s.io/v1');
    assert.equal(body.kind, 'AdmissionReview');
    assert.equal(body.response.uid, 'in-flight-1');
    assert.equal(body.response.allowed, true);
    await closed;
    const events = logs.map((line) => line.event);
    assert.deepEqual(events.filter((event) => ['shutting-down', 'admission-decision', 'stopped'].includes(event)), ['shutting-down', 'admission-decision', 'stopped']);
    assert.ok(!events.includes('shutdown-cut'));
  });

  it('cuts what is still in flight after the grace period, and says so', async () => {
    const tls = await issue();
    const { server, logs } = await serve(tls, { injectDelayMs: 3000, deadlineMs: 5000 });
    const slow = call(server.port, tls.authority.pem, 'POST', '/validate', review('warned', 'in-flight-2'));
    await until('the review to be in flight', async () => /palisade_admission_in_flight 1\b/.test(await server.registry.metrics()));
    const started = Date.now();
    await server.close(200);
    assert.ok(Date.now() - started < 2000, `closed within the grace period (${Date.now() - started} ms)`);
    await assert.rejects(slow);
    assert.ok(logs.some((line) => line.event === 'shutdown-cut' && line.inFlight === 1));
  });
});

describe('admission server: the deadline', () => {
  it('answers a review it cannot judge in time at the deadline: denied in an enforced namespace, admitted with a warning elsewhere', async () => {
    const tls = await issue();
    const { server, logs } = await serve(tls, { injectDelayMs: 3000, deadlineMs: 400 });
    try {
      const timed = async (namespace: string, uid: string) => {
        const started = Date.now();
        const reply = await call(server.port, tls.authority.pem, 'POST', '/validate', review(namespace, uid));
        return { reply, ms: Date.now() - started, body: JSON.parse(reply.body) as AdmissionReviewResponse };
      };
      const [enforced, warned] = await Promise.all([timed('enforced', 'late-enforced'), timed('warned', 'late-warned')]);
      for (const { reply, ms } of [enforced, warned]) {
        assert.equal(reply.status, 200);
        assert.ok(ms >= 400 && ms < 1500, `answered at the deadline, not after the judging (${ms} ms)`);
      }
      assert.equal(enforced.body.response.uid, 'late-enforced');
      assert.equal(enforced.body.response.allowed, false);
      assert.equal(enforced.body.response.status?.code, 504);
      assert.equal(enforced.body.response.status?.message, 'Palisade could not judge Deployment enforced/web within its deadline of 400 ms; denied because the namespace is enforced. Retry the request.');
      assert.equal(warned.body.response.uid, 'late-warned');
      assert.equal(warned.body.response.allowed, true);
      assert.deepEqual(warned.body.response.warnings, ['palisade: Deployment warned/web was not judged within 400 ms; admitted (namespace mode warn)']);
      assert.equal(warned.body.response.auditAnnotations?.deadline, '400ms');
      const decisions = logs.filter((line) => line.event === 'admission-decision');
      assert.deepEqual(decisions.map((line) => [line.uid, line.verdict, line.error]).sort(), [
        ['late-enforced', 'denied', 'deadline of 400 ms passed'],
        ['late-warned', 'warned', 'deadline of 400 ms passed'],
      ]);
      assert.match(await server.registry.metrics(), /palisade_admission_decisions_total\{verdict="denied",operation="CREATE"\} 1/);
    } finally {
      await server.close(4000);
    }
  });

  it('judges a review normally when the delay is inside the deadline', async () => {
    const tls = await issue();
    const { server } = await serve(tls, { injectDelayMs: 100, deadlineMs: 2000 });
    try {
      const body = fixture('deployment-create-host-network');
      body.request.namespace = 'enforced';
      body.request.object.metadata.namespace = 'enforced';
      const reply = JSON.parse((await call(server.port, tls.authority.pem, 'POST', '/validate', body)).body) as AdmissionReviewResponse;
      assert.equal(reply.response.allowed, false);
      assert.equal(reply.response.status?.code, 403);
      assert.match(reply.response.status!.message, /^Palisade denied Deployment enforced\/web: 1 violation of enforced checks\n- host-network/);
    } finally {
      await server.close(1000);
    }
  });
});
