import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeFileSync } from 'node:fs';
import { startCluster, type TestCluster } from './support/cluster.js';
import { startReceiver } from './support/receivers.js';
import { repoPath } from './support/paths.js';
import { tempDir } from './support/temp.js';

/**
 * palisade watch against the real API server, run as a user runs it: a separate process printing
 * one JSON event per line, the store in a file, stopped with SIGTERM and started again.
 */

interface Event {
  event: string;
  checkId: string;
  severity: string;
  object: { kind: string; namespace?: string; name: string };
  firstSeen: string;
  cause?: { type: string; kind: string; name: string; manager?: string };
}

/** A running `palisade watch -o json`: its events as they come, and a way to wait for one. */
class Watch {
  readonly events: Event[] = [];
  stderr = '';
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  constructor(args: string[]) {
    const home = tempDir('palisade-watch-home');
    const { NO_COLOR: _noColor, PALISADE_FINDING_STORE: _store, ...inherited } = process.env;
    this.child = spawn(process.execPath, [repoPath('bin/palisade.js'), 'watch', '-o', 'json', ...args], { cwd: home, env: { ...inherited, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') } });
    let buffer = '';
    this.child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) if (line.trim()) this.events.push(JSON.parse(line) as Event);
      this.wake();
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      this.wake();
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  /** Waits until `test` holds (checked on every output), at most `ms`. */
  async until(what: string, test: () => boolean, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}\nstderr:\n${this.stderr}\nevents:\n${this.events.map((event) => JSON.stringify(event)).join('\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  find(event: string, checkId: string, kind: string, name: string): Event | undefined {
    return this.events.find((item) => item.event === event && item.checkId === checkId && item.object.kind === kind && item.object.name === name);
  }

  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

describe('palisade watch against a real API server', { timeout: 90_000 }, () => {
  let cluster: TestCluster;
  const running: Watch[] = [];
  const request = async (method: string, pathname: string, body?: unknown) => {
    const response = await cluster.request(method, pathname, body);
    assert.ok(response.status < 300, `${method} ${pathname}: ${response.status} ${response.body.slice(0, 300)}`);
  };
  const pod = (privileged: boolean) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'app', labels: { app: 'app' } },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27', securityContext: { privileged } }] },
  });

  before(async () => {
    cluster = await startCluster();
    await request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watched' } });
    await request('POST', '/api/v1/namespaces/watched/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
  });
  after(async () => {
    for (const watch of running) watch.kill();
    await cluster?.stop();
  });

  it('prints findings as they open and resolve, and a restart with the same store finds them still open', async () => {
    const started = Date.now();
    const store = path.join(tempDir('palisade-watch-store'), 'findings.db');
    const args = ['--kubeconfig', cluster.kubeconfig, '-n', 'watched', '--store', store];
    const watch = new Watch(args);
    running.push(watch);
    await watch.until('the initial sync', () => /synced \d+ objects/.test(watch.stderr));
    await watch.until('the namespace without default deny', () => watch.find('opened', 'namespace-without-default-deny-ingress', 'Namespace', 'watched') !== undefined);
    assert.ok(/listing \d+ kinds/.test(watch.stderr), watch.stderr);

    // A privileged pod: opened, caused by its creation.
    await request('POST', '/api/v1/namespaces/watched/pods', pod(true));
    await watch.until('the privileged pod', () => watch.find('opened', 'privileged-container', 'Pod', 'app') !== undefined);
    const opened = watch.find('opened', 'privileged-container', 'Pod', 'app')!;
    assert.equal(opened.object.namespace, 'watched');
    assert.deepEqual([opened.cause?.type, opened.cause?.kind, opened.cause?.name], ['added', 'Pod', 'app']);
    assert.equal(typeof opened.cause?.manager, 'string', 'the field manager of the creation');

    // Fixed (pods are immutable there: deleted and created again): resolved.
    await request('DELETE', '/api/v1/namespaces/watched/pods/app?gracePeriodSeconds=0');
    await request('POST', '/api/v1/namespaces/watched/pods', pod(false));
    await watch.until('the fix', () => watch.find('resolved', 'privileged-container', 'Pod', 'app') !== undefined);
    // A finding of the fixed pod that stayed (no resource limits) is not told again by the recreation.
    await request('POST', '/apis/networking.k8s.io/v1/namespaces/watched/networkpolicies', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
    await watch.until('the default deny', () => watch.find('resolved', 'namespace-without-default-deny-ingress', 'Namespace', 'watched') !== undefined);
    const resolved = watch.find('resolved', 'namespace-without-default-deny-ingress', 'Namespace', 'watched')!;
    assert.deepEqual([resolved.cause?.kind, resolved.cause?.name], ['NetworkPolicy', 'default-deny']);
    // Every event is of the watched namespace.
    assert.ok(watch.events.every((event) => event.object.namespace === 'watched' || (event.object.kind === 'Namespace' && event.object.name === 'watched')), JSON.stringify(watch.events));

    assert.equal(await watch.stop(), 0);
    assert.match(watch.stderr, /stopping/);
    const open = new Map<string, Event>();
    for (const event of watch.events) {
      const key = JSON.stringify([event.checkId, event.object.kind, event.object.name, (event as { path?: string }).path]);
      if (event.event === 'resolved') open.delete(key);
      else open.set(key, event);
    }
    assert.ok(open.size > 0, 'findings left open');

    // Restarted with the same store: what was open is still open, with its first-seen time; nothing is opened again.
    const again = new Watch(args);
    running.push(again);
    await again.until('the restart', () => /synced \d+ objects/.test(again.stderr) && again.events.length >= open.size);
    assert.deepEqual(again.events.filter((event) => event.event !== 'still-open'), []);
    assert.equal(again.events.length, open.size);
    for (const event of again.events) {
      const key = JSON.stringify([event.checkId, event.object.kind, event.object.name, (event as { path?: string }).path]);
      assert.equal(event.firstSeen, open.get(key)?.firstSeen, key);
    }
    assert.equal(again.find('still-open', 'privileged-container', 'Pod', 'app'), undefined);
    assert.equal(await again.stop(), 0);
    assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
  });

  it('--metrics-bind-address serves probes and Prometheus metrics: open findings by team, evaluation time, lag', async () => {
    await request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'metered', labels: { team: 'payments' } } });
    await request('POST', '/api/v1/namespaces/metered/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    await request('POST', '/api/v1/namespaces/metered/pods', pod(true));
    const store = path.join(tempDir('palisade-watch-store'), 'findings.db');
    const watch = new Watch(['--kubeconfig', cluster.kubeconfig, '-n', 'metered', '--store', store, '--metrics-bind-address', '127.0.0.1:0']);
    running.push(watch);
    await watch.until('the metrics address', () => /on http:\/\/127\.0\.0\.1:\d+/.test(watch.stderr));
    const base = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(watch.stderr)![1]!;
    const get = async (pathname: string, method = 'GET') => {
      const response = await fetch(`${base}${pathname}`, { method });
      return { status: response.status, text: await response.text() };
    };
    assert.equal((await get('/healthz')).status, 200);
    await watch.until('the initial sync', () => /synced \d+ objects/.test(watch.stderr));
    await watch.until('the privileged pod', () => watch.find('opened', 'privileged-container', 'Pod', 'app') !== undefined);
    assert.deepEqual(await get('/readyz'), { status: 200, text: 'ok' });

    // A change after the sync: counted, evaluated, its lag observed.
    await request('POST', '/api/v1/namespaces/metered/pods', { ...pod(true), metadata: { name: 'second', labels: { app: 'second' } } });
    await watch.until('the second pod', () => watch.find('opened', 'privileged-container', 'Pod', 'second') !== undefined);
    const value = (text: string, series: RegExp) => Number(text.split('\n').find((line) => series.test(line))?.split(' ').pop() ?? NaN);
    const metrics = (await get('/metrics')).text;
    const severity = watch.find('opened', 'privileged-container', 'Pod', 'app')!.severity;
    const open = watch.events.filter((event) => event.event !== 'resolved' && event.severity === severity).length;
    assert.equal(value(metrics, new RegExp(`^palisade_watch_open_findings\\{severity="${severity}",namespace="metered",team="payments"\\}`)), open, metrics);
    assert.ok(value(metrics, /^palisade_watch_changes_total\{kind="Pod",type="added"\}/) >= 1, metrics);
    assert.ok(value(metrics, /^palisade_watch_evaluation_seconds_count\{kind="Pod"\}/) >= 1, metrics);
    assert.ok(value(metrics, /^palisade_watch_lag_seconds_count/) >= 1, metrics);
    assert.ok(value(metrics, /^palisade_watch_objects /) > 0, metrics);
    assert.equal(value(metrics, /^palisade_watch_queue_depth /), 0, metrics);
    assert.equal((await get('/metrics', 'POST')).status, 405);
    assert.equal((await get('/nothing')).status, 404);

    assert.equal(await watch.stop(), 0);
    await assert.rejects(fetch(`${base}/healthz`), 'the port is closed after the stop');
  });

  it('--alert tells the owner of a finding opened and resolved while watching (recordChanges)', async () => {
    const hook = await startReceiver();
    try {
      const dir = tempDir('palisade-watch-alerts');
      const config = path.join(dir, 'palisade.yaml');
      writeFileSync(config, `checks:\n  only: [privileged-container]\nalerts:\n  minSeverity: high\n  sinks:\n    hook: { type: webhook, url: "${hook.url}/hook", timeout: 1s }\n`);
      await request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'alerted' } });
      await request('POST', '/api/v1/namespaces/alerted/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
      const watch = new Watch(['--kubeconfig', cluster.kubeconfig, '-n', 'alerted', '--config', config, '--alert', '--alert-store', path.join(dir, 'alerts.db'), '--store', path.join(dir, 'findings.db'), '--metrics-bind-address', '127.0.0.1:0']);
      running.push(watch);
      await watch.until('the initial sync', () => /synced \d+ objects/.test(watch.stderr) && /alerts \(/.test(watch.stderr));
      const metricsUrl = `${/on (http:\/\/127\.0\.0\.1:\d+)/.exec(watch.stderr)![1]!}/metrics`;
      const told = () => hook.received.map((item) => item.json as { reason: string; alert: { checkId: string; status: string } }).map((body) => `${body.reason}:${body.alert.checkId}`);
      await request('POST', '/api/v1/namespaces/alerted/pods', pod(true));
      await hook.waitFor(() => told().includes('new:privileged-container'), 15_000);
      await request('DELETE', '/api/v1/namespaces/alerted/pods/app?gracePeriodSeconds=0');
      await hook.waitFor(() => told().includes('resolved:privileged-container'), 15_000);
      assert.deepEqual(told(), ['new:privileged-container', 'resolved:privileged-container']);
      // The deliveries are counted on the watch's /metrics (one observer for the process, not one per delivery run).
      const sent = async () => Number(/^palisade_alerts_sent_total\{sink="hook",type="webhook"\} (\d+)/m.exec(await (await fetch(metricsUrl)).text())?.[1] ?? 0);
      const deadline = Date.now() + 10_000;
      while ((await sent()) < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(await sent(), 2);
      assert.equal(await watch.stop(), 0);
    } finally {
      await hook.close();
    }
  });

  it('says when the connection is lost and retries with growing delays; SIGTERM still stops it', async () => {
    const watch = new Watch(['--kubeconfig', cluster.kubeconfig, '--store', path.join(tempDir('palisade-watch-store'), 'findings.db')]);
    running.push(watch);
    await watch.until('the initial sync', () => /synced \d+ objects/.test(watch.stderr));
    await cluster.stop();
    const retries = () => [...watch.stderr.matchAll(/lost the watch of \d+ kinds? .*; retrying in ([\d.]+)s/g)].map((match) => Number(match[1]));
    // The first retry after 1 s, then longer: the delay doubles while the failures go on.
    await watch.until('a longer retry', () => retries().some((delay) => delay >= 2), 20_000);
    assert.equal(retries()[0], 1, `delays ${retries().join(', ')}`);
    assert.equal(await watch.stop(), 0);
  });
});
