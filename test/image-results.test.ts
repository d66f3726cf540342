import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ImageStore } from '../src/adapters/store/image-store.js';
import { imageKey, imageResultsFrom, type ImageScanSummary } from '../src/core/images/results.js';
import { palisade } from './support/cli.js';

const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;

function summary(overrides: Partial<ImageScanSummary>): ImageScanSummary {
  return { digest: DIGEST_A, reference: 'docker.io/library/nginx:1.27', scannedAt: '2026-11-01T00:00:00Z', vulnerabilities: [], ...overrides };
}

describe('image scan results', () => {
  it('look images up under Docker\'s defaults, and by digest when one is pinned', () => {
    assert.equal(imageKey('nginx'), 'docker.io/library/nginx:latest');
    assert.equal(imageKey('index.docker.io/library/nginx:1.27'), 'docker.io/library/nginx:1.27');
    assert.equal(imageKey('localhost:5000/team/app:v1'), 'localhost:5000/team/app:v1');
    assert.equal(imageKey(`nginx:1.27@${DIGEST_A}`), DIGEST_A);
    assert.equal(imageKey('Not A Reference'), undefined);
  });

  it('answer the newest scan of a reference; a digest answers its own scan', () => {
    const results = imageResultsFrom([summary({ digest: DIGEST_A, scannedAt: '2026-10-01T00:00:00Z' }), summary({ digest: DIGEST_B, scannedAt: '2026-11-01T00:00:00Z' })], '2026-11-02T00:00:00Z');
    assert.equal(results.lookup('nginx:1.27')?.digest, DIGEST_B);
    assert.equal(results.lookup(`docker.io/library/nginx@${DIGEST_A}`)?.digest, DIGEST_A);
    assert.equal(results.lookup('nginx:1.28'), undefined);
    assert.equal(results.databaseUpdatedAt, '2026-11-02T00:00:00Z');
  });
});

describe('the image store (SQLite)', () => {
  it('keeps one scan per digest, the latest, and which digest a reference last named', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'palisade-store-')), 'nested', 'images.db');
    const store = ImageStore.open(file);
    await store.put(summary({ scannedAt: '2026-10-01T00:00:00Z' }), { first: true });
    await store.put(summary({ scannedAt: '2026-11-01T00:00:00Z', vulnerabilities: [{ id: 'CVE-1', severity: 'high', package: 'p', installedVersion: '1', status: 'no-fix-yet' }] }), { second: true });
    await store.put(summary({ digest: DIGEST_B, scannedAt: '2026-11-05T00:00:00Z' }), {});
    store.close();
    const reader = ImageStore.open(file, { readonly: true });
    assert.deepEqual((await reader.get(DIGEST_A))?.report, { second: true });
    assert.equal((await reader.get(DIGEST_A))?.summary.vulnerabilities.length, 1);
    assert.equal(await reader.digestOf('docker.io/library/nginx:1.27'), DIGEST_B);
    assert.equal((await reader.summaries()).length, 2);
    assert.equal(await reader.get(`sha256:${'c'.repeat(64)}`), undefined);
    reader.close();
  });

  it('refuses a store of another schema, naming the file', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'palisade-store-')), 'images.db');
    const db = new Database(file);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema', '99');");
    db.close();
    assert.throws(() => ImageStore.open(file), new RegExp(`${file.replace(/[.]/g, '\\.')}: image store schema 99`));
  });
});

describe('palisade scan with an image store', () => {
  const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: web
      image: nginx:1.27
    - name: sidecar
      image: ghcr.io/acme/never-scanned:1
`;
  const storeWithOneScan = async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'palisade-store-')), 'images.db');
    const store = ImageStore.open(file);
    await store.put(
      summary({
        created: '2025-01-01T00:00:00Z',
        vulnerabilities: [{ id: 'DSA-1', aliases: ['CVE-2026-0001'], severity: 'critical', package: 'openssl', installedVersion: '3.0.11-1', fixedVersion: '3.0.15-1', status: 'fixed' }],
      }),
      {},
    );
    store.close();
    return file;
  };
  const imageFindings = (stdout: string) =>
    (JSON.parse(stdout) as { findings: { checkId: string; message: string }[] }).findings.filter((finding) => ['image-vulnerabilities-fixable', 'image-too-old', 'image-not-scanned'].includes(finding.checkId)).map((finding) => finding.checkId).sort();

  it('runs the image checks on the stored results, given by flag or by environment', async () => {
    const file = await storeWithOneScan();
    const byFlag = palisade(['scan', '-', '-o', 'json', '--image-store', file], { input: manifest });
    assert.equal(byFlag.code, 1, byFlag.stderr);
    assert.deepEqual(imageFindings(byFlag.stdout), ['image-not-scanned', 'image-too-old', 'image-vulnerabilities-fixable']);
    assert.match(byFlag.stdout, /CVE-2026-0001 in openssl 3\.0\.11-1 \(fixed in 3\.0\.15-1\)/);
    const byEnvironment = palisade(['scan', '-', '-o', 'json'], { input: manifest, env: { PALISADE_IMAGE_STORE: file } });
    assert.deepEqual(imageFindings(byEnvironment.stdout), imageFindings(byFlag.stdout));
  });

  it('runs no image check without a store, and says so when a named store is missing', () => {
    const none = palisade(['scan', '-', '-o', 'json'], { input: manifest });
    assert.deepEqual(imageFindings(none.stdout), []);
    const missing = palisade(['scan', '-', '--image-store', '/nonexistent/images.db'], { input: manifest });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--image-store \/nonexistent\/images\.db: no such image store/);
  });
});
