/**
 * The image gate at admission, end to end through the webhook's HTTPS server, a real registry
 * (docker-registry on loopback), a real vulnerability database and real SQLite image and decision
 * stores: tags resolved to the digest they name now (with a TTL cache), unknown digests denied or
 * warned at once and judged on their scan once the queue has scanned them, an unreachable
 * registry answered "not evaluated" within the deadline, and every decision recorded.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer as createTcpServer, type Socket } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createImageGate, type ImageGate } from '../src/adapters/admission/image-gate.js';
import { startAdmissionServer, type AdmissionServer } from '../src/adapters/admission/server.js';
import { createRegistryClient, RegistryError } from '../src/adapters/registry/client.js';
import { parseDockerConfig } from '../src/adapters/registry/credentials.js';
import { ImageStore } from '../src/adapters/store/image-store.js';
import { SqliteDecisionStore } from '../src/adapters/store/decision-store.js';
import { importFrom, openVulnerabilityDatabase } from '../src/adapters/vulndb/index.js';
import { createAdmissionController, parseAdmissionPolicy, type AdmissionResponse, type AdmissionReviewResponse } from '../src/app/admission.js';
import { loadImageResults, planScan } from '../src/app/scan.js';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { parseImageReference } from '../src/core/images/reference.js';
import { createIncrementalInventory } from '../src/core/inventory/inventory.js';
import { isClusterScoped } from '../src/core/kinds/scope.js';
import { refOf, type KubeObject } from '../src/core/model/resource.js';
import { certificateAuthority, freePort } from './support/cluster.js';
import { buildImage, buildLayer, pushImage, pushIndex, type BuiltImage } from './support/images.js';
import { repoPath } from './support/paths.js';
import { startRegistry, type TestRegistry } from './support/registry.js';
import { tempDir } from './support/temp.js';

const CHECK_IDS = new Set(ALL_CHECKS.map((check) => check.id));
const SECRET = 'hunter2-do-not-store-me';
const AMD64 = { os: 'linux', architecture: 'amd64' };

const ADVISORY = {
  schema_version: '1.6.0',
  id: 'GHSA-gate-0001',
  aliases: ['CVE-2026-4242'],
  modified: '2026-01-10T00:00:00Z',
  published: '2026-01-10T00:00:00Z',
  summary: 'remote code execution in gate-vulnerable',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
  affected: [{ package: { ecosystem: 'npm', name: 'gate-vulnerable' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.1' }] }] }],
};

function npmPackage(name: string, version: string) {
  return { path: `app/node_modules/${name}/package.json`, content: JSON.stringify({ name, version }) };
}

const recent = () => new Date(Date.now() - 86_400_000).toISOString();

function namespace(name: string, mode: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, 'admission.palisade.dev/mode': mode } } };
}

let uidCount = 0;
/** The compliant Deployment of the admission fixtures, running `image`, in `ns`. */
function review(image: string, ns = 'prod', user = 'alice'): Record<string, any> {
  const body = JSON.parse(readFileSync(repoPath('test/fixtures/admission/deployment-create-compliant.json'), 'utf8')) as Record<string, any>;
  body.request.uid = `gate-${++uidCount}`;
  body.request.namespace = ns;
  body.request.userInfo.username = user;
  body.request.object.metadata.namespace = ns;
  for (const container of body.request.object.spec.template.spec.containers) container.image = image;
  return body;
}

interface Harness {
  server: AdmissionServer;
  gate: ImageGate;
  metrics: Registry;
  decisions?: SqliteDecisionStore;
  post(body: unknown): Promise<{ response: AdmissionResponse; ms: number }>;
  close(): Promise<void>;
}

