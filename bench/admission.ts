/**
 * The admission webhook under load: concurrent AdmissionReviews of realistic Pods and
 * Deployments over TLS (keep-alive), sent from a second process on loopback, against
 * `palisade admission serve`'s server (every default check, a 5,000-object inventory) and
 * against a no-op webhook measured in the same run (the same TLS and JSON parse, a fixed
 * answer): the ceiling the machine allows.
 *
 *   npm run build && node dist/bench/admission.js [--seconds 10] [--connections 32] [--rate 1000] [--soak 0]
 *
 * Reports reviews per second at full load, latency percentiles at a fixed rate (--rate), and
 * with --soak N the RSS of the webhook process's heap every 10 s over N seconds. With
 * --cpu-prof FILE, CPU profiles of the webhook's process during its full-load run only, and of the
 * no-op webhook's in FILE.noop.cpuprofile (open them in Chrome DevTools or VS Code).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startAdmissionServer } from '../src/adapters/admission/server.js';
import { admit, createAdmissionController, parseAdmissionPolicy } from '../src/app/admission.js';
import { planScan } from '../src/app/scan.js';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { createIncrementalInventory } from '../src/core/inventory/inventory.js';
import { isClusterScoped } from '../src/core/kinds/scope.js';
import { refOf, type KubeObject } from '../src/core/model/resource.js';
import { certificateAuthority } from '../test/support/cluster.js';

const HERE = fileURLToPath(import.meta.url);

/** A review of a Deployment or Pod, compliant or not, as the API server sends it. */
export function review(index: number): string {
  const hardened = index % 2 === 0;
  const pod = {
    serviceAccountName: 'app',
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'app',
        image: `registry.example.com/team/app-${index % 50}:1.${index % 7}.0@sha256:${'a'.repeat(64)}`,
        ports: [{ containerPort: 8080 }],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
        readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
        securityContext: hardened
          ? { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }
          : { privileged: true, capabilities: { add: ['SYS_ADMIN'] } },
      },
    ],
    ...(hardened ? {} : { hostNetwork: true }),
  };
  const namespace = `team-${index % 20}`;
  const labels = { app: `app-${index % 50}`, 'app.kubernetes.io/name': `app-${index % 50}`, 'app.kubernetes.io/part-of': 'shop' };
  const object =
    index % 3 === 0
      ? { apiVersion: 'v1', kind: 'Pod', metadata: { name: `app-${index}`, namespace, labels }, spec: pod }
      : { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `app-${index}`, namespace, labels }, spec: { replicas: 2, selector: { matchLabels: { app: labels.app } }, template: { metadata: { labels }, spec: pod } } };
  const resource = object.kind === 'Pod' ? { group: '', version: 'v1', resource: 'pods' } : { group: 'apps', version: 'v1', resource: 'deployments' };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`,
      kind: { group: resource.group, version: 'v1', kind: object.kind },
      resource,
      requestKind: { group: resource.group, version: 'v1', kind: object.kind },
      requestResource: resource,
      name: object.metadata.name,
      namespace,
      operation: 'CREATE',
      userInfo: { username: 'alice', groups: ['devs', 'system:authenticated'] },
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  });
}

/** An inventory the size of a busy namespace set: Namespaces, ServiceAccounts, RBAC, NetworkPolicies, Services, workloads. */
export function inventoryObjects(count: number): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let index = 0; objects.length < count; index++) {
    const namespace = `team-${index % 20}`;
    if (index < 20) objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'admission.palisade.dev/mode': index % 2 ? 'warn' : 'enforce' } } });
    objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `sa-${index}`, namespace } });
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${index}`, namespace }, spec: { selector: { app: `app-${index % 50}` }, ports: [{ port: 80 }] } });
    objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `np-${index}`, namespace }, spec: { podSelector: { matchLabels: { app: `app-${index % 50}` } }, ingress: [{ from: [{ podSelector: {} }] }] } });
    objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `rb-${index}`, namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: `sa-${index}`, namespace }] });
  }
  return objects;
}

interface LoadResult {
  reviews: number;
  seconds: number;
  errors: number;
  latenciesMs: number[];
  /** CPU time of the webhook's process (this one) during the run, per review answered: robust to other load on the machine. */
  cpuUsPerReview?: number;
  /** The same in the leanest 0.5 s window (at least 50 reviews): less of other processes' load, steal and GC pauses counted in. */
  cpuUsPerReviewBest?: number;
}

