/**
 * The image gates at admission: the image checks judge the admitted pod templates against image
 * results read from a real SQLite image store (as `palisade image` writes it) through the
 * ImageResultsStore port, given to the incremental inventory, and reloaded when the store changes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { startAdmissionServer } from '../src/adapters/admission/server.js';
import { ImageStore } from '../src/adapters/store/image-store.js';
import { admit, createAdmissionController, mayDenyByDefault, parseAdmissionPolicy, type AdmissionAnswer, type AdmissionReviewResponse } from '../src/app/admission.js';
import { loadImageResults, planScan } from '../src/app/scan.js';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import type { ImageScanSummary } from '../src/core/images/results.js';
import { createIncrementalInventory } from '../src/core/inventory/inventory.js';
import { isClusterScoped } from '../src/core/kinds/scope.js';
import { refOf, type KubeObject, type Resource } from '../src/core/model/resource.js';
import { certificateAuthority } from './support/cluster.js';
import { repoPath } from './support/paths.js';

const NOW = new Date('2026-03-01T00:00:00Z');
const CHECK_IDS = new Set(ALL_CHECKS.map((check) => check.id));
const SCANNED = `sha256:${'1'.repeat(64)}`;
const NEVER_SCANNED = `sha256:${'2'.repeat(64)}`;
const OLD = `sha256:${'3'.repeat(64)}`;
const REPOSITORY = 'registry.example.com/web';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'palisade-admission-images-'));
  dirs.push(dir);
  return dir;
}

function resource(object: KubeObject): Resource {
  return { ref: refOf(object, isClusterScoped), object, origin: { source: { kind: 'cluster', context: 'test' }, document: 0 } };
}

const NAMESPACE = (name: string, mode: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, 'admission.palisade.dev/mode': mode } } });

function summary(digest: string, overrides: Partial<ImageScanSummary> = {}): ImageScanSummary {
  return { digest, reference: `${REPOSITORY}:1.0`, scannedAt: '2026-02-27T00:00:00Z', created: '2026-02-20T00:00:00Z', vulnerabilities: [], ...overrides };
}

const CRITICAL_FIXABLE: ImageScanSummary['vulnerabilities'] = [{ id: 'CVE-2026-0001', severity: 'critical', package: 'openssl', installedVersion: '3.0.1', fixedVersion: '3.0.9', status: 'fixed' }];

/** The compliant Deployment of the admission fixtures, running `image`, in `namespace`. */
function review(image: string, namespace = 'prod', uid = 'image-gate-1', operation: 'CREATE' | 'UPDATE' = 'CREATE'): Record<string, any> {
  const body = JSON.parse(readFileSync(repoPath('test/fixtures/admission/deployment-create-compliant.json'), 'utf8')) as Record<string, any>;
  body.request.uid = uid;
  body.request.namespace = namespace;
  body.request.operation = operation;
  body.request.object.metadata.namespace = namespace;
  for (const container of body.request.object.spec.template.spec.containers) container.image = image;
  if (operation === 'UPDATE') body.request.oldObject = structuredClone(body.request.object);
  return body;
}

async function storeWith(file: string, summaries: ImageScanSummary[]): Promise<void> {
  const store = ImageStore.open(file);
  try {
    for (const item of summaries) await store.put(item, { test: true });
  } finally {
    store.close();
  }
}

/** What the webhook does on each refresh: read the store through the port, read-only. */
async function readStore(file: string) {
  const store = ImageStore.open(file, { readonly: true });
  try {
    return await loadImageResults(store);
  } finally {
    store.close();
  }
}

function setup(config: unknown = {}) {
  const plan = planScan({ config, now: NOW });
  const { policy, problems } = parseAdmissionPolicy(config, CHECK_IDS);
  assert.deepEqual(problems, []);
  const controller = createAdmissionController(plan, policy);
  const inventory = createIncrementalInventory([resource(NAMESPACE('prod', 'enforce')), resource(NAMESPACE('dev', 'warn'))]);
  return { controller, inventory, judge: (body: unknown) => admit(body, inventory, controller, NOW) };
}

function response(answer: AdmissionAnswer) {
  assert.equal(answer.httpStatus, 200, JSON.stringify(answer.body));
  return (answer.body as AdmissionReviewResponse).response;
}

