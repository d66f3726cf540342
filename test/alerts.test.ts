/**
 * Alerting without Alertmanager: owners (object, namespace, default route; the owner keys shared
 * with the owner-label-missing check), the dedup/renotify/resolve state machine with time as an
 * input, the alerts configuration's errors, the SQLite outbox (backoff, restart, bounds), and
 * the JSON webhook and Slack payloads as loopback receivers get them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createSinks, deliveryObserver } from '../src/adapters/alerts/index.js';
import { SqliteAlertStore } from '../src/adapters/store/alert-store.js';
import { alertsOf, deliveriesFor, dispatchDue, ownerDirectory, proseOf, recordChanges, recordRun, startDispatcher } from '../src/app/alerts.js';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { retryDelay } from '../src/core/alerts/backoff.js';
import { parseAlertSettings, parseDuration, type AlertSettings } from '../src/core/alerts/config.js';
import type { Alert } from '../src/core/alerts/model.js';
import { resolveOwner, ownerKeysFrom } from '../src/core/alerts/owner.js';
import { reconcile, type AlertState } from '../src/core/alerts/state.js';
import ownerLabelMissing from '../src/core/checks/owner-label-missing.js';
import { OWNER_ANNOTATION_KEYS, OWNER_LABEL_KEYS } from '../src/core/model/owner.js';
import { Registry } from 'prom-client';
import { startReceiver } from './support/receivers.js';
import { scanText } from './support/scan.js';
import { tempDir } from './support/temp.js';
import { repoPath } from './support/paths.js';
import { alertOutboxContract } from './support/store-contract.js';

const SECRET = 'hunter2-Sup3rS3cret-value';

/** Two namespaces of two teams; a Deployment of each with findings, one with a literal credential. */
const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: { team: a }
  annotations: { contact: shop-oncall@example.com }
---
apiVersion: v1
kind: Namespace
metadata:
  name: books
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          securityContext: { privileged: true }
          env:
            - name: DB_PASSWORD
              value: ${SECRET}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: books
  labels: { team: b }
  annotations: { slack-channel: "#team-b" }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      hostNetwork: true
      containers:
        - name: api
          image: nginx:1.27
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: orphan, namespace: books }
spec:
  selector: { matchLabels: { app: orphan } }
  template:
    metadata: { labels: { app: orphan } }
    spec:
      hostNetwork: true
      containers:
        - name: orphan
          image: nginx:1.27
