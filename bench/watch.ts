/**
 * `palisade watch` against the test control plane (test/support/cluster.ts: etcd and
 * kube-apiserver) holding N objects of the bench corpus (bench/corpus.ts; its custom resources
 * left out, the cluster has no CRDs): initial sync and first full evaluation against
 * `palisade scan --cluster` of the same objects in the same run; resident memory per object
 * held; how long after an API call returns the watch prints the event it causes; resident
 * memory under a steady stream of changes (--soak).
 *
 *   npm run build && node dist/bench/watch.js [--objects N] [--changes N] [--rate PER_S] [--soak SECONDS] [--parallel N]
 *
 * --objects   objects created (default 50000; 5000 for a quick run)
 * --changes   changes timed end to end (default 200), at --rate per second (default 5)
 * --soak      then changes at --rate for this many seconds, RSS sampled every 10 s (default 0)
 * --parallel  concurrent creates (default 32)
 *
 * A change is a PUT of one of 200 bench Deployments (bench-toggle-K in namespace team-0)
 * toggling privileged on its container: each toggle opens or resolves privileged-container,
 * an event line on the watch's stdout naming the Deployment. The latency is from the PUT's
 * response to that line reaching this process (it includes the watch's own event delivery from
 * the API server). RSS is VmRSS of the watch process (/proc/PID/status).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import jsyaml from 'js-yaml';
import { generateCorpus } from './corpus.js';
import { clusterAvailable, startCluster, type TestCluster } from '../test/support/cluster.js';
import { repoPath } from '../test/support/paths.js';
import { planScan } from '../src/app/scan.js';
import { createWatcher } from '../src/app/watch.js';
import { createIncrementalInventory } from '../src/core/inventory/inventory.js';
import { isClusterScoped } from '../src/core/kinds/scope.js';
import { refOf, type Resource } from '../src/core/model/resource.js';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '50000' },
    changes: { type: 'string', default: '200' },
    rate: { type: 'string', default: '5' },
    soak: { type: 'string', default: '0' },
    parallel: { type: 'string', default: '32' },
  },
});
const objects = Number(values.objects);
const changes = Number(values.changes);
const rate = Number(values.rate);
const soakSeconds = Number(values.soak);
const parallel = Number(values.parallel);
const TOGGLED = 200;

if (!clusterAvailable()) throw new Error('no etcd and kube-apiserver in .cache/bin (see test/support/cluster.ts)');

const cli = repoPath('bin/palisade.js');
const root = mkdtempSync(path.join(tmpdir(), 'palisade-watch-bench-'));
const devNull = openSync('/dev/null', 'w');
const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

/** The REST collection of a kind, for the kinds of bench/corpus.ts; undefined for custom resources. */
function collection(object: { apiVersion: string; kind: string; metadata: { namespace?: string } }): string | undefined {
  const plural: Record<string, string> = {
    Deployment: 'deployments',
    StatefulSet: 'statefulsets',
    DaemonSet: 'daemonsets',
    Service: 'services',
    ServiceAccount: 'serviceaccounts',
    ConfigMap: 'configmaps',
    Secret: 'secrets',
    NetworkPolicy: 'networkpolicies',
    Role: 'roles',
    RoleBinding: 'rolebindings',
    ClusterRole: 'clusterroles',
    ClusterRoleBinding: 'clusterrolebindings',
    CronJob: 'cronjobs',
    Namespace: 'namespaces',
  };
  const resource = plural[object.kind];
  if (!resource || object.apiVersion.startsWith('monitoring.coreos.com')) return undefined;
  const base = object.apiVersion === 'v1' ? '/api/v1' : `/apis/${object.apiVersion}`;
  return object.metadata.namespace !== undefined ? `${base}/namespaces/${object.metadata.namespace}/${resource}` : `${base}/${resource}`;
}

type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; type?: string };

/** Corpus objects (the generator writes YAML; read back here), custom resources replaced by more of the others. */
function corpusObjects(count: number): KubeObject[] {
  const dir = path.join(root, 'corpus');
  // Custom resources are about 6% of the mix: generate more and keep the first `count` creatable ones.
  generateCorpus(dir, Math.ceil(count * 1.1) + 100);
  const out: KubeObject[] = [];
  for (const file of readdirSync(dir).sort()) {
    for (const document of jsyaml.loadAll(readFileSync(path.join(dir, file), 'utf8')) as KubeObject[]) {
      if (!document || collection(document) === undefined) continue;
      // The corpus's TLS Secrets carry placeholder data that is not base64: sent as stringData.
      if (document.kind === 'Secret') {
        const secret = document as KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> };
        secret.type = 'Opaque';
        secret.stringData = secret.data;
        delete secret.data;
      }
      out.push(document);
      if (out.length === count) return out;
    }
  }
  return out;
}