describe('admission image gate (registry on loopback, real stores)', () => {
  let registry: TestRegistry;
  let dir: string;
  let dbFile: string;
  let clean: BuiltImage;
  let vulnerable: BuiltImage;
  let authority: Awaited<ReturnType<typeof certificateAuthority>>;
  const harnesses: Harness[] = [];

  before(async () => {
    registry = await startRegistry();
    dir = tempDir('palisade-image-gate');
    const advisories = path.join(dir, 'osv');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(advisories);
    writeFileSync(path.join(advisories, 'GHSA-gate-0001.json'), JSON.stringify(ADVISORY));
    dbFile = path.join(dir, 'vuln.db');
    const db = openVulnerabilityDatabase(dbFile);
    await importFrom(advisories, db, { now: () => new Date() });
    db.close();
    clean = buildImage({ layers: [await buildLayer([npmPackage('gate-safe', '2.0.0')])], created: recent() });
    vulnerable = buildImage({ layers: [await buildLayer([npmPackage('gate-vulnerable', '1.0.0')])], created: recent() });
    authority = await certificateAuthority();
    const serving = await authority.issue('CN=palisade-webhook', 'server', [{ type: 'ip', value: '127.0.0.1' }]);
    writeFileSync(path.join(dir, 'tls.crt'), serving.cert);
    writeFileSync(path.join(dir, 'tls.key'), serving.key, { mode: 0o600 });
  });
  after(async () => {
    for (const harness of harnesses) await harness.close();
    await registry?.stop();
  });

  async function start(options: { name: string; config?: unknown; resolveTags?: boolean; scanQueue?: boolean; insecure?: string[]; resolveTimeoutMs?: number; deadlineMs?: number; clock?: () => Date; decisions?: boolean }): Promise<Harness> {
    const storeFile = path.join(dir, `${options.name}-images.db`);
    ImageStore.open(storeFile).close();
    const config = options.config ?? {};
    const { policy, problems } = parseAdmissionPolicy(config, CHECK_IDS);
    assert.deepEqual(problems, []);
    const controller = createAdmissionController(planScan({ config, now: new Date() }), policy);
    const inventory = createIncrementalInventory([namespace('prod', 'enforce'), namespace('dev', 'warn')].map((object) => ({ ref: refOf(object, isClusterScoped), object, origin: { source: { kind: 'cluster', context: 'test' }, document: 0 } })));
    const metrics = new Registry();
    const logger = pino({}, new Writable({ write: (_chunk, _encoding, done) => done() }));
    const gate = createImageGate({
      resolveTags: options.resolveTags ?? true,
      tagTtlMs: 60_000,
      resolveTimeoutMs: options.resolveTimeoutMs ?? 2000,
      ...(options.scanQueue !== false ? { scanQueue: { imageStoreFile: storeFile, databaseFile: dbFile, concurrency: 2, maxQueued: 10, platform: AMD64 } } : {}),
      insecureRegistries: options.insecure ?? [registry.host],
      registry: metrics,
      logger,
      ...(options.clock ? { now: options.clock } : {}),
    });
    const decisions = options.decisions ? SqliteDecisionStore.open(path.join(dir, `${options.name}-decisions.db`), { flushMs: 20 }) : undefined;
    const server = await startAdmissionServer({
      controller,
      inventory,
      ready: () => true,
      certFile: path.join(dir, 'tls.crt'),
      keyFile: path.join(dir, 'tls.key'),
      port: 0,
      host: '127.0.0.1',
      logger,
      registry: metrics,
      deadlineMs: options.deadlineMs ?? 4000,
      images: {
        load: async () => {
          const store = ImageStore.open(storeFile, { readonly: true });
          const db = openVulnerabilityDatabase(dbFile, { readonly: true });
          try {
            return await loadImageResults(store, db);
          } finally {
            db.close();
            store.close();
          }
        },
        apply: (results) => inventory.setImages(results),
        refreshMs: 60_000,
      },
      prepareImages: gate.prepare,
      ...(decisions ? { decisionStore: decisions } : {}),
    });
    const post = (body: unknown) =>
      new Promise<{ response: AdmissionResponse; ms: number }>((resolve, reject) => {
        const started = performance.now();
        const req = request({ host: '127.0.0.1', port: server.port, path: '/validate', method: 'POST', ca: authority.pem, headers: { 'content-type': 'application/json' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const parsed = JSON.parse(text) as AdmissionReviewResponse;
            resolve({ response: parsed.response ?? (parsed as unknown as AdmissionResponse), ms: performance.now() - started });
          });
        });
        req.on('error', reject);
        req.end(typeof body === 'string' ? body : JSON.stringify(body));
      });
    let closed = false;
    const harness: Harness = {
      server,
      gate,
      metrics,
      ...(decisions ? { decisions } : {}),
      post,
      async close() {
        if (closed) return;
        closed = true;
        await server.close();
        await gate.close();
        await decisions?.close();
      },
    };
    harnesses.push(harness);
    return harness;
  }

  /** Posts the review until `done` says so (the queue scans in the background), at most 30 s. */
  async function until(harness: Harness, body: () => unknown, done: (response: AdmissionResponse) => boolean): Promise<AdmissionResponse> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { response } = await harness.post(body());
      if (done(response) || Date.now() > deadline) return response;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('an unknown digest is denied (enforce) or warned (warn) at once, queued, and judged on its scan once scanned', async () => {
    const harness = await start({ name: 'queue', decisions: true });
    await pushImage(registry, 'gate/app', 'v1', clean);
    await pushImage(registry, 'gate/vuln', 'v1', vulnerable);
    const app = `${registry.host}/gate/app:v1`;
    const vuln = `${registry.host}/gate/vuln:v1`;

    const first = await harness.post(review(app));
    assert.equal(first.response.allowed, false);
    assert.match(first.response.status!.message, new RegExp(`- image-not-scanned \\(medium\\) at spec\\.template\\.spec\\.containers\\[0\\]\\.image .*runs image "${app.replace(/[.]/g, '\\.')}" \\(${clean.manifestDigest.slice(0, 19)}\\), which was never scanned; it is queued for a scan`));
    assert.ok(first.ms < 4000, `answered within the deadline (${first.ms} ms)`);
    const warned = await harness.post(review(vuln, 'dev'));
    assert.equal(warned.response.allowed, true);
    assert.ok(warned.response.warnings?.some((warning) => /^palisade: image-not-scanned at .*queued for a scan/.test(warning)), JSON.stringify(warned.response.warnings));

    const admitted = await until(harness, () => review(app), (response) => response.allowed);
    assert.equal(admitted.allowed, true, JSON.stringify(admitted));
    assert.equal(admitted.warnings, undefined);
    const denied = await until(harness, () => review(vuln), (response) => /image-vulnerabilities-fixable/.test(response.status?.message ?? ''));
    assert.equal(denied.allowed, false);
    assert.match(denied.status!.message, /- image-vulnerabilities-fixable \(high\) .*1 critical.*CVE-2026-4242 in gate-vulnerable 1\.0\.0 \(fixed in 1\.0\.1\)/);
    assert.doesNotMatch(denied.status!.message, /image-not-scanned/);
    const devAfter = await harness.post(review(vuln, 'dev'));
    assert.equal(devAfter.response.allowed, true);
    assert.ok(devAfter.response.warnings?.some((warning) => warning.startsWith('palisade: image-vulnerabilities-fixable')));

    // The scans are in the image store: a reload (another replica, a restart) sees them without the queue.
    const store = ImageStore.open(path.join(dir, 'queue-images.db'), { readonly: true });
    try {
      assert.equal((await store.get(clean.manifestDigest))?.summary.vulnerabilities.length, 0);
      assert.deepEqual((await store.get(vulnerable.manifestDigest))?.summary.vulnerabilities.map((item) => item.id), ['GHSA-gate-0001']);
    } finally {
      store.close();
    }
    const metrics = await harness.metrics.metrics();
    assert.match(metrics, /palisade_admission_scans_total\{result="done"\} 2\n/);
    assert.match(metrics, /palisade_admission_scans_total\{result="failed"\} 0\n/);
    assert.match(metrics, /palisade_admission_scan_queue_depth 0\n/);
    assert.match(metrics, /palisade_admission_image_resolutions_total\{resolution="registry"\} 2\n/);
    assert.match(metrics, /palisade_admission_image_resolutions_total\{resolution="cache"\} \d+/);
  });

  it('a multi-arch tag resolves to its index; the platform manifest is scanned and found by the index digest after a reload', async () => {
    const harness = await start({ name: 'index' });
    const arm = buildImage({ layers: [await buildLayer([npmPackage('gate-safe', '2.0.0')])], created: recent(), platform: { os: 'linux', architecture: 'arm64' } });
    const index = await pushIndex(registry, 'gate/multi', 'v1', [vulnerable, arm]);
    const image = `${registry.host}/gate/multi:v1`;
    const first = await harness.post(review(image));
    assert.match(first.response.status!.message, new RegExp(`\\(${index.slice(0, 19)}\\), which was never scanned; it is queued`));
    const denied = await until(harness, () => review(image), (response) => /image-vulnerabilities-fixable/.test(response.status?.message ?? ''));
    assert.match(denied.status!.message, /CVE-2026-4242/, 'the amd64 manifest (the vulnerable one) was scanned');
    assert.equal(await harness.server.refreshImages(), true);
    const pinned = await harness.post(review(`${registry.host}/gate/multi@${index}`));
    assert.match(pinned.response.status!.message, /CVE-2026-4242/, 'the index digest finds the scan in the store');
  });

  it('a tag moved to a new digest is judged on the new digest once the cached one is older than the TTL', async () => {
    let offset = 0;
    const harness = await start({ name: 'moving', clock: () => new Date(Date.now() + offset) });
    await pushImage(registry, 'gate/moving', 'v1', clean);
    const image = `${registry.host}/gate/moving:v1`;
    assert.equal((await until(harness, () => review(image), (response) => response.allowed)).allowed, true);

    await pushImage(registry, 'gate/moving', 'v1', vulnerable);
    const cached = await harness.post(review(image));
    assert.equal(cached.response.allowed, true, 'within the TTL the cached digest is judged');
    assert.equal(harness.gate.resolver!.stats().inFlight, 0, 'a fresh entry is not refreshed');

    offset += 61_000;
    const moved = await harness.post(review(image));
    assert.equal(moved.response.allowed, false);
    assert.match(moved.response.status!.message, new RegExp(`\\(${vulnerable.manifestDigest.slice(0, 19)}\\), which was never scanned; it is queued`));
    const judged = await until(harness, () => review(image), (response) => /image-vulnerabilities-fixable/.test(response.status?.message ?? ''));
    assert.match(judged.status!.message, /CVE-2026-4242/);
  });

  it('a registry that refuses or never answers: not evaluated, within the deadline (deny in enforce, warn elsewhere, warn with unscannedImages: warn)', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentHost = `127.0.0.1:${(silent.address() as { port: number }).port}`;
    const refusedHost = `127.0.0.1:${await freePort()}`;
    try {
      const harness = await start({ name: 'down', insecure: [silentHost, refusedHost], resolveTimeoutMs: 500, deadlineMs: 3000, decisions: true });
      const hanging = await harness.post(review(`${silentHost}/gate/app:v1`));
      assert.equal(hanging.response.allowed, false);
      assert.match(hanging.response.status!.message, /- image-not-scanned \(medium\) .*not evaluated: its tag could not be resolved to a digest through the registry \(the registry did not answer within 500 ms\)/);
      assert.ok(hanging.ms < 2000, `answered in ${hanging.ms} ms`);
      const refused = await harness.post(review(`${refusedHost}/gate/app:v1`));
      assert.equal(refused.response.allowed, false);
      assert.match(refused.response.status!.message, /not evaluated: its tag could not be resolved .*ECONNREFUSED/);
      const dev = await harness.post(review(`${refusedHost}/gate/app:v1`, 'dev'));
      assert.equal(dev.response.allowed, true);
      assert.ok(dev.response.warnings?.some((warning) => /image-not-scanned .*not evaluated/.test(warning)), JSON.stringify(dev.response.warnings));

      const relaxed = await start({ name: 'down-relaxed', config: { admission: { unscannedImages: 'warn' } }, insecure: [refusedHost], resolveTimeoutMs: 500 });
      const warned = await relaxed.post(review(`${refusedHost}/gate/app:v1`));
      assert.equal(warned.response.allowed, true, 'unscannedImages: warn never denies an image for want of a scan');
      assert.ok(warned.response.warnings?.some((warning) => /not evaluated/.test(warning)));

      await harness.decisions!.flush();
      const records = await harness.decisions!.list({ uid: hanging.response.uid });
      assert.equal(records.length, 1);
      assert.deepEqual(records[0]!.images, [{ image: `${silentHost}/gate/app:v1`, resolution: 'unresolved', scan: 'none', reason: 'the registry did not answer within 500 ms' }]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('resolves a tag behind token auth with the configured credentials (HEAD, Docker-Content-Digest); anonymous is refused and says so', async () => {
    const privateRegistry = await startRegistry({ tokenRealm: { users: { alice: 's3cret' } } });
    try {
      await pushImage(privateRegistry, 'private/app', 'v1', clean);
      const credentials = parseDockerConfig(JSON.stringify({ auths: { [privateRegistry.host]: { auth: Buffer.from('alice:s3cret').toString('base64') } } }), 'config.json');
      const client = createRegistryClient({ insecureRegistries: [privateRegistry.host], credentials, retries: 0 });
      const reference = parseImageReference(`${privateRegistry.host}/private/app:v1`);
      assert.ok(reference.ok);
      assert.equal(await client.headDigest(reference.reference, 'v1'), clean.manifestDigest);
      assert.deepEqual(privateRegistry.tokenRequests.map((item) => item.user), ['alice']);
      const anonymous = createRegistryClient({ insecureRegistries: [privateRegistry.host], retries: 0 });
      await assert.rejects(anonymous.headDigest(reference.reference, 'v1'), /unauthorized|refused/);
      await assert.rejects(client.headDigest(reference.reference, 'v9'), (error: RegistryError) => error.code === 'NOT_FOUND');
    } finally {
      await privateRegistry.stop();
    }
  });

  it('records every decision through the store port: who, what, checks, verdict, mode, latency; never a secret', async () => {
    const harness = await start({ name: 'records', decisions: true, config: { admission: { exemptions: { users: ['ci-bot'] } } }, resolveTags: false, scanQueue: false });
    const pinnedImage = `${registry.host}/gate/app@${clean.manifestDigest}`;
    const denied = await harness.post(review(pinnedImage));
    const exempt = await harness.post(review(pinnedImage, 'prod', 'ci-bot'));
    const secret = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'secret-1',
        kind: { group: '', version: 'v1', kind: 'Secret' },
        resource: { group: '', version: 'v1', resource: 'secrets' },
        namespace: 'prod',
        name: 'db',
        operation: 'CREATE',
        userInfo: { username: 'alice', groups: ['team-alice'] },
        object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'prod', annotations: { note: SECRET } }, type: 'Opaque', data: { password: Buffer.from(SECRET).toString('base64') }, stringData: { token: SECRET } },
      },
    };
    const secretAnswer = await harness.post(secret);
    assert.equal(secretAnswer.response.uid, 'secret-1');
    // A body that is not JSON and carries a secret: the error names a position, not the text.
    const broken = await harness.post(`{"apiVersion": "admission.k8s.io/v1", "password": "${SECRET}" oops}`);
    assert.match(JSON.stringify(broken.response), /the body is not JSON \(at character \d+\)/);
    assert.doesNotMatch(JSON.stringify(broken.response), new RegExp(SECRET));

    await harness.decisions!.flush();
    const records = await harness.decisions!.list();
    assert.equal(records.length, 4);
    const byUid = new Map(records.map((record) => [record.uid, record]));
    const deniedRecord = byUid.get(denied.response.uid)!;
    assert.equal(deniedRecord.verdict, 'denied');
    assert.equal(deniedRecord.operation, 'CREATE');
    assert.equal(deniedRecord.kind, 'Deployment');
    assert.equal(deniedRecord.namespace, 'prod');
    assert.equal(deniedRecord.name, 'web');
    assert.equal(deniedRecord.user, 'alice');
    assert.deepEqual(deniedRecord.groups, ['team-alice', 'system:authenticated']);
    assert.equal(deniedRecord.mode, 'enforce');
    assert.equal(deniedRecord.dryRun, false);
    assert.deepEqual(deniedRecord.checks.map(({ checkId, outcome, path: at }) => ({ checkId, outcome, path: at })), [{ checkId: 'image-not-scanned', outcome: 'deny', path: 'spec.template.spec.containers[0].image' }]);
    assert.ok(deniedRecord.latencyMs > 0 && deniedRecord.latencyMs < 4000, String(deniedRecord.latencyMs));
    assert.ok(Math.abs(Date.parse(deniedRecord.at) - Date.now()) < 60_000);
    const exemptRecord = byUid.get(exempt.response.uid)!;
    assert.equal(exemptRecord.verdict, 'exempt');
    assert.equal(exemptRecord.exemption, 'user ci-bot');
    assert.deepEqual(exemptRecord.checks, []);
    assert.equal(byUid.get('secret-1')!.kind, 'Secret');
    assert.equal(records.filter((record) => record.verdict === 'error').length, 1);
    assert.deepEqual(await harness.decisions!.list({ verdict: 'exempt' }), [exemptRecord]);

    await harness.close();
    // Every byte the store wrote (the database, and its WAL if any is left): no secret, in clear or base64.
    for (const file of readdirSync(dir).filter((name) => name.startsWith('records-decisions.db'))) {
      const bytes = readFileSync(path.join(dir, file));
      for (const needle of [SECRET, Buffer.from(SECRET).toString('base64')]) assert.equal(bytes.includes(needle), false, `${file} holds ${needle}`);
    }
    const reopened = SqliteDecisionStore.open(path.join(dir, 'records-decisions.db'));
    try {
      assert.equal((await reopened.list()).length, 4, 'the records were written to disk');
    } finally {
      await reopened.close();
    }
  });
});
