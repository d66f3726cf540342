/**
 * `palisade admission serve` with the image gate, run as a user runs it: the built CLI against a
 * real API server (its informers), a registry on loopback, a read-only snapshot of an image store
 * (VACUUM INTO), a scan store of its own, a vulnerability database and a decision store. A
 * second start reads the first one's scans from the scan store.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ImageStore } from '../src/adapters/store/image-store.js';
import { SqliteDecisionStore } from '../src/adapters/store/decision-store.js';
import { importFrom, openVulnerabilityDatabase } from '../src/adapters/vulndb/index.js';
import type { AdmissionResponse, AdmissionReviewResponse } from '../src/app/admission.js';
import { certificateAuthority, freePort, startCluster, type TestCluster } from './support/cluster.js';
import { buildImage, buildLayer, pushImage, type BuiltImage } from './support/images.js';
import { repoPath } from './support/paths.js';
import { startRegistry, type TestRegistry } from './support/registry.js';
import { tempDir } from './support/temp.js';

const ADVISORY = {
  schema_version: '1.6.0',
  id: 'GHSA-gate-0002',
  aliases: ['CVE-2026-4343'],
  modified: '2026-01-10T00:00:00Z',
  published: '2026-01-10T00:00:00Z',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
  affected: [{ package: { ecosystem: 'npm', name: 'gate-vulnerable' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
};

const recent = () => new Date(Date.now() - 86_400_000).toISOString();

describe('palisade admission serve with the image gate (built CLI, API server, registry)', () => {
  let cluster: TestCluster;
  let registry: TestRegistry;
  let dir: string;
  let authority: Awaited<ReturnType<typeof certificateAuthority>>;
  let clean: BuiltImage;
  let vulnerable: BuiltImage;
  const children: ChildProcess[] = [];

  before(async () => {
    [cluster, registry] = await Promise.all([startCluster(), startRegistry()]);
    dir = tempDir('palisade-gate-cli');
    mkdirSync(path.join(dir, 'osv'));
    writeFileSync(path.join(dir, 'osv', 'advisory.json'), JSON.stringify(ADVISORY));
    const db = openVulnerabilityDatabase(path.join(dir, 'vuln.db'));
    await importFrom(path.join(dir, 'osv'), db, { now: () => new Date() });
    db.close();
    // The published snapshot: an image store (WAL, as palisade image writes it) copied with VACUUM INTO.
    ImageStore.open(path.join(dir, 'work-images.db')).close();
    const work = new Database(path.join(dir, 'work-images.db'));
    work.exec(`VACUUM INTO '${path.join(dir, 'images.db')}'`);
    work.close();
    clean = buildImage({ layers: [await buildLayer([{ path: 'app/node_modules/gate-safe/package.json', content: JSON.stringify({ name: 'gate-safe', version: '1.0.0' }) }])], created: recent() });
    vulnerable = buildImage({ layers: [await buildLayer([{ path: 'app/node_modules/gate-vulnerable/package.json', content: JSON.stringify({ name: 'gate-vulnerable', version: '1.5.0' }) }])], created: recent() });
    await pushImage(registry, 'cli/app', 'v1', clean);
    await pushImage(registry, 'cli/vuln', 'v1', vulnerable);
    const created = await cluster.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gate', labels: { 'admission.palisade.dev/mode': 'enforce' } } });
    assert.equal(created.status, 201, created.body);
    authority = await certificateAuthority();
    const serving = await authority.issue('CN=palisade-webhook', 'server', [{ type: 'ip', value: '127.0.0.1' }]);
    writeFileSync(path.join(dir, 'tls.crt'), serving.cert);
    writeFileSync(path.join(dir, 'tls.key'), serving.key, { mode: 0o600 });
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all([cluster?.stop(), registry?.stop()]);
  });

  async function serve(): Promise<{ port: number; child: ChildProcess; output: () => string; stop(): Promise<number | null> }> {
    const port = await freePort();
    const args = [
      ...['admission', 'serve', '--kubeconfig', cluster.kubeconfig, '--tls-cert-file', path.join(dir, 'tls.crt'), '--tls-private-key-file', path.join(dir, 'tls.key')],
      ...['--secure-port', String(port), '--bind-address', '127.0.0.1', '--deadline-ms', '4000'],
      ...['--image-store', path.join(dir, 'images.db'), '--resolve-tags', '--tag-cache-seconds', '30', '--insecure-registry', registry.host],
      ...['--scan-queue', '--scan-store', path.join(dir, 'scans.db'), '--db', path.join(dir, 'vuln.db'), '--scan-platform', 'linux/amd64'],
      ...['--decision-store', path.join(dir, 'decisions.db')],
    ];
    const home = tempDir('palisade-gate-home');
    const child = spawn(process.execPath, [repoPath('bin/palisade.js'), ...args], { cwd: dir, env: { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), PALISADE_DB: '', PALISADE_IMAGE_STORE: '' } });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`admission serve exited ${child.exitCode}: ${output}`);
      const ready = await get(port, '/readyz').catch(() => undefined);
      if (ready?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`not ready within 60 s: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return {
      port,
      child,
      output: () => output,
      stop: () =>
        new Promise((resolve) => {
          child.once('exit', (code) => resolve(code));
          child.kill('SIGTERM');
        }),
    };
  }

  function get(port: number, pathname: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: pathname, ca: authority.pem }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  let uid = 0;
  function post(port: number, image: string): Promise<AdmissionResponse> {
    const body = JSON.parse(readFileSync(repoPath('test/fixtures/admission/deployment-create-compliant.json'), 'utf8')) as Record<string, any>;
    body.request.uid = `cli-${++uid}`;
    body.request.namespace = 'gate';
    body.request.object.metadata.namespace = 'gate';
    for (const container of body.request.object.spec.template.spec.containers) container.image = image;
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/validate', method: 'POST', ca: authority.pem, headers: { 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString('utf8')) as AdmissionReviewResponse).response));
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  }

  async function until(port: number, image: string, done: (response: AdmissionResponse) => boolean): Promise<AdmissionResponse> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const response = await post(port, image);
      if (done(response) || Date.now() > deadline) return response;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  it('denies an unknown tag at once, scans it, judges it on the scan; a restart reads the scans back; every decision is recorded', async () => {
    const vuln = `${registry.host}/cli/vuln:v1`;
    const app = `${registry.host}/cli/app:v1`;
    const first = await serve();
    const queued = await post(first.port, vuln);
    assert.equal(queued.allowed, false);
    assert.match(queued.status!.message, /image-not-scanned .*which was never scanned; it is queued for a scan/);
    const judged = await until(first.port, vuln, (response) => /CVE-2026-4343/.test(response.status?.message ?? ''));
    assert.match(judged.status!.message, /- image-vulnerabilities-fixable \(high\) .*CVE-2026-4343 in gate-vulnerable 1\.5\.0 \(fixed in 2\.0\.0\)/);
    assert.equal((await until(first.port, app, (response) => response.allowed)).allowed, true);
    const metrics = (await get(first.port, '/metrics')).body;
    assert.match(metrics, /palisade_admission_scans_total\{result="done"\} 2\n/);
    assert.match(metrics, /palisade_admission_scan_queue_depth 0\n/);
    assert.equal(await first.stop(), 0, first.output());
    assert.match(first.output(), /"event":"image-scanned"/);

    // A new process: the queue is empty, the scans are read from --scan-store beside the snapshot.
    const second = await serve();
    const again = await post(second.port, vuln);
    assert.equal(again.allowed, false);
    assert.match(again.status!.message, /CVE-2026-4343/);
    assert.doesNotMatch(again.status!.message, /queued/);
    assert.equal(await second.stop(), 0, second.output());
    assert.match(readFileSync(path.join(dir, 'images.db')).subarray(0, 16).toString('latin1'), /^SQLite format 3/);
    assert.equal(readFileSync(path.join(dir, 'images.db'))[18], 1, 'the snapshot was only read (still in rollback-journal mode)');

    const decisions = SqliteDecisionStore.open(path.join(dir, 'decisions.db'));
    try {
      const records = await decisions.list();
      assert.ok(records.length >= 5, String(records.length));
      const last = records.find((record) => record.uid === again.uid)!;
      assert.equal(last.verdict, 'denied');
      assert.equal(last.namespace, 'gate');
      assert.equal(last.mode, 'enforce');
      assert.deepEqual(last.images?.map(({ resolution, scan }) => ({ resolution, scan })), [{ resolution: 'registry', scan: 'found' }]);
      assert.ok(last.checks.some((check) => check.checkId === 'image-vulnerabilities-fixable' && check.outcome === 'deny'));
    } finally {
      await decisions.close();
    }
  });
});