describe('admission image gates (image store → inventory → image checks)', () => {
  it('the image checks may deny in enforce mode; relational checks still only warn', () => {
    const byId = new Map(ALL_CHECKS.map((check) => [check.id, check]));
    for (const id of ['image-vulnerabilities-fixable', 'image-not-scanned', 'image-too-old', 'image-os-end-of-life']) assert.equal(mayDenyByDefault(byId.get(id)!), true, id);
    assert.equal(mayDenyByDefault(byId.get('pod-not-selected-by-network-policy')!), false);
    assert.equal(mayDenyByDefault(byId.get('host-network')!), true);
  });

  it('denies a critical fixable vulnerability and a never-scanned digest in enforce mode, warns in warn mode, and admits once the store holds a clean scan', async () => {
    const file = path.join(tempDir(), 'images.db');
    await storeWith(file, [summary(SCANNED, { vulnerabilities: CRITICAL_FIXABLE })]);
    const { inventory, judge } = setup();

    // Without image results the image checks do not run: the compliant Deployment is admitted.
    assert.equal(response(judge(review(`${REPOSITORY}@${SCANNED}`))).allowed, true);

    inventory.setImages(await readStore(file));
    const vulnerable = response(judge(review(`${REPOSITORY}@${SCANNED}`)));
    assert.equal(vulnerable.allowed, false);
    assert.equal(vulnerable.status?.code, 403);
    assert.match(vulnerable.status!.message, /^Palisade denied Deployment prod\/web: 1 violation of enforced checks\n- image-vulnerabilities-fixable \(high\) at spec\.template\.spec\.containers\[0\]\.image \[container \w+\]: .*1 critical.*CVE-2026-0001 in openssl 3\.0\.1 \(fixed in 3\.0\.9\)/);

    const unknown = response(judge(review(`${REPOSITORY}@${NEVER_SCANNED}`)));
    assert.equal(unknown.allowed, false);
    assert.match(unknown.status!.message, /- image-not-scanned \(medium\) at spec\.template\.spec\.containers\[0\]\.image .*which was never scanned/);

    const warned = response(judge(review(`${REPOSITORY}@${NEVER_SCANNED}`, 'dev')));
    assert.equal(warned.allowed, true);
    assert.ok(warned.warnings?.some((warning) => warning.startsWith('palisade: image-not-scanned at spec.template.spec.containers[0].image')), JSON.stringify(warned.warnings));

    // A per-check mode applies to the image gates like any check (here the namespace's, over its label).
    const relaxed = setup({ admission: { namespaces: { prod: { checks: { 'image-not-scanned': 'warn' } } } } });
    relaxed.inventory.setImages(await readStore(file));
    const relaxedAnswer = response(relaxed.judge(review(`${REPOSITORY}@${NEVER_SCANNED}`)));
    assert.equal(relaxedAnswer.allowed, true);
    assert.ok(relaxedAnswer.warnings?.some((warning) => warning.startsWith('palisade: image-not-scanned')));

    // The image is rebuilt without the vulnerability and scanned again: the same review is admitted after a refresh.
    await storeWith(file, [summary(SCANNED, { scannedAt: '2026-02-28T00:00:00Z' }), summary(NEVER_SCANNED, { reference: `${REPOSITORY}:1.1` })]);
    assert.equal(response(judge(review(`${REPOSITORY}@${SCANNED}`))).allowed, false, 'no refresh yet: the previous results stay');
    inventory.setImages(await readStore(file));
    const clean = response(judge(review(`${REPOSITORY}@${SCANNED}`)));
    assert.equal(clean.allowed, true, JSON.stringify(clean));
    assert.equal(clean.warnings, undefined);
    assert.equal(response(judge(review(`${REPOSITORY}@${NEVER_SCANNED}`))).allowed, true);

    inventory.setImages(undefined);
    assert.equal(response(judge(review(`${REPOSITORY}@sha256:${'9'.repeat(64)}`))).allowed, true, 'no results, no image gates');
  });

  it('denies an image built too long ago and one on an end-of-life OS; an UPDATE that leaves the image as it was only warns', async () => {
    const file = path.join(tempDir(), 'images.db');
    await storeWith(file, [summary(OLD, { created: '2025-06-01T00:00:00Z', os: { id: 'debian', versionId: '9' } })]);
    const { inventory, judge } = setup();
    inventory.setImages(await readStore(file));
    const denied = response(judge(review(`${REPOSITORY}@${OLD}`)));
    assert.equal(denied.allowed, false);
    assert.match(denied.status!.message, /- image-too-old \(\w+\) at spec\.template\.spec\.containers\[0\]\.image .*built 2025-06-01/);
    assert.match(denied.status!.message, /- image-os-end-of-life \(\w+\) at spec\.template\.spec\.containers\[0\]\.image .*end of life since/);
    // A scale or a label change of a running workload stays possible (judged on what changed).
    const update = response(judge(review(`${REPOSITORY}@${OLD}`, 'prod', 'image-gate-update', 'UPDATE')));
    assert.equal(update.allowed, true);
    assert.ok(update.warnings?.some((warning) => warning.includes('image-too-old')), JSON.stringify(update.warnings));
  });

  it('through the HTTPS server: the store is read at start and on refresh, never per review', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'images.db');
    await storeWith(file, [summary(SCANNED, { vulnerabilities: CRITICAL_FIXABLE })]);
    const authority = await certificateAuthority();
    const serving = await authority.issue('CN=palisade-webhook', 'server', [{ type: 'ip', value: '127.0.0.1' }]);
    writeFileSync(path.join(dir, 'tls.crt'), serving.cert);
    writeFileSync(path.join(dir, 'tls.key'), serving.key, { mode: 0o600 });
    const { controller, inventory } = setup();
    let loads = 0;
    const server = await startAdmissionServer({
      controller,
      inventory,
      ready: () => true,
      certFile: path.join(dir, 'tls.crt'),
      keyFile: path.join(dir, 'tls.key'),
      port: 0,
      host: '127.0.0.1',
      now: () => NOW,
      logger: pino({}, new Writable({ write: (_chunk, _encoding, done) => done() })),
      images: {
        load: () => {
          loads++;
          return readStore(file);
        },
        apply: (results) => inventory.setImages(results),
        // Long enough that five reviews on a busy machine fit between two reloads.
        refreshMs: 500,
      },
    });
    const post = (body: unknown) =>
      new Promise<AdmissionReviewResponse>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: server.port, path: '/validate', method: 'POST', ca: authority.pem, headers: { 'content-type': 'application/json' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as AdmissionReviewResponse));
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    try {
      assert.equal(loads, 1, 'loaded once before listening');
      const denied = await post(review(`${REPOSITORY}@${SCANNED}`));
      assert.equal(denied.response.allowed, false);
      assert.match(denied.response.status!.message, /image-vulnerabilities-fixable/);
      // Loads follow the 100 ms timer, never the reviews: 40 reviews cause no more loads than
      // the timer ticks in the time they take (however slow a busy machine makes them).
      const before = loads;
      const started = Date.now();
      await Promise.all(Array.from({ length: 40 }, (_, n) => post(review(`${REPOSITORY}@${SCANNED}`, 'prod', `burst-${n}`))));
      const ticks = Math.floor((Date.now() - started) / 100) + 1;
      assert.ok(loads - before <= ticks && loads - before < 40, `reviews do not load the store (${loads - before} loads during 40 reviews, ${ticks} timer ticks)`);

      await storeWith(file, [summary(SCANNED, { scannedAt: '2026-02-28T00:00:00Z' })]);
      const deadline = Date.now() + 5000;
      let answer = await post(review(`${REPOSITORY}@${SCANNED}`, 'prod', 'after-refresh'));
      while (!answer.response.allowed && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        answer = await post(review(`${REPOSITORY}@${SCANNED}`, 'prod', 'after-refresh'));
      }
      assert.equal(answer.response.allowed, true, 'admitted after the timer reloaded the clean scan');
      assert.equal(await server.refreshImages(), true);
      assert.match(await server.registry.metrics(), /palisade_admission_image_refreshes_total\{result="ok"\} \d+/);
    } finally {
      await server.close();
    }
  });
});