/** The load generator, in a child process: keep-alive TLS connections, each sending reviews back to back (or at a fixed total rate). */
async function generateLoad(): Promise<void> {
  const { request, Agent } = await import('node:https');
  const { port, seconds, connections, rate } = JSON.parse(process.argv[3]!) as { port: number; seconds: number; connections: number; rate: number };
  const bodies = Array.from({ length: 200 }, (_, index) => review(index));
  const agent = new Agent({ keepAlive: true, maxSockets: connections, rejectUnauthorized: false });
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const end = Date.now() + seconds * 1000;
  const send = () =>
    new Promise<void>((resolve) => {
      const body = bodies[sent++ % bodies.length]!;
      const started = process.hrtime.bigint();
      const req = request({ host: '127.0.0.1', port, path: '/validate', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) errors++;
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const started = Date.now();
  if (rate > 0) {
    // Open-loop at a fixed rate: a review every 1/rate s whatever the answers' pace.
    const pending: Promise<void>[] = [];
    const interval = 1000 / rate;
    let next = Date.now();
    while (Date.now() < end) {
      pending.push(send());
      next += interval;
      const wait = next - Date.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    await Promise.all(pending);
  } else {
    await Promise.all(Array.from({ length: connections }, async () => {
      while (Date.now() < end) await send();
    }));
  }
  const result: LoadResult = { reviews: latencies.length, seconds: (Date.now() - started) / 1000, errors, latenciesMs: latencies };
  process.send!(result);
  agent.destroy();
}

/** Profiles this process (the webhook's) until the returned function is called; gives the .cpuprofile JSON. */
async function startProfile(): Promise<() => Promise<string>> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    return JSON.stringify(profile);
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function load(port: number, options: { seconds: number; connections: number; rate: number }, answered: () => Promise<number>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(HERE, ['--load', JSON.stringify({ port, ...options })], { stdio: 'inherit', execArgv: [] });
    const cpu = process.cpuUsage();
    let best = Infinity;
    let window = { cpu: process.cpuUsage(), count: -1 };
    void answered().then((count) => (window.count = count));
    const sampler = setInterval(() => {
      const used = process.cpuUsage(window.cpu);
      const at = process.cpuUsage();
      void answered().then((count) => {
        if (window.count >= 0 && count - window.count >= 50) best = Math.min(best, (used.user + used.system) / (count - window.count));
        window = { cpu: at, count };
      });
    }, 500);
    child.once('message', (message) => {
      clearInterval(sampler);
      const used = process.cpuUsage(cpu);
      const result = message as LoadResult;
      resolve({ ...result, cpuUsPerReview: (used.user + used.system) / Math.max(1, result.reviews), cpuUsPerReviewBest: best });
    });
    child.once('error', reject);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '32' }, rate: { type: 'string', default: '1000' }, soak: { type: 'string', default: '0' }, objects: { type: 'string', default: '5000' }, 'cpu-prof': { type: 'string' } } });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const dir = mkdtempSync(path.join(tmpdir(), 'palisade-bench-admission-'));
  const authority = await certificateAuthority();
  const serving = await authority.issue('CN=palisade-webhook', 'server', [{ type: 'ip', value: '127.0.0.1' }]);
  writeFileSync(path.join(dir, 'tls.crt'), serving.cert);
  writeFileSync(path.join(dir, 'tls.key'), serving.key, { mode: 0o600 });

  // The no-op webhook: the same TLS, the same JSON parse, a fixed answer.
  let noopAnswered = 0;
  const noop = createServer({ cert: serving.cert, key: serving.key, minVersion: 'TLSv1.2' }, (req, res) => {
    noopAnswered++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const uid = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: { uid: string } }).request.uid;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } }));
    });
  });
  await new Promise<void>((resolve) => noop.listen(0, '127.0.0.1', resolve));
  const noopPort = (noop.address() as { port: number }).port;

  const config = { admission: { mode: 'enforce' } };
  const plan = planScan({ config, now: new Date() });
  const { policy } = parseAdmissionPolicy(config, new Set(ALL_CHECKS.map((check) => check.id)));
  const inventory = createIncrementalInventory();
  for (const [index, object] of inventoryObjects(Number(values.objects)).entries()) inventory.upsert({ ref: refOf(object, isClusterScoped), object, origin: { source: { kind: 'cluster', context: 'bench' }, document: index } });
  const server = await startAdmissionServer({
    controller: createAdmissionController(plan, policy),
    inventory,
    ready: () => true,
    certFile: path.join(dir, 'tls.crt'),
    keyFile: path.join(dir, 'tls.key'),
    port: 0,
    host: '127.0.0.1',
    // As `admission serve` logs (asynchronous stdout), to /dev/null: the write calls are counted.
    logger: pino({}, pino.destination({ dest: '/dev/null', sync: false })),
  });

  console.log(`inventory: ${inventory.resources.length} objects; ${plan.checks.length} checks; ${connections} keep-alive connections; ${seconds} s per run`);
  // The decision alone, in this process: what a review costs before HTTP, TLS and logging.
  const controller = createAdmissionController(plan, policy);
  const parsed = Array.from({ length: 200 }, (_, index) => JSON.parse(review(index)) as unknown);
  for (let round = 0; round < 3; round++) for (const body of parsed) admit(body, inventory, controller, new Date());
  const decisions = 4000;
  const started = process.hrtime.bigint();
  for (let index = 0; index < decisions; index++) admit(parsed[index % parsed.length], inventory, controller, new Date());
  console.log(`admit() in process: ${(Number(process.hrtime.bigint() - started) / 1e6 / decisions).toFixed(3)} ms per review`);
  // Reviews answered so far, for the CPU per review of each 0.5 s window.
  const noopCount = () => Promise.resolve(noopAnswered);
  const answeredMetric = server.registry.getSingleMetric('palisade_admission_review_duration_seconds')!;
  const serverCount = async () => (await answeredMetric.get()).values.filter((value) => (value as { metricName?: string }).metricName?.endsWith('_count')).reduce((sum, value) => sum + value.value, 0);
  // Warm both up (JIT, TLS sessions), then alternate so drift in the machine's load hits both alike.
  await load(noopPort, { seconds: 2, connections, rate: 0 }, noopCount);
  await load(server.port, { seconds: 2, connections, rate: 0 }, serverCount);
  const noopProfile = values['cpu-prof'] ? await startProfile() : undefined;
  const noopFull = await load(noopPort, { seconds, connections, rate: 0 }, noopCount);
  if (noopProfile && values['cpu-prof']) writeFileSync(values['cpu-prof'].replace(/(\.cpuprofile)?$/, '.noop.cpuprofile'), await noopProfile());
  const profile = values['cpu-prof'] ? await startProfile() : undefined;
  const full = await load(server.port, { seconds, connections, rate: 0 }, serverCount);
  if (profile && values['cpu-prof']) writeFileSync(values['cpu-prof'], await profile());
  const rate = Number(values.rate);
  const fixed = await load(server.port, { seconds, connections, rate }, serverCount);
  const noopFixed = await load(noopPort, { seconds, connections, rate }, noopCount);
  const row = (name: string, result: LoadResult) => {
    const sorted = [...result.latenciesMs].sort((a, b) => a - b);
    return `| ${name} | ${Math.round(result.reviews / result.seconds)} | ${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} | ${percentile(sorted, 100).toFixed(2)} | ${Math.round(result.cpuUsPerReview ?? NaN)} | ${Math.round(result.cpuUsPerReviewBest ?? NaN)} | ${result.errors} |`;
  };
  console.log('\n| run | reviews/s | p50 ms | p99 ms | max ms | server CPU µs/review | best 0.5 s window | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|');
  console.log(row('no-op webhook, full load', noopFull));
  console.log(row('palisade, full load', full));
  console.log(row(`no-op webhook, ${rate}/s`, noopFixed));
  console.log(row(`palisade, ${rate}/s`, fixed));
  console.log(`\npalisade / no-op throughput: ${((full.reviews / full.seconds) / (noopFull.reviews / noopFull.seconds)).toFixed(2)}`);
  console.log(`no-op / palisade server CPU per review, full load: ${((noopFull.cpuUsPerReview ?? NaN) / (full.cpuUsPerReview ?? NaN)).toFixed(2)} (best windows: ${((noopFull.cpuUsPerReviewBest ?? NaN) / (full.cpuUsPerReviewBest ?? NaN)).toFixed(2)})`);

  const soak = Number(values.soak);
  if (soak > 0) {
    // The webhook runs in this process: its heap and RSS every 10 s under steady load.
    const samples: string[] = [];
    const timer = setInterval(() => {
      global.gc?.();
      const memory = process.memoryUsage();
      samples.push(`${(memory.rss / 2 ** 20).toFixed(0)}/${(memory.heapUsed / 2 ** 20).toFixed(0)}`);
      // As it goes, so a run cut short still shows its memory.
      console.log(`soak sample ${samples.length}: RSS/heap MiB ${samples.at(-1)}`);
    }, 10_000);
    const soaked = await load(server.port, { seconds: soak, connections, rate }, serverCount);
    clearInterval(timer);
    console.log(`\nsoak ${soak} s at ${rate}/s: ${soaked.reviews} reviews, ${soaked.errors} errors; RSS/heap MiB every 10 s: ${samples.join(' ')}`);
  }
  await server.close(1000);
  noop.close();
}

if (process.argv[2] === '--load') await generateLoad();
else if (process.argv[2] !== '--no-run') await main();
