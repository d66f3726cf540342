import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openAlertOutbox, openDecisionStore, openFindingStore } from '../../src/adapters/store/open.js';
import { alertsOf, ownerDirectory, proseOf, recordChanges, recordRun } from '../../src/app/alerts.js';
import { findingKey, recordScan } from '../../src/app/findings.js';
import { parseAlertSettings, type AlertSettings } from '../../src/core/alerts/config.js';
import type { Alert } from '../../src/core/alerts/model.js';
import type { DecisionRecord } from '../../src/core/ports/decisions.js';
import type { FindingEvent } from '../../src/core/ports/findings.js';
import { scanText } from './scan.js';

/**
 * The contract of the store ports, written once and run against every adapter (SQLite in
 * test/finding-store.test.ts and test/alerts.test.ts, PostgreSQL in test/store-postgres.test.ts).
 * Stores are opened through openFindingStore / openAlertOutbox, as the CLI opens them, so the
 * choice of adapter by location is under test too.
 */
export interface StoreUnderTest {
  name: string;
  /** A new, empty location (a file path, or a URL of an empty database). */
  location(): Promise<string>;
}

const pod = (name: string, spec: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop}
spec:
${spec}
  containers: [{name: c, image: nginx:1.27}]
`;
const HOST_NETWORK_AND_PID = pod('web', '  hostNetwork: true\n  hostPID: true');
const HOST_PID_AND_IPC = pod('web', '  hostPID: true\n  hostIPC: true');
const ONLY = { only: ['host-network', 'host-pid', 'host-ipc'] };

export function findingStoreContract(adapter: StoreUnderTest): void {
  describe(`the finding store (${adapter.name})`, () => {
    it('keeps the latest run of each scope by key: added, resolved, first and last seen', async () => {
      const location = await adapter.location();
      const store = await openFindingStore(location);
      const first = scanText(HOST_NETWORK_AND_PID, ONLY).findings;
      const second = scanText(HOST_PID_AND_IPC, ONLY).findings;
      assert.deepEqual(first.map((finding) => finding.checkId).sort(), ['host-network', 'host-pid']);

      const saved1 = await recordScan(store, 'cluster:prod', new Date('2026-06-01T00:00:00Z'), first);
      assert.deepEqual(saved1.added, first.map(findingKey).sort());
      assert.deepEqual([saved1.resolved, saved1.unchanged], [[], 0]);
      // Another scope is another series of runs.
      await recordScan(store, 'repo:shop', new Date('2026-06-01T00:00:00Z'), first);

      const saved2 = await recordScan(store, 'cluster:prod', new Date('2026-06-02T00:00:00Z'), second);
      const key = (checkId: string) => findingKey([...first, ...second].find((finding) => finding.checkId === checkId)!);
      assert.deepEqual(saved2.added, [key('host-ipc')]);
      assert.deepEqual(saved2.resolved, [key('host-network')]);
      assert.equal(saved2.unchanged, 1);
      assert.notEqual(saved2.run, saved1.run);
      await store.close();

      // Reopened: what was saved is there.
      const reader = await openFindingStore(location);
      const prod = await reader.latest({ scope: 'cluster:prod' });
      assert.deepEqual(
        prod.map((item) => [item.finding.checkId, item.firstSeen, item.lastSeen, item.run]),
        [
          ['host-ipc', '2026-06-02T00:00:00.000Z', '2026-06-02T00:00:00.000Z', saved2.run],
          ['host-pid', '2026-06-01T00:00:00.000Z', '2026-06-02T00:00:00.000Z', saved2.run],
        ].sort((a, b) => (key(a[0]!) < key(b[0]!) ? -1 : 1)),
      );
      assert.deepEqual(prod.find((item) => item.finding.checkId === 'host-pid')?.finding, second.find((finding) => finding.checkId === 'host-pid'));
      assert.deepEqual((await reader.latest()).map((item) => item.scope), ['cluster:prod', 'cluster:prod', 'repo:shop', 'repo:shop']);
      assert.deepEqual((await reader.latest({ checkIds: ['host-network'] })).map((item) => item.scope), ['repo:shop']);
      assert.deepEqual(await reader.latest({ checkIds: [] }), []);
      // The three checks are high.
      assert.equal((await reader.latest({ minSeverity: 'high' })).length, 4);
      assert.deepEqual(await reader.latest({ minSeverity: 'critical' }), []);

      // A resolved finding that comes back is new again.
      const saved3 = await recordScan(reader, 'cluster:prod', new Date('2026-06-03T00:00:00Z'), first);
      assert.deepEqual(saved3.added, [key('host-network')]);
      assert.equal((await reader.latest({ scope: 'cluster:prod', checkIds: ['host-network'] }))[0]?.firstSeen, '2026-06-03T00:00:00.000Z');
      await reader.close();
    });

    it('records the lifecycle event by event: latest rows, history with causes, resolved keys', async () => {
      const store = await openFindingStore(await adapter.location());
      const [network, pid] = scanText(HOST_NETWORK_AND_PID, ONLY).findings.sort((a, b) => a.checkId.localeCompare(b.checkId));
      const event = (kind: FindingEvent['event'], finding: typeof network, at: string, firstSeen: string, cause?: FindingEvent['cause']): FindingEvent => ({ event: kind, key: findingKey(finding!), finding: finding!, at, firstSeen, ...(cause ? { cause } : {}) });
      const cause = { type: 'modified' as const, kind: 'Pod', namespace: 'shop', name: 'web', manager: 'kubectl' };
      await store.recordEvents('cluster:a', [event('opened', network, 'T1', 'T1'), event('opened', pid, 'T1', 'T1')]);
      await store.recordEvents('cluster:a', [event('still-open', pid, 'T2', 'T1'), event('resolved', network, 'T2', 'T1', cause)]);
      await store.recordEvents('cluster:a', [event('reopened', network, 'T3', 'T3', { ...cause, type: 'added' })]);
      await store.recordEvents('cluster:a', []);
      const latest = await store.latest({ scope: 'cluster:a' });
      assert.deepEqual(latest.map((item) => [item.finding.checkId, item.firstSeen, item.lastSeen]).sort(), [['host-network', 'T3', 'T3'], ['host-pid', 'T1', 'T2']]);
      assert.deepEqual(await store.resolvedKeys('cluster:a'), [findingKey(network!)]);
      assert.deepEqual(await store.resolvedKeys('cluster:b'), []);
      const history = await store.history('cluster:a');
      assert.deepEqual(history.map((item) => [item.event, item.finding.checkId, item.at]), [['opened', 'host-network', 'T1'], ['opened', 'host-pid', 'T1'], ['resolved', 'host-network', 'T2'], ['reopened', 'host-network', 'T3']], 'still-open is not history');
      assert.deepEqual(history[2]!.cause, cause);
      assert.equal(history[0]!.cause, undefined);
      assert.deepEqual(history[0]!.finding, network);
      assert.deepEqual((await store.history('cluster:a', findingKey(pid!))).map((item) => item.event), ['opened']);
      // A scan run of the scope afterwards sees the event-recorded findings as its previous run.
      const saved = await recordScan(store, 'cluster:a', new Date('2026-06-01T00:00:00Z'), [pid!]);
      assert.deepEqual([saved.added, saved.resolved, saved.unchanged], [[], [findingKey(network!)], 1]);
      await store.close();
    });
  });
}

/** Two namespaces of two teams; a Deployment of each with findings. */
const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { team: a } }
---
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop }
spec:
  hostNetwork: true
  hostPID: true
  containers: [{ name: c, image: nginx:1.27, securityContext: { privileged: true } }]
---
apiVersion: v1
kind: Pod
metadata: { name: api, namespace: shop }
spec:
  hostIPC: true
  containers: [{ name: c, image: nginx:1.27 }]
`;
const T0 = new Date('2026-06-01T12:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

function settingsOf(alerts: Record<string, unknown>): AlertSettings {
  const { settings, problems } = parseAlertSettings({ alerts: { sinks: { hook: { type: 'webhook', url: 'http://127.0.0.1:1' } }, ...alerts } }, new Set());
  assert.deepEqual(problems, []);
  return settings;
}

function scanAlerts(settings: AlertSettings): Alert[] {
  const scanned = scanText(MANIFESTS, { only: ['host-network', 'host-pid', 'host-ipc', 'privileged-container'] });
  return alertsOf(scanned.findings, ownerDirectory(scanned.loaded.resources), proseOf(scanned.plan.checks), settings, T0);
}

export function alertOutboxContract(adapter: StoreUnderTest): void {
  describe(`the alert outbox (${adapter.name})`, () => {
    const settings = settingsOf({ renotifyInterval: '1h' });

    it('keeps the dedup state: a second run queues only what is new, re-notified or resolved', async () => {
      const store = await openAlertOutbox(await adapter.location());
      const alerts = scanAlerts(settings);
      assert.equal(alerts.length, 4);
      assert.deepEqual(await recordRun(store, settings, 'test', alerts, T0), { new: 4, renotified: 0, resolved: 0, unchanged: 0, refused: 0 });
      assert.deepEqual(await recordRun(store, settings, 'test', alerts, minutes(5)), { new: 0, renotified: 0, resolved: 0, unchanged: 4, refused: 0 });
      assert.equal((await store.counts()).pending, 4);
      assert.deepEqual(await recordRun(store, settings, 'test', alerts.slice(1), minutes(61)), { new: 0, renotified: 3, resolved: 1, unchanged: 0, refused: 0 });
      // The newer status of a key replaced its pending delivery: still one pending per finding.
      assert.equal((await store.counts()).pending, 4);
      assert.deepEqual((await store.states('test')).map((state) => state.alert.key), alerts.slice(1).map((alert) => alert.key).sort());
      assert.deepEqual(await store.states('other'), []);
      assert.equal((await store.states()).length, 3);
      // The watcher's path: one change at a time, same state.
      assert.deepEqual(await recordChanges(store, settings, 'test', [{ kind: 'resolved', key: alerts[1]!.key }], minutes(62)), { new: 0, renotified: 0, resolved: 1, unchanged: 0, refused: 0 });
      assert.equal((await store.states('test')).length, 2);
      await store.close();
    });

    it('claims due deliveries oldest first under a lease, retries, gives up, and keeps them across a restart', async () => {
      const location = await adapter.location();
      let store = await openAlertOutbox(location);
      const alerts = scanAlerts(settings);
      await recordRun(store, settings, 'test', alerts.slice(0, 2), T0);
      assert.equal((await store.nextDue())?.getTime(), 0, 'new deliveries are due at once');
      const claimed = await store.claimDue(T0, 10, 60_000);
      assert.deepEqual(claimed.map((delivery) => [delivery.sink, delivery.alert.key, delivery.attempts, delivery.reason]).sort(), alerts.slice(0, 2).map((alert) => ['hook', alert.key, 0, 'new']).sort());
      assert.ok(Number(claimed[0]!.id) < Number(claimed[1]!.id), 'oldest first');
      assert.deepEqual(await store.claimDue(T0, 10, 60_000), [], 'leased: not claimed again');
      assert.equal((await store.nextDue())?.getTime(), T0.getTime() + 60_000);
      // The process dies mid-send; another opens the store: claimed again once the lease passes.
      await store.close();
      store = await openAlertOutbox(location);
      assert.deepEqual(await store.claimDue(minutes(0.5), 10, 60_000), []);
      const again = await store.claimDue(minutes(1), 10, 60_000);
      assert.deepEqual(again.map((delivery) => delivery.id), claimed.map((delivery) => delivery.id));
      await store.markSent(again[0]!.id, minutes(1));
      await store.markFailed(again[1]!.id, minutes(1), 'hook: HTTP 503', minutes(3));
      assert.deepEqual(await store.counts(), { pending: 1, sent: 1, dead: 0 });
      assert.equal((await store.nextDue())?.getTime(), minutes(3).getTime());
      assert.deepEqual(await store.claimDue(minutes(2), 10, 60_000), [], 'not due before its retry');
      const retry = await store.claimDue(minutes(3), 10, 60_000);
      assert.deepEqual(retry.map((delivery) => [delivery.id, delivery.attempts]), [[again[1]!.id, 1]]);
      await store.markFailed(retry[0]!.id, minutes(3), 'hook: HTTP 400', undefined);
      assert.deepEqual(await store.counts(), { pending: 0, sent: 1, dead: 1 });
      assert.equal(await store.nextDue(), undefined);
      assert.deepEqual((await store.history()).map((item) => [item.status, item.attempts, item.lastError]), [['dead', 2, 'hook: HTTP 400'], ['sent', 1, undefined]]);
      await store.close();
    });

    it('is bounded: a change the full outbox refuses keeps its old state', async () => {
      const bounded = settingsOf({ maxPending: 2 });
      const store = await openAlertOutbox(await adapter.location(), { maxPending: bounded.maxPending });
      const alerts = scanAlerts(bounded);
      const first = await recordRun(store, bounded, 'test', alerts, T0);
      assert.deepEqual([first.new, first.refused], [4, 2]);
      assert.equal((await store.states('test')).length, 2);
      for (const delivery of await store.claimDue(T0, 10, 1000)) await store.markSent(delivery.id, T0);
      const second = await recordRun(store, bounded, 'test', alerts, minutes(1));
      assert.equal(second.new, 2);
      assert.equal((await store.states('test')).length, 4);
      await store.close();
    });
  });
}

export function decisionStoreContract(adapter: StoreUnderTest): void {
  describe(`the decision store (${adapter.name})`, () => {
    // Recent times: records older than the retention (7 days by default) are pruned.
    const base = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const decision = (index: number, overrides: Partial<DecisionRecord> = {}): DecisionRecord => ({
      at: new Date(base + index * 1000).toISOString(),
      uid: `uid-${index}`,
      verdict: index % 3 === 0 ? 'denied' : 'allowed',
      operation: 'CREATE',
      kind: 'Pod',
      namespace: index % 2 === 0 ? 'shop' : 'books',
      name: `p${index}`,
      user: 'alice',
      groups: ['dev'],
      checks: index % 3 === 0 ? [{ checkId: 'privileged-container', outcome: 'deny', severity: 'critical', path: 'spec.containers[0].securityContext.privileged', container: 'c' }] : [],
      latencyMs: 1.5,
      ...overrides,
    });

    it('stores what it buffers on flush, lists newest first with filters, and flushes on close', async () => {
      const location = await adapter.location();
      const store = await openDecisionStore(location, { flushMs: 60_000 });
      for (let index = 0; index < 10; index++) await store.record(decision(index));
      await store.flush();
      const all = await store.list();
      assert.deepEqual(all.map((item) => item.uid), Array.from({ length: 10 }, (_, index) => `uid-${9 - index}`));
      assert.deepEqual(all.at(-1), decision(0), 'the record round-trips');
      assert.deepEqual((await store.list({ verdict: 'denied' })).map((item) => item.uid), ['uid-9', 'uid-6', 'uid-3', 'uid-0']);
      assert.deepEqual((await store.list({ namespace: 'shop', verdict: 'denied' })).map((item) => item.uid), ['uid-6', 'uid-0']);
      assert.deepEqual((await store.list({ uid: 'uid-4' })).map((item) => item.name), ['p4']);
      assert.deepEqual((await store.list({ since: decision(8).at })).map((item) => item.uid), ['uid-9', 'uid-8']);
      assert.deepEqual((await store.list({ limit: 3 })).map((item) => item.uid), ['uid-9', 'uid-8', 'uid-7']);
      // Accepted but not flushed: close writes it.
      await store.record(decision(10));
      await store.close();
      const reopened = await openDecisionStore(location);
      assert.deepEqual((await reopened.list({ limit: 1 })).map((item) => item.uid), ['uid-10']);
      await reopened.close();
    });
  });
}