`;

const ONLY = ['privileged-container', 'env-literal-credential', 'host-network'];
const T0 = new Date('2026-06-01T12:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

function settingsOf(alerts: unknown, options?: unknown, env: readonly string[] = []): AlertSettings {
  const { settings, problems } = parseAlertSettings({ alerts, ...(options ? { options } : {}) }, new Set(env));
  assert.deepEqual(problems, []);
  return settings;
}

function scanAlerts(text: string, settings: AlertSettings, now = T0): Alert[] {
  const scanned = scanText(text, { only: ONLY });
  return alertsOf(scanned.findings, ownerDirectory(scanned.loaded.resources), proseOf(scanned.plan.checks), settings, now);
}

describe('owners', () => {
  it('reads the object, then its namespace, then the default route, each part on its own', () => {
    const keys = ownerKeysFrom();
    const object = { labels: { team: 'payments' } };
    const namespace = { labels: { team: 'shop' }, annotations: { contact: 'a@example.com, b@example.com', 'slack-channel': '#shop' } };
    assert.deepEqual(resolveOwner(object, namespace, keys, 'platform'), { team: 'payments', teamFrom: 'object', contact: 'a@example.com, b@example.com', emails: ['a@example.com', 'b@example.com'], slackChannel: '#shop' });
    assert.deepEqual(resolveOwner({}, namespace, keys, 'platform').teamFrom, 'namespace');
    assert.deepEqual(resolveOwner(undefined, undefined, keys, 'platform'), { team: 'platform', teamFrom: 'default', emails: [] });
    // A contact that is a name, not an address, is kept but mails no one.
    assert.deepEqual(resolveOwner({ annotations: { contact: 'Jane on the shop team' } }, undefined, keys, 'x').emails, []);
  });

  it('uses the owner keys of the owner-label-missing check, by default and as configured', () => {
    assert.deepEqual(ownerLabelMissing.options.labels.default, OWNER_LABEL_KEYS);
    assert.deepEqual(ownerLabelMissing.options.annotations.default, OWNER_ANNOTATION_KEYS);
    const keys = ownerKeysFrom();
    assert.deepEqual(keys.labels, OWNER_LABEL_KEYS);
    assert.deepEqual(keys.annotations, OWNER_ANNOTATION_KEYS.filter((key) => key !== 'contact'));
    // The check configured to read `squad`: alerts read it too.
    const settings = settingsOf({ sinks: { hook: { type: 'webhook', url: 'http://127.0.0.1:1' } } }, { 'owner-label-missing': { labels: ['squad'] } });
    assert.deepEqual(settings.ownerKeys.labels, ['squad']);
    assert.equal(resolveOwner({ labels: { squad: 'falcons', team: 'ignored' } }, undefined, settings.ownerKeys, 'platform').team, 'falcons');
  });

  it('gives every alert of a scan its owner and no byte of a secret value', () => {
    const settings = settingsOf({ defaultRoute: { team: 'platform' }, sinks: { hook: { type: 'webhook', url: 'http://127.0.0.1:1' } } });
    const alerts = scanAlerts(MANIFESTS, settings);
    const by = (name: string, check: string) => alerts.find((alert) => alert.object.name === name && alert.checkId === check)!;
    assert.equal(by('web', 'privileged-container').team, 'a');
    assert.equal(by('web', 'privileged-container').owner.teamFrom, 'namespace');
    assert.deepEqual(by('web', 'env-literal-credential').owner.emails, ['shop-oncall@example.com']);
    assert.equal(by('api', 'host-network').team, 'b');
    assert.equal(by('api', 'host-network').owner.slackChannel, '#team-b');
    assert.equal(by('orphan', 'host-network').team, 'platform');
    assert.equal(by('orphan', 'host-network').owner.teamFrom, 'default');
    assert.ok(by('web', 'env-literal-credential').message.includes('DB_PASSWORD'));
    assert.ok(!JSON.stringify(alerts).includes(SECRET));
  });
});

describe('dedup, renotify, resolve (time as an input)', () => {
  const settings = settingsOf({ renotifyInterval: '1h', sinks: { hook: { type: 'webhook', url: 'http://127.0.0.1:1' } } });
  const policy = { renotifyMs: settings.renotifyMs };

  it('tells a finding once, again after the interval, and resolved once', () => {
    const alerts = scanAlerts(MANIFESTS, settings);
    const first = reconcile([], alerts, T0, policy, 'test');
    assert.equal(first.notifications.length, alerts.length);
    assert.ok(first.notifications.every((item) => item.reason === 'new'));
    // The same findings twice (and a duplicate in the input): nothing new to tell.
    const again = reconcile(first.upserts, [...alerts, alerts[0]!], minutes(30), policy, 'test');
    assert.deepEqual(again.notifications, []);
    assert.equal(again.upserts.length, alerts.length);
    // After the interval: told again, with the time it started.
    const later = reconcile(again.upserts, alerts, minutes(61), policy, 'test');
    assert.equal(later.notifications.length, alerts.length);
    assert.ok(later.notifications.every((item) => item.reason === 'renotify' && item.alert.startsAt === T0.toISOString()));
    // One finding fixed: resolved once, with when.
    const fixed = alerts.slice(1);
    const resolved = reconcile(later.upserts, fixed, minutes(70), policy, 'test');
    assert.deepEqual(resolved.notifications.map((item) => [item.reason, item.alert.key, item.alert.status, item.alert.endsAt]), [['resolved', alerts[0]!.key, 'resolved', minutes(70).toISOString()]]);
    assert.deepEqual(resolved.removals, [alerts[0]!.key]);
    // Another scope's states are not resolved by this scope's run.
    const other: AlertState[] = later.upserts.map((state) => ({ ...state, scope: 'other' }));
    assert.deepEqual(reconcile(other, [], minutes(70), policy, 'test').notifications, []);
  });

  it('keeps the state in the store: a second run sends only what is new or resolved', async () => {
    const store = SqliteAlertStore.open(path.join(tempDir('palisade-alerts'), 'alerts.db'));
    const alerts = scanAlerts(MANIFESTS, settings);
    assert.deepEqual(await recordRun(store, settings, 'test', alerts, T0), { new: alerts.length, renotified: 0, resolved: 0, unchanged: 0, refused: 0 });
    assert.deepEqual(await recordRun(store, settings, 'test', alerts, minutes(5)), { new: 0, renotified: 0, resolved: 0, unchanged: alerts.length, refused: 0 });
    assert.equal((await store.counts()).pending, alerts.length);
    assert.deepEqual(await recordRun(store, settings, 'test', alerts.slice(1), minutes(61)), { new: 0, renotified: alerts.length - 1, resolved: 1, unchanged: 0, refused: 0 });
    // A run that could not read all its input, or did not run a check, resolves none of what it misses.
    const fresh = SqliteAlertStore.open(':memory:');
    await recordRun(fresh, settings, 'test', alerts, T0);
    assert.equal((await recordRun(fresh, settings, 'test', [], minutes(1), { complete: false })).resolved, 0);
    assert.equal((await recordRun(fresh, settings, 'test', [], minutes(1), { checks: new Set(['host-network']) })).resolved, alerts.filter((alert) => alert.checkId === 'host-network').length);
    assert.deepEqual([...new Set((await fresh.states('test')).map((state) => state.alert.checkId))].sort(), ['env-literal-credential', 'privileged-container']);
    await fresh.close();
    // The watcher's path: one change at a time, same state.
    const opened = await recordChanges(store, settings, 'test', [{ kind: 'opened', alert: alerts[1]! }], minutes(62));
    assert.deepEqual(opened, { new: 0, renotified: 0, resolved: 0, unchanged: 1, refused: 0 });
    const due = await recordChanges(store, settings, 'test', [{ kind: 'resolved', key: alerts[1]!.key }], minutes(125));
    assert.deepEqual(due, { new: 0, renotified: alerts.length - 2, resolved: 1, unchanged: 0, refused: 0 });
    await store.close();
  });
});

describe('configuration', () => {
  it('names every problem at its path and never takes a password', () => {
    const { problems } = parseAlertSettings(
      {
        alerts: {
          renotifyInterval: 'often',
          minSeverity: 'urgent',
          colour: 'red',
          sinks: {
            am: { type: 'alertmanager', url: 'http://127.0.0.1:9093', ttl: '30m' },
            mail: { type: 'email', host: 'smtp.example.com', from: 'palisade@example.com', password: SECRET },
            chat: { type: 'slack', urlEnv: 'PALISADE_TEST_UNSET' },
            odd: { type: 'pager' },
          },
          routes: [{ teams: ['a'], sinks: ['am', 'nope'] }, { teams: ['b'] }],
        },
      },
      new Set(),
    );
    const text = problems.map((problem) => `${problem.path.join('.')}: ${problem.message}`);
    for (const expected of [
      'alerts.colour: unknown setting "colour"',
      'alerts.renotifyInterval: must be a duration',
      'alerts.minSeverity: must be one of',
      'alerts.sinks.mail.password: a password is never written in the configuration',
      'alerts.sinks.chat.urlEnv: the environment variable PALISADE_TEST_UNSET is not set',
      'alerts.sinks.odd.type: must be one of alertmanager, webhook, slack, email',
      'alerts.routes.0.sinks.1: unknown sink "nope"',
      'alerts.routes.1: a route needs sinks',
    ]) assert.ok(text.some((line) => line.startsWith(expected)), `${expected}\nin\n${text.join('\n')}`);
    assert.ok(!text.join('\n').includes(SECRET));
    // An Alertmanager ttl shorter than the renotify interval would let alerts resolve on their own.
    const ttl = parseAlertSettings({ alerts: { renotifyInterval: '2h', sinks: { am: { type: 'alertmanager', url: 'http://127.0.0.1:9093', ttl: '1h' } } } }, new Set()).problems;
    assert.match(ttl[0]!.message, /longer than renotifyInterval/);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('90'), undefined);
  });

  it('routes by team, namespace and severity, first match, else the default route', () => {
    const settings = settingsOf({
      sinks: { am: { type: 'alertmanager', url: 'http://127.0.0.1:9093' }, chat: { type: 'slack', url: 'http://127.0.0.1:1/hook' }, mail: { type: 'email', host: '127.0.0.1', from: 'p@example.com', to: ['sec@example.com'] } },
      routes: [{ teams: ['a'], minSeverity: 'critical', sinks: ['am', 'mail'], email: ['a-leads@example.com'] }, { namespaces: ['books'], sinks: ['chat'] }],
      defaultRoute: { sinks: ['mail'] },
    });
    const alerts = scanAlerts(MANIFESTS, settings);
    const route = (name: string, check: string) => deliveriesFor({ alert: alerts.find((alert) => alert.object.name === name && alert.checkId === check)!, reason: 'new' }, settings).map((delivery) => `${delivery.sink}:${delivery.recipients.email.join(',')}`);
    // Team a, critical: Alertmanager and mail, to the owner's contact (the namespace's annotation).
    assert.deepEqual(route('web', 'privileged-container'), ['am:shop-oncall@example.com', 'mail:shop-oncall@example.com']);
    // Team a, high: not critical, so the default route.
    assert.deepEqual(route('web', 'env-literal-credential'), ['mail:shop-oncall@example.com']);
    assert.deepEqual(route('api', 'host-network'), ['chat:']);
    assert.deepEqual(route('orphan', 'host-network'), ['chat:']);
    // No owner address and no route address: the sink's own.
    assert.deepEqual(deliveriesFor({ alert: { ...alerts[0]!, owner: { ...alerts[0]!.owner, emails: [] }, team: 'x', namespace: 'x' }, reason: 'new' }, settings).map((delivery) => delivery.recipients.email), [['sec@example.com']]);
  });
});

alertOutboxContract({ name: 'SQLite', location: async () => path.join(tempDir('palisade-alerts'), 'alerts.db') });

describe('outbox and sinks', () => {
  const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
  after(async () => Promise.all(receivers.map((receiver) => receiver.close())));

  it('retries a sink that fails twice with backoff, across a restart, and delivers once', async () => {
    const receiver = await startReceiver([500, 500]);
    receivers.push(receiver);
    const file = path.join(tempDir('palisade-alerts'), 'alerts.db');
    const settings = settingsOf({ retry: { initialDelay: '10s', maxDelay: '1m', maxAttempts: 5 }, sinks: { hook: { type: 'webhook', url: `${receiver.url}/hook` } } });
    const alert = scanAlerts(MANIFESTS, settings).find((item) => item.checkId === 'privileged-container')!;
    let store = SqliteAlertStore.open(file);
    await recordRun(store, settings, 'test', [alert], T0);
    const registry = new Registry();
    const sinks = createSinks(settings);
    let clock = T0;
    const retries: Date[] = [];
    const observer = deliveryObserver({ registry, outbox: { counts: () => store.counts() } });
    const deps = () => ({ outbox: store, sinks, backoff: settings.backoff, now: () => clock, random: () => 1, observer: { sent: observer.sent, failed: (delivery: never, error: never, retryAt: Date | undefined) => { retries.push(retryAt!); observer.failed(delivery, error, retryAt); } } });

    assert.deepEqual(await dispatchDue(deps()), { sent: 0, retrying: 1, dead: 0 });
    assert.equal(retries[0]!.getTime() - clock.getTime(), 10_000);
    // Not due yet: nothing is sent.
    clock = new Date(T0.getTime() + 5_000);
    assert.deepEqual(await dispatchDue(deps()), { sent: 0, retrying: 0, dead: 0 });
    clock = new Date(T0.getTime() + 10_000);
    assert.deepEqual(await dispatchDue(deps()), { sent: 0, retrying: 1, dead: 0 });
    assert.equal(retries[1]!.getTime() - clock.getTime(), 20_000, 'the second retry waits twice as long');
    // The process stops; a new one opens the store: the delivery is still there.
    await store.close();
    store = SqliteAlertStore.open(file);
    assert.equal((await store.counts()).pending, 1);
    clock = new Date(T0.getTime() + 30_000);
    assert.deepEqual(await dispatchDue(deps()), { sent: 1, retrying: 0, dead: 0 });
    assert.deepEqual(await dispatchDue(deps()), { sent: 0, retrying: 0, dead: 0 });
    assert.deepEqual(receiver.received.map((item) => item.status), [500, 500, 200]);
    assert.deepEqual(await store.counts(), { pending: 0, sent: 1, dead: 0 });
    const metrics = await registry.metrics();
    assert.match(metrics, /palisade_alerts_sent_total\{sink="hook",type="unknown"\} 1/);
    assert.match(metrics, /palisade_alerts_failed_total\{sink="hook",type="unknown",final="false"\} 2/);
    assert.match(metrics, /palisade_alert_outbox_pending 0/);
    await store.close();
  });

  it('redelivers a delivery claimed by a process that died before it finished, once its lease passes', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const file = path.join(tempDir('palisade-alerts'), 'alerts.db');
    const settings = settingsOf({ sinks: { hook: { type: 'webhook', url: `${receiver.url}/hook` } } });
    let store = SqliteAlertStore.open(file);
    await recordRun(store, settings, 'test', scanAlerts(MANIFESTS, settings).slice(0, 1), T0);
    assert.equal((await store.claimDue(T0, 10, 60_000)).length, 1);
    await store.close(); // died mid-send
    store = SqliteAlertStore.open(file);
    const sinks = createSinks(settings);
    assert.deepEqual(await dispatchDue({ outbox: store, sinks, backoff: settings.backoff, now: () => minutes(0.5) }), { sent: 0, retrying: 0, dead: 0 });
    assert.deepEqual(await dispatchDue({ outbox: store, sinks, backoff: settings.backoff, now: () => minutes(1) }), { sent: 1, retrying: 0, dead: 0 });
    assert.equal(receiver.received.length, 1);
    await store.close();
  });

  it('gives up after its attempts, and at once on a failure that cannot succeed', async () => {
    const receiver = await startReceiver([503, 503, 400]);
    receivers.push(receiver);
    const settings = settingsOf({ retry: { initialDelay: '1s', maxAttempts: 2 }, sinks: { hook: { type: 'webhook', url: `${receiver.url}/hook` } } });
    const store = SqliteAlertStore.open(':memory:');
    const alerts = scanAlerts(MANIFESTS, settings);
    await recordRun(store, settings, 'test', alerts.slice(0, 1), T0);
    const deps = (at: Date) => ({ outbox: store, sinks: createSinks(settings), backoff: settings.backoff, now: () => at, random: () => 0 });
    assert.deepEqual(await dispatchDue(deps(T0)), { sent: 0, retrying: 1, dead: 0 });
    assert.deepEqual(await dispatchDue(deps(minutes(1))), { sent: 0, retrying: 0, dead: 1 });
    await recordRun(store, settings, 'test2', alerts.slice(1, 2), minutes(2));
    assert.deepEqual(await dispatchDue(deps(minutes(2))), { sent: 0, retrying: 0, dead: 1 }, 'a 400 is not retried');
    assert.deepEqual(store.history().map((item) => [item.status, item.lastError]), [['dead', 'hook: HTTP 400: receiver says no'], ['dead', 'hook: HTTP 503: receiver says no']]);
    assert.ok(!store.history().some((item) => item.lastError?.includes(receiver.url)), 'errors never name the URL');
    await store.close();
  });

  it('is bounded: a change the full outbox refuses keeps its old state and is told on a later run', async () => {
    const settings = settingsOf({ maxPending: 2, sinks: { hook: { type: 'webhook', url: 'http://127.0.0.1:1' } } });
    const store = SqliteAlertStore.open(':memory:', { maxPending: settings.maxPending });
    const alerts = scanAlerts(MANIFESTS, settings);
    assert.ok(alerts.length >= 3);
    const first = await recordRun(store, settings, 'test', alerts, T0);
    assert.deepEqual([first.new, first.refused], [alerts.length, alerts.length - 2]);
    assert.equal((await store.states('test')).length, 2);
    assert.equal((await store.counts()).pending, 2);
    // Once the two are delivered, the next run tells the rest as new.
    for (const delivery of await store.claimDue(T0, 10, 1000)) await store.markSent(delivery.id, T0);
    const second = await recordRun(store, settings, 'test', alerts, minutes(1));
    assert.equal(second.new, Math.min(2, alerts.length - 2));
    await store.close();
  });

  it('runs as a loop for a long-running process (the watcher): woken by a change, retrying on its own, logging each outcome', async () => {
    const receiver = await startReceiver([500]);
    receivers.push(receiver);
    const settings = settingsOf({ retry: { initialDelay: '200ms', maxDelay: '200ms' }, sinks: { hook: { type: 'webhook', url: `${receiver.url}/hook` } } });
    const store = SqliteAlertStore.open(':memory:');
    const lines: { level: number; msg: string; sink: string; check: string; team: string; error?: string }[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString())); done(); } }));
    const dispatcher = startDispatcher({ outbox: store, sinks: createSinks(settings), backoff: settings.backoff, observer: deliveryObserver({ logger }), maxIdleMs: 10_000 });
    const alert = scanAlerts(MANIFESTS, settings).find((item) => item.checkId === 'privileged-container')!;
    await recordChanges(store, settings, 'cluster:test', [{ kind: 'opened', alert }], new Date());
    dispatcher.wake();
    await receiver.waitFor((received) => received.length === 2, 5_000);
    await dispatcher.stop();
    assert.deepEqual(receiver.received.map((item) => item.status), [500, 200]);
    assert.deepEqual(await store.counts(), { pending: 0, sent: 1, dead: 0 });
    assert.deepEqual(lines.map((line) => [line.msg, line.sink, line.check, line.team]), [
      ['alert delivery failed, will retry', 'hook', 'privileged-container', 'a'],
      ['alert delivered', 'hook', 'privileged-container', 'a'],
    ]);
    assert.equal(lines[0]!.error, 'hook: HTTP 500: receiver says no');
    await store.close();
  });

  it('backs off exponentially with jitter, capped', () => {
    const policy = { initialMs: 1_000, maxMs: 8_000, maxAttempts: 10 };
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(attempt, policy, 1)), [1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    assert.equal(retryDelay(3, policy, 0), 100);
    assert.equal(retryDelay(10, policy, 0.5), undefined);
  });

  it('posts the JSON webhook and the Slack payload the receivers expect', async () => {
    const hook = await startReceiver();
    const slack = await startReceiver();
    receivers.push(hook, slack);
    const settings = settingsOf({ sinks: { hook: { type: 'webhook', url: `${hook.url}/alerts`, tokenEnv: 'PALISADE_TEST_TOKEN' }, chat: { type: 'slack', urlEnv: 'PALISADE_TEST_SLACK_URL' } } }, undefined, ['PALISADE_TEST_TOKEN', 'PALISADE_TEST_SLACK_URL']);
    const env = { PALISADE_TEST_TOKEN: 'tok-123', PALISADE_TEST_SLACK_URL: `${slack.url}/services/T000/B000/XXXX` };
    const sinks = createSinks(settings, env);
    const store = SqliteAlertStore.open(':memory:');
    const alerts = scanAlerts(MANIFESTS, settings);
    await recordRun(store, settings, 'test', alerts, T0);
    await recordRun(store, settings, 'test', alerts.filter((alert) => alert.object.name !== 'api'), minutes(5));
    assert.deepEqual(await dispatchDue({ outbox: store, sinks, backoff: settings.backoff, now: () => minutes(5) }), { sent: alerts.length * 2, retrying: 0, dead: 0 });

    assert.equal(hook.received.length, alerts.length);
    const api = hook.received.map((item) => item.json as { version: string; reason: string; alert: Alert }).find((body) => body.alert.object.name === 'api')!;
    // The api finding was resolved before anything was delivered: the newer status replaced the pending one.
    assert.equal(api.alert.status, 'resolved');
    assert.equal(api.reason, 'resolved');
    assert.equal(api.version, '1');
    assert.equal(api.alert.team, 'b');
    assert.equal(api.alert.checkId, 'host-network');
    assert.equal(hook.received[0]!.headers.authorization, 'Bearer tok-123');

    const messages = slack.received.map((item) => item.json as { text: string; channel?: string; blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[] });
    assert.ok(slack.received.every((item) => item.path === '/services/T000/B000/XXXX'));
    const privileged = messages.find((message) => message.text.includes('privileged-container'))!;
    assert.match(privileged.text, /^FIRING critical privileged-container: Deployment shop\/web \(team a\)$/);
    assert.equal(privileged.blocks[0]!.type, 'header');
    assert.match(privileged.blocks[0]!.text!.text, /^Firing: /);
    assert.ok(privileged.blocks.some((block) => block.fields?.some((field) => field.text === '*Team*\na')));
    assert.ok(privileged.blocks.some((block) => block.type === 'context'));
    const resolved = messages.find((message) => message.text.includes('Deployment books/api'))!;
    assert.match(resolved.text, /^RESOLVED high host-network/);
    assert.equal(resolved.channel, '#team-b');
    for (const item of [...hook.received, ...slack.received]) assert.ok(!item.body.includes(SECRET), 'no secret value in any payload');
    await store.close();
  });
});

it('documents alerts in the README and ships the provisioning of its test programs', () => {
  const readme = readFileSync(repoPath('README.md'), 'utf8');
  assert.match(readme, /^## Alerts$/m);
  const provision = readFileSync(repoPath('scripts/provision.sh'), 'utf8');
  assert.match(provision, /ensure_deb prometheus-alertmanager/);
  assert.match(provision, /ensure_deb python3-aiosmtpd/);
});
