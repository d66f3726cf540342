/**
 * The bounds of the image gate's parts, on their own: the tag cache (TTL, refresh ahead, LRU
 * size, one request per tag, the review's budget, remembered failures, requests in flight) and
 * the scan queue (dedup by digest, size, concurrency, failures not retried at once, metrics);
 * the decision store (a review never waits: a bounded buffer, batches; records bounded on disk);
 * and the image results' lookup of a scan by the index digest it was asked under.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createScanQueue } from '../src/adapters/admission/scan-queue.js';
import { SqliteDecisionStore } from '../src/adapters/store/decision-store.js';
import type { DecisionRecord } from '../src/core/ports/decisions.js';
import { tempDir } from './support/temp.js';
import path from 'node:path';
import { createTagResolver } from '../src/adapters/registry/tag-resolver.js';
import { prepareImages, reviewImages } from '../src/app/admission-images.js';
import { parseImageReference, type ImageReference } from '../src/core/images/reference.js';
import { imageResultsFrom, type ImageScanSummary } from '../src/core/images/results.js';

const digest = (n: number) => `sha256:${String(n).padStart(64, '0')}`;

function ref(text: string): ImageReference {
  const parsed = parseImageReference(text);
  assert.ok(parsed.ok, text);
  return parsed.reference;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const summary = (of: string, reference = 'r.example/app:1'): ImageScanSummary => ({ digest: of, reference, scannedAt: '2026-01-01T00:00:00Z', vulnerabilities: [] });

describe('tag cache', () => {
  it('answers from the cache within the TTL, refreshes ahead past half of it, resolves again after it', async () => {
    let clock = 0;
    const calls: string[] = [];
    let current = digest(1);
    const resolver = createTagResolver({ head: async (reference, tag) => (calls.push(`${reference.repository}:${tag}`), current), ttlMs: 1000, now: () => clock });
    assert.deepEqual(await resolver.resolve(ref('r.example/app:1'), 100), { ok: true, digest: digest(1), from: 'registry' });
    assert.deepEqual(await resolver.resolve(ref('r.example/app'), 100), { ok: true, digest: digest(1), from: 'registry' }, 'no tag is latest, another entry');
    assert.deepEqual(calls, ['app:1', 'app:latest']);
    current = digest(2);
    clock = 400;
    assert.deepEqual(await resolver.resolve(ref('r.example/app:1'), 100), { ok: true, digest: digest(1), from: 'cache' });
    assert.equal(calls.length, 2, 'fresh: no request');
    clock = 600;
    assert.deepEqual(await resolver.resolve(ref('r.example/app:1'), 100), { ok: true, digest: digest(1), from: 'cache' }, 'past half its life: still answered from the cache...');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(calls.length, 3, '...and refreshed in the background');
    assert.deepEqual(await resolver.resolve(ref('r.example/app:1'), 100), { ok: true, digest: digest(2), from: 'cache' });
    assert.equal(await resolver.resolve(ref(`r.example/app@${digest(9)}`), 100), undefined, 'a pinned digest is not resolved');
    clock = 2000;
    assert.deepEqual(await resolver.resolve(ref('r.example/app:1'), 100), { ok: true, digest: digest(2), from: 'registry' });
  });

  it('keeps at most maxEntries tags, the least recently used going first', async () => {
    let calls = 0;
    const resolver = createTagResolver({ head: async () => (calls++, digest(1)), maxEntries: 2, now: () => 0 });
    for (const tag of ['a', 'b', 'a', 'c']) await resolver.resolve(ref(`r.example/app:${tag}`), 100);
    assert.equal(calls, 3);
    assert.equal(resolver.stats().entries, 2);
    await resolver.resolve(ref('r.example/app:a'), 100);
    assert.equal(calls, 3, 'a was used recently: kept');
    await resolver.resolve(ref('r.example/app:b'), 100);
    assert.equal(calls, 4, 'b was evicted');
  });

  it('one request per tag; a review waits at most its budget, and a late answer still fills the cache', async () => {
    const pending = deferred<string>();
    let calls = 0;
    const resolver = createTagResolver({ head: () => (calls++, pending.promise) });
    const started = Date.now();
    const [one, two] = await Promise.all([resolver.resolve(ref('r.example/app:1'), 50), resolver.resolve(ref('r.example/app:1'), 50)]);
    assert.ok(Date.now() - started < 1000);
    assert.equal(calls, 1);
    assert.deepEqual(one, { ok: false, reason: 'the registry did not answer within 50 ms' });
    assert.deepEqual(two, one);
    assert.equal(resolver.stats().inFlight, 1);
    pending.resolve(digest(3));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await resolver.resolve(ref('r.example/app:1'), 50), { ok: true, digest: digest(3), from: 'cache' });
  });

  it('remembers a failure briefly, and refuses more than maxInFlight requests at once', async () => {
    let clock = 0;
    let calls = 0;
    const failing = createTagResolver({ head: async () => (calls++, Promise.reject(new Error('connect ECONNREFUSED'))), failureTtlMs: 5000, now: () => clock });
    assert.deepEqual(await failing.resolve(ref('r.example/app:1'), 100), { ok: false, reason: 'connect ECONNREFUSED' });
    assert.deepEqual(await failing.resolve(ref('r.example/app:1'), 100), { ok: false, reason: 'connect ECONNREFUSED' });
    assert.equal(calls, 1);
    clock = 6000;
    await failing.resolve(ref('r.example/app:1'), 100);
    assert.equal(calls, 2);

    const never = new Promise<string>(() => undefined);
    const busy = createTagResolver({ head: () => never, maxInFlight: 2 });
    await Promise.all(['a', 'b'].map((tag) => busy.resolve(ref(`r.example/app:${tag}`), 10)));
    assert.deepEqual(await busy.resolve(ref('r.example/app:c'), 10), { ok: false, reason: '2 tag resolutions already in flight' });
  });
});

describe('scan queue', () => {
  it('dedups by digest, holds at most maxQueued, runs at most `concurrency` scans, and counts them', async () => {
    const registry = new Registry();
    const gates = new Map<string, ReturnType<typeof deferred<ImageScanSummary>>>();
    let running = 0;
    let most = 0;
    const queue = createScanQueue({
      concurrency: 2,
      maxQueued: 3,
      registry,
      scan: async (_reference, of) => {
        running++;
        most = Math.max(most, running);
        const gate = deferred<ImageScanSummary>();
        gates.set(of, gate);
        try {
          return await gate.promise;
        } finally {
          running--;
        }
      },
    });
    const results = [1, 2, 3, 1, 4, 5].map((n) => queue.enqueue(`r.example/app@${digest(n)}`, digest(n)));
    assert.deepEqual(results, ['queued', 'queued', 'queued', 'queued', 'full', 'full'], 'the first three wait; 1 again is deduplicated; then full');
    assert.equal(queue.depth, 3);
    assert.match(await registry.metrics(), /palisade_admission_scan_queue_depth 3\n/);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(running, 2);
    assert.equal(queue.depth, 1);
    assert.equal(queue.enqueue('r.example/app@x', digest(1)), 'scanning');
    assert.equal(queue.enqueue('r.example/app@x', digest(4)), 'queued', 'room again');
    gates.get(digest(1))!.resolve(summary(digest(11)));
    gates.get(digest(2))!.reject(new Error('manifest unknown'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(gates.has(digest(3)) && gates.has(digest(4)));
    gates.get(digest(3))!.resolve(summary(digest(3)));
    gates.get(digest(4))!.resolve(summary(digest(4)));
    await queue.idle();
    assert.equal(most, 2);
    assert.equal(queue.scanned(digest(1))?.digest, digest(11), 'found by the digest queued');
    assert.equal(queue.scanned(digest(11))?.digest, digest(11), 'and by the manifest scanned');
    assert.equal(queue.enqueue('r.example/app@x', digest(1)), 'done');
    assert.deepEqual(queue.status(digest(2)), { state: 'failed', reason: 'manifest unknown' });
    assert.equal(queue.enqueue('r.example/app@x', digest(2)), 'failed', 'a failure is not retried at once');
    const metrics = await registry.metrics();
    assert.match(metrics, /palisade_admission_scans_total\{result="done"\} 3\n/);
    assert.match(metrics, /palisade_admission_scans_total\{result="failed"\} 1\n/);
    assert.match(metrics, /palisade_admission_scan_queue_refused_total 2\n/);
    await queue.close();
    assert.equal(queue.enqueue('r.example/app@x', digest(7)), 'full', 'closed: nothing more is queued');
  });

  it('retries a failed digest after failureTtlMs', async () => {
    let clock = 0;
    let calls = 0;
    const queue = createScanQueue({ failureTtlMs: 1000, now: () => clock, scan: async () => (calls++, Promise.reject(new Error('boom'))) });
    queue.enqueue('r.example/app@x', digest(1));
    await queue.idle();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(queue.enqueue('r.example/app@x', digest(1)), 'failed');
    clock = 1500;
    assert.equal(queue.enqueue('r.example/app@x', digest(1)), 'queued');
    await queue.idle();
    assert.equal(calls, 2);
  });
});

describe('image results for one review', () => {
  it('a scan stored under an index digest is found by it', () => {
    const results = imageResultsFrom([summary(digest(2), `r.example/app@${digest(1)}`)]);
    assert.equal(results.lookup(`r.example/app@${digest(1)}`)?.digest, digest(2));
    assert.equal(results.lookup(`r.example/app@${digest(2)}`)?.digest, digest(2));
  });

  it('lists the images of the new and old objects once each; tags are judged by the digest resolved, pins by their own', async () => {
    const pod = (images: string[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: images.map((image, index) => ({ name: `c${index}`, image })) } });
    const body = { request: { operation: 'UPDATE', object: pod(['r.example/app:1', `r.example/app@${digest(5)}`]), oldObject: pod(['r.example/app:1', 'r.example/old:2']) } };
    assert.deepEqual(reviewImages(body).map((item) => item.image), ['r.example/app:1', `r.example/app@${digest(5)}`, 'r.example/old:2']);
    assert.deepEqual(reviewImages({ request: { operation: 'DELETE', oldObject: pod(['x']) } }), []);
    const base = imageResultsFrom([summary(digest(1), 'r.example/app:1'), summary(digest(5), `r.example/app@${digest(5)}`)]);
    const prepared = await prepareImages(body, base, { resolve: async (reference) => (reference.repository === 'app' ? { ok: true, digest: digest(2), from: 'registry' } : { ok: false, reason: 'down' }) }, 100);
    assert.equal(prepared.images!.lookup('r.example/app:1'), undefined, 'the tag now names digest 2, never scanned: the stored scan of digest 1 is not used');
    assert.equal(prepared.images!.lookup(`r.example/app@${digest(5)}`)?.digest, digest(5));
    assert.deepEqual(prepared.images!.status!('r.example/old:2'), { state: 'unresolved', reason: 'down' });
    assert.deepEqual(prepared.notes, [
      { image: 'r.example/app:1', digest: digest(2), resolution: 'registry', scan: 'none' },
      { image: `r.example/app@${digest(5)}`, digest: digest(5), resolution: 'pinned', scan: 'found' },
      { image: 'r.example/old:2', resolution: 'unresolved', scan: 'none', reason: 'down' },
    ]);
    const unresolvedOnly = await prepareImages(body, base, {}, 100);
    assert.equal(unresolvedOnly.images!.lookup('r.example/app:1')?.digest, digest(1), 'without a resolver, a tag is judged on its last stored scan');
    assert.deepEqual(await prepareImages(body, undefined, {}, 100), { notes: [] }, 'no image store, no image gates');
  });
});

describe('decision store bounds (SQLite)', () => {
  const record = (n: number, at: string): DecisionRecord => ({ at, uid: `uid-${n}`, verdict: 'allowed', operation: 'CREATE', kind: 'Pod', namespace: 'prod', name: `p${n}`, checks: [], latencyMs: 0.5 });

  it('accepts at once, writes in batches, drops beyond its buffer, and keeps the newest maxRecords within maxAgeMs', async () => {
    let clock = Date.parse('2026-06-01T00:00:00Z');
    const file = path.join(tempDir('palisade-decisions'), 'decisions.db');
    const store = SqliteDecisionStore.open(file, { batchSize: 10, flushMs: 60_000, maxBuffered: 25, maxRecords: 15, maxAgeMs: 3_600_000, pruneEveryMs: 0, now: () => clock });
    try {
      await store.record(record(0, new Date(clock - 7_200_000).toISOString()));
      for (let n = 1; n <= 30; n++) await store.record(record(n, new Date(clock + n).toISOString()));
      assert.equal(store.written, 0, 'record() never writes on the caller\'s turn');
      assert.equal(store.dropped, 6, 'the buffer holds 25');
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(store.written, 25, 'a full batch is written on the next turn, with everything buffered');
      const kept = await store.list();
      assert.equal(kept.length, 15, 'the newest 15');
      assert.deepEqual(kept.map((item) => item.uid).slice(0, 2), ['uid-24', 'uid-23']);
      assert.ok(!kept.some((item) => item.uid === 'uid-0'));
      clock += 2 * 3_600_000;
      await store.record(record(99, new Date(clock).toISOString()));
      await store.flush();
      assert.deepEqual((await store.list()).map((item) => item.uid), ['uid-99'], 'older than maxAgeMs: deleted');
    } finally {
      await store.close();
    }
    await store.record(record(100, new Date(clock).toISOString()));
    assert.equal(store.dropped, 7, 'closed: dropped, not thrown');
  });
});