const toggled = (index: number, privileged: boolean) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: `bench-toggle-${index}`, namespace: 'team-0', labels: { app: `bench-toggle-${index}` } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: `bench-toggle-${index}` } },
    template: {
      metadata: { labels: { app: `bench-toggle-${index}` } },
      spec: { containers: [{ name: 'app', image: 'registry.example.com/team/app:v1.2.1', securityContext: { privileged } }] },
    },
  },
});

async function createAll(cluster: TestCluster, items: KubeObject[]): Promise<void> {
  let next = 0;
  let done = 0;
  const started = Date.now();
  let reported = started;
  const worker = async () => {
    while (next < items.length) {
      const object = items[next++]!;
      for (let attempt = 0; ; attempt++) {
        const response = await cluster.post(collection(object)!, object).catch((error: Error) => ({ status: 0, body: error.message }));
        if (response.status < 300 || response.status === 409) break;
        if (attempt >= 5) throw new Error(`create ${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}: ${response.status} ${response.body.slice(0, 300)}`);
        await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
      }
      done++;
      if (Date.now() - reported > 10_000) {
        reported = Date.now();
        log(`created ${done}/${items.length} (${Math.round(done / ((reported - started) / 1000))}/s, load ${load()})`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  log(`created ${done} objects in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

interface EventLine {
  event: string;
  checkId: string;
  object: { kind: string; namespace?: string; name: string };
}

/** A running `palisade watch -o json`, its event lines timed as they arrive. */
class Watch {
  stderr = '';
  events = 0;
  readonly started = performance.now();
  syncedAt: number | undefined;
  readonly child: ChildProcessWithoutNullStreams;
  /** Waiters for an event line about an object, by "kind/namespace/name". */
  readonly waiting = new Map<string, (at: number) => void>();
  private readonly exited: Promise<number | null>;

  constructor(kubeconfig: string) {
    const home = mkdtempSync(path.join(root, 'home-'));
    const { NO_COLOR: _noColor, PALISADE_FINDING_STORE: _store, ...inherited } = process.env;
    this.child = spawn(process.execPath, [cli, 'watch', '-o', 'json', '--kubeconfig', kubeconfig, '--store', path.join(home, 'findings.db')], {
      cwd: home,
      env: { ...inherited, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') },
    });
    let buffer = '';
    this.child.stdout.on('data', (chunk: Buffer) => {
      const at = performance.now();
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (!line.trim()) continue;
        this.events++;
        if (this.waiting.size === 0) continue;
        const event = JSON.parse(line) as EventLine;
        const key = `${event.object.kind}/${event.object.namespace ?? ''}/${event.object.name}`;
        const waiter = this.waiting.get(key);
        if (waiter && event.checkId === 'privileged-container') {
          this.waiting.delete(key);
          waiter(at);
        }
      }
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      if (this.syncedAt === undefined && /synced \d+ objects/.test(this.stderr)) this.syncedAt = performance.now();
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Seconds from start to the "synced" line, once the first evaluation's events have stopped arriving. */
  async synced(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.syncedAt === undefined) {
      if (this.child.exitCode !== null) throw new Error(`palisade watch exited: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no sync within ${timeoutMs} ms: ${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The synced line is written before the first evaluation's events; wait for them to drain.
    let last = -1;
    while (last !== this.events) {
      last = this.events;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return (this.syncedAt - this.started) / 1000;
  }

  rss(): number {
    return rssMiB(this.child.pid!);
  }

  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }
}

const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

log(`machine: ${cpus().length} CPUs, load ${load()}`);
const cluster = await startCluster();
const watches: Watch[] = [];
try {
  // An empty cluster first: the watch's RSS with nothing (but the control plane's own objects) held.
  const empty = new Watch(cluster.kubeconfig);
  watches.push(empty);
  const emptySync = await empty.synced(60_000);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const emptyRss = empty.rss();
  const emptyObjects = Number(/synced (\d+) objects/.exec(empty.stderr)![1]);
  await empty.stop();
  log(`empty cluster: watch synced ${emptyObjects} objects in ${emptySync.toFixed(2)} s, RSS ${emptyRss.toFixed(0)} MiB`);

  const items = corpusObjects(objects - TOGGLED);
  const namespaces = [...new Set(items.map((item) => item.metadata.namespace).filter((ns): ns is string => ns !== undefined)), 'team-0'];
  await createAll(
    cluster,
    [...new Set(namespaces)].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  );
  await createAll(cluster, [...items, ...Array.from({ length: TOGGLED }, (_, index) => toggled(index, false) as KubeObject)]);

  // (1) The baseline: palisade scan --cluster reads every object once and evaluates it.
  const scanStarted = performance.now();
  const scan = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, 'scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', 'json'], {
    encoding: 'utf8',
    stdio: ['ignore', devNull, 'pipe'],
    env: { ...process.env, HOME: root, XDG_CACHE_HOME: path.join(root, '.cache') },
  });
  const scanSeconds = (performance.now() - scanStarted) / 1000;
  const scanLines = scan.stderr.trim().split('\n');
  const scanRss = Number(scanLines[scanLines.length - 1]) / 1024;
  if (scan.status !== 0 && scan.status !== 1) throw new Error(`scan --cluster failed (${scan.status}): ${scan.stderr}`);
  log(`scan --cluster: ${scanSeconds.toFixed(2)} s, peak RSS ${scanRss.toFixed(0)} MiB`);

  // (2) The watch: initial sync and first evaluation, RSS held.
  const watch = new Watch(cluster.kubeconfig);
  watches.push(watch);
  const syncSeconds = await watch.synced(600_000);
  const held = Number(/synced (\d+) objects/.exec(watch.stderr)![1]);
  const drained = (performance.now() - watch.started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const syncRss = watch.rss();
  const perObjectKiB = ((syncRss - emptyRss) * 1024) / (held - emptyObjects);
  log(`watch: synced ${held} objects in ${syncSeconds.toFixed(2)} s (first evaluation's ${watch.events} events printed by ${drained.toFixed(2)} s, incl. 0.5 s of quiet), RSS ${syncRss.toFixed(0)} MiB`);

  // (3) Change latency: PUT returns -> the watch's event line about that Deployment.
  const state = Array.from({ length: TOGGLED }, () => false);
  const change = async (index: number): Promise<number> => {
    state[index] = !state[index];
    const key = `Deployment/team-0/bench-toggle-${index}`;
    const seen = new Promise<number>((resolve) => watch.waiting.set(key, resolve));
    const response = await cluster.request('PUT', `/apis/apps/v1/namespaces/team-0/deployments/bench-toggle-${index}`, toggled(index, state[index]!));
    const returned = performance.now();
    if (response.status >= 300) throw new Error(`PUT bench-toggle-${index}: ${response.status} ${response.body.slice(0, 300)}`);
    const timeout = new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`no event for ${key} within 120 s`)), 120_000));
    const at = await Promise.race([seen, timeout]);
    return Math.max(0, at - returned);
  };
  /** Changes at `rate` per second, spread over the toggled Deployments in turn; resolves with their latencies. */
  const stream = async (count: number, each?: () => void): Promise<number[]> => {
    const latencies: Promise<number>[] = [];
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      // One change in flight per Deployment: the next toggle of it waits for its event.
      const index = i % TOGGLED;
      const previous = latencies[i - TOGGLED];
      latencies.push((previous ?? Promise.resolve(0)).then(() => change(index)));
      each?.();
    }
    return Promise.all(latencies);
  };
  const latencies = await stream(changes);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  log(`changes: ${changes} at ${rate}/s: PUT returned -> event line p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);

  // (4) Soak: RSS every 10 s under a steady stream of changes.
  const soak: Array<[number, number]> = [];
  let soakP99: number | undefined;
  if (soakSeconds > 0) {
    const soakStarted = performance.now();
    soak.push([0, watch.rss()]);
    const sampler = setInterval(() => soak.push([Math.round((performance.now() - soakStarted) / 1000), watch.rss()]), 10_000);
    const soakLatencies = await stream(Math.round(soakSeconds * rate));
    clearInterval(sampler);
    soak.push([Math.round((performance.now() - soakStarted) / 1000), watch.rss()]);
    soakP99 = percentile(soakLatencies, 99);
    log(`soak: ${soakLatencies.length} changes in ${soakSeconds} s, p99 ${soakP99.toFixed(1)} ms`);
  }
  const alive = watch.child.exitCode === null;
  await watch.stop();

  // (5) In-process: the watch use case over an incremental inventory of the same objects (no
  // store, no API server): one change = the inventory's upsert + the re-evaluation it plans.
  const now = new Date();
  const inventory = createIncrementalInventory();
  const source = { kind: 'cluster' as const, context: 'bench' };
  const upsert = (object: KubeObject, document: number): Resource | undefined => inventory.upsert({ ref: refOf(object as never, isClusterScoped), object: object as never, origin: { source, document } } as never);
  const all = [...namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) as KubeObject), ...items, ...Array.from({ length: TOGGLED }, (_, index) => toggled(index, false) as KubeObject)];
  all.forEach(upsert);
  const watcher = createWatcher({ inventory, plan: planScan({ config: {}, now }), scope: 'cluster:bench' });
  const startedEvaluation = performance.now();
  await watcher.start(now);
  const firstEvaluation = (performance.now() - startedEvaluation) / 1000;
  const inProcess: number[] = [];
  const inProcessEvaluate: number[] = [];
  const inProcessStarted = performance.now();
  // 2000 changes, or as many as fit in 20 s.
  for (let i = 0; i < 2000 && performance.now() - inProcessStarted < 20_000; i++) {
    const index = i % TOGGLED;
    const object = toggled(index, Math.floor(i / TOGGLED) % 2 === 0) as KubeObject;
    const t0 = performance.now();
    const before = upsert(object, all.length + i);
    const t1 = performance.now();
    // What the object was, as the informers tell the watch command.
    const events = watcher.evaluateChange({ type: 'modified', kind: 'Deployment', namespace: 'team-0', name: object.metadata.name }, now, before);
    const t2 = performance.now();
    if (!events.some((event) => event.finding.checkId === 'privileged-container')) throw new Error(`in-process change ${i}: no privileged-container event`);
    inProcess.push(t2 - t0);
    inProcessEvaluate.push(t2 - t1);
  }
  log(`in-process: first evaluation of ${all.length} objects ${firstEvaluation.toFixed(2)} s; ${inProcess.length} changes: upsert + re-evaluation p50 ${percentile(inProcess, 50).toFixed(2)} ms, p99 ${percentile(inProcess, 99).toFixed(2)} ms`);

  console.log(`\n${held} objects held (${held - emptyObjects} created by the bench), ${cpus().length} CPUs, load average now ${load()}\n`);
  console.log('| figure | measured | target |\n|---|---:|---:|');
  console.log(`| palisade scan --cluster -o json (read once + evaluate), wall | ${scanSeconds.toFixed(2)} s | baseline |`);
  console.log(`| palisade scan --cluster, peak RSS | ${scanRss.toFixed(0)} MiB | baseline |`);
  console.log(`| palisade watch: start to "synced" (list + first full evaluation) | ${syncSeconds.toFixed(2)} s (${(syncSeconds / scanSeconds).toFixed(2)}x scan) | |`);
  console.log(`| palisade watch: RSS after sync | ${syncRss.toFixed(0)} MiB | < 1024 MiB |`);
  console.log(`| palisade watch: RSS of an empty-cluster watch | ${emptyRss.toFixed(0)} MiB | |`);
  console.log(`| RSS per object held ((after sync - empty) / objects) | ${perObjectKiB.toFixed(2)} KiB | < 4 KiB (client-go ~16) |`);
  console.log(`| in-process: first full evaluation (watcher.start, ${all.length} objects) | ${firstEvaluation.toFixed(2)} s | |`);
  console.log(`| in-process change (upsert + re-evaluation), p50 / p99 | ${percentile(inProcess, 50).toFixed(2)} / ${percentile(inProcess, 99).toFixed(2)} ms | < 5 ms |`);
  console.log(`| in-process re-evaluation alone, p50 / p99 | ${percentile(inProcessEvaluate, 50).toFixed(2)} / ${percentile(inProcessEvaluate, 99).toFixed(2)} ms | |`);
  console.log(`| change: PUT returned -> event line, p50 (${changes} at ${rate}/s) | ${p50.toFixed(1)} ms | |`);
  console.log(`| change: PUT returned -> event line, p99 | ${p99.toFixed(1)} ms | < 100 ms |`);
  if (soakSeconds > 0) {
    const first = soak[0]![1];
    const peak = Math.max(...soak.map(([, rss]) => rss));
    const last = soak[soak.length - 1]![1];
    console.log(`| soak ${soakSeconds} s at ${rate}/s: RSS start / peak / end | ${first.toFixed(0)} / ${peak.toFixed(0)} / ${last.toFixed(0)} MiB | flat |`);
    console.log(`| soak: change p99 | ${soakP99!.toFixed(1)} ms | < 100 ms |`);
    console.log(`\nsoak RSS samples (s: MiB): ${soak.map(([at, rss]) => `${at}: ${rss.toFixed(0)}`).join(', ')}`);
  }
  if (!alive) console.log('\nthe watch exited during the run:\n' + watch.stderr);
} finally {
  for (const watch of watches) if (watch.child.exitCode === null) watch.child.kill('SIGKILL');
  await cluster.stop();
  rmSync(root, { recursive: true, force: true });
}
