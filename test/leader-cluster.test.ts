import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCluster, type TestCluster } from './support/cluster.js';
import { startReceiver } from './support/receivers.js';
import { repoPath } from './support/paths.js';
import { tempDir } from './support/temp.js';

/**
 * Two replicas of `palisade watch --leader-elect --alert` against the real API server's Lease
 * API, sharing the alert store as replicas of the chart share PostgreSQL: one leads, each alert
 * is delivered once, and when the leader stops the other takes over.
 */
class Replica {
  stderr = '';
  private readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;

  constructor(readonly name: string, args: string[]) {
    const home = tempDir('palisade-lease-home');
    const { NO_COLOR: _noColor, PALISADE_FINDING_STORE: _store, ...inherited } = process.env;
    this.child = spawn(process.execPath, [repoPath('bin/palisade.js'), 'watch', '-o', 'json', ...args], { cwd: home, env: { ...inherited, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') } });
    this.child.stdout.resume();
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  get leading(): boolean {
    const became = this.stderr.lastIndexOf('became the leader');
    return became >= 0 && this.stderr.lastIndexOf('lost the Lease') < became;
  }

  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

async function until(what: string, test: () => boolean, ms: number, replicas: Replica[]): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${replicas.map((replica) => `${replica.name}:\n${replica.stderr}`).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('palisade watch --leader-elect against a real API server', { timeout: 60_000 }, () => {
  let cluster: TestCluster;
  const running: Replica[] = [];
  const request = async (method: string, pathname: string, body?: unknown) => {
    const response = await cluster.request(method, pathname, body);
    assert.ok(response.status < 300, `${method} ${pathname}: ${response.status} ${response.body.slice(0, 300)}`);
    return JSON.parse(response.body) as Record<string, any>;
  };
  const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', securityContext: { privileged: true } }] } });

  before(async () => {
    cluster = await startCluster();
    await request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'elected' } });
    await request('POST', '/api/v1/namespaces/elected/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
  });
  after(async () => {
    for (const replica of running) replica.kill();
    await cluster?.stop();
  });

  it('one replica leads, an alert is delivered once, and when the leader stops the other takes over within the lease duration', async () => {
    const started = Date.now();
    const hook = await startReceiver();
    try {
      const dir = tempDir('palisade-lease');
      const config = path.join(dir, 'palisade.yaml');
      writeFileSync(config, `checks:\n  only: [privileged-container]\nalerts:\n  minSeverity: high\n  sinks:\n    hook: { type: webhook, url: "${hook.url}/hook", timeout: 1s }\n`);
      const args = (name: string) => ['--kubeconfig', cluster.kubeconfig, '-n', 'elected', '--config', config, '--alert', '--alert-store', path.join(dir, 'alerts.db'), '--store', path.join(dir, `findings-${name}.db`), '--leader-elect', '--leader-elect-resource-namespace', 'elected', '--leader-elect-lease-duration', '3s', '--leader-elect-renew-deadline', '2s', '--leader-elect-retry-period', '500ms'];
      const replicas = [new Replica('a', args('a')), new Replica('b', args('b'))];
      running.push(...replicas);
      await until('both synced and one leader', () => replicas.every((replica) => /synced \d+ objects/.test(replica.stderr)) && replicas.some((replica) => replica.leading), 20_000, replicas);
      // Both keep trying for a while: still exactly one leader, and the Lease names it.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(replicas.filter((replica) => replica.leading).length, 1, replicas.map((replica) => replica.stderr).join('\n'));
      const leader = replicas.find((replica) => replica.leading)!;
      const follower = replicas.find((replica) => replica !== leader)!;
      const lease = await request('GET', '/apis/coordination.k8s.io/v1/namespaces/elected/leases/palisade-watch');
      assert.equal(lease.spec.leaseDurationSeconds, 3);
      assert.match(lease.spec.holderIdentity, /_/);
      assert.match(leader.stderr, new RegExp(`became the leader \\(Lease elected/palisade-watch, ${lease.spec.holderIdentity}\\)`));

      const told = () => hook.received.map((item) => item.json as { reason: string; alert: { checkId: string; object: { name: string } } }).map((body) => `${body.reason}:${body.alert.checkId}:${body.alert.object.name}`);
      await request('POST', '/api/v1/namespaces/elected/pods', pod('first'));
      await hook.waitFor(() => told().includes('new:privileged-container:first'), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.deepEqual(told(), ['new:privileged-container:first']);

      // The leader stops: it releases the Lease and the follower leads before the lease duration is out.
      const stopping = Date.now();
      assert.equal(await leader.stop(), 0);
      assert.match(leader.stderr, /lost the Lease elected\/palisade-watch \(stopping: released the Lease\)/);
      await until('the takeover', () => follower.leading, 3000, replicas);
      assert.ok(Date.now() - stopping < 3000, `took over after ${Date.now() - stopping} ms`);
      const taken = await request('GET', '/apis/coordination.k8s.io/v1/namespaces/elected/leases/palisade-watch');
      assert.notEqual(taken.spec.holderIdentity, lease.spec.holderIdentity);
      assert.equal(taken.spec.leaseTransitions, (lease.spec.leaseTransitions ?? 0) + 1);

      // A new finding is alerted once, by the new leader; the first is not told again.
      await request('POST', '/api/v1/namespaces/elected/pods', pod('second'));
      await hook.waitFor(() => told().includes('new:privileged-container:second'), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.deepEqual(told(), ['new:privileged-container:first', 'new:privileged-container:second']);

      // A killed leader (no release) is replaced once its Lease expires.
      const killed = Date.now();
      follower.kill();
      const third = new Replica('c', args('c'));
      running.push(third);
      await until('a takeover of an expired Lease', () => third.leading, 15_000, [third]);
      const expired = await request('GET', '/apis/coordination.k8s.io/v1/namespaces/elected/leases/palisade-watch');
      assert.ok(Date.now() - killed >= 2000, `took over after ${Date.now() - killed} ms, before the 3 s Lease could expire`);
      assert.match(expired.spec.holderIdentity, /_/);
      assert.equal(await third.stop(), 0);
    } finally {
      await hook.close();
    }
    assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
  });
});
