/**
 * The watch use case in-process, no API server: N objects of the bench corpus (bench/corpus.ts)
 * in an incremental inventory, the first full evaluation, then single changes of several kinds
 * (a Deployment, a Pod-template-free kind, a NetworkPolicy, a RoleBinding, a Namespace label, a
 * ServiceAccount) timed as upsert + re-evaluation, against a fresh scan of the same objects
 * in the same run as the baseline. The end-to-end figures with a real API server are in
 * bench/watch.ts; this one is quick enough to profile (--cpu-prof).
 *
 * With --expose-gc it also tells the heap held per object after each stage (objects parsed,
 * inventory indexed, analyses built, the watcher's findings), to show where memory goes.
 *
 *   npm run build && node --expose-gc dist/bench/watch-change.js [--objects N] [--changes N]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import jsyaml from 'js-yaml';
import { generateCorpus } from './corpus.js';
import { planScan } from '../src/app/scan.js';
import { createWatcher } from '../src/app/watch.js';
import { compilePlan, evaluateResource, type Evaluation } from '../src/core/engine/run.js';
import { createIncrementalInventory } from '../src/core/inventory/inventory.js';
import { isClusterScoped } from '../src/core/kinds/scope.js';
import { refOf } from '../src/core/model/resource.js';
import { createPlanner } from '../src/core/watch/plan.js';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '50000' },
    changes: { type: 'string', default: '200' },
  },
});
const objects = Number(values.objects);
const changes = Number(values.changes);

type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: unknown };

const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};
const root = mkdtempSync(path.join(tmpdir(), 'palisade-watch-change-'));
generateCorpus(root, objects);
const heapStages: Array<[string, number]> = [['start', heap()]];
const items: KubeObject[] = [];
for (const file of readdirSync(root).sort()) for (const document of jsyaml.loadAll(readFileSync(path.join(root, file), 'utf8')) as KubeObject[]) if (document) items.push(document);
rmSync(root, { recursive: true, force: true });
const namespaces = [...new Set(items.map((item) => item.metadata.namespace).filter((ns): ns is string => ns !== undefined))];

const now = new Date();
const inventory = createIncrementalInventory();
const source = { kind: 'cluster' as const, context: 'bench' };
let document = 0;
const upsert = (object: KubeObject) => inventory.upsert({ ref: refOf(object as never, isClusterScoped), object: object as never, origin: { source, document: document++ } } as never);
for (const name of namespaces) upsert({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { team: name } } });
heapStages.push(['objects parsed', heap()]);
items.forEach(upsert);
heapStages.push(['inventory indexed', heap()]);
const plan = planScan({ config: {}, now });

// Baseline: a fresh evaluation of every object (what a scan does after reading).
const fresh = () => {
  const out: Evaluation = { findings: [], suppressed: [], errors: [] };
  const compiled = compilePlan(plan);
  for (const resource of inventory.resources) evaluateResource(resource, inventory, compiled, out);
  return out.findings.length;
};
let started = performance.now();
const freshFindings = fresh();
const freshMs = performance.now() - started;
heapStages.push(['analyses and workload views built (a fresh evaluation, its findings dropped)', heap()]);

const checkOptions = new Map(plan.checks.map((planned) => [planned.check.id, planned.options as Readonly<Record<string, unknown>>]));
const planner = createPlanner(plan.checks.map((planned) => planned.check), (id) => checkOptions.get(id));
const watcher = createWatcher({ inventory, plan, scope: 'cluster:bench' });
started = performance.now();
await watcher.start(now);
const startMs = performance.now() - started;
heapStages.push(["the watcher's findings held", heap()]);

const percentile = (list: number[], p: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/** A change of each kind: returns the object after the change, alternating between two states. */
const pick = (kind: string) => items.filter((item) => item.kind === kind).slice(0, 50);
/** A change: the object after it, or with `deleted` the object removed. */
const scenarios: { name: string; setup?: () => void; before?: (i: number) => void; change: (i: number) => KubeObject; deleted?: (i: number) => boolean }[] = [];
const addScenario = (kind: string, mutate: (object: KubeObject, on: boolean) => void) => {
  const pool = pick(kind);
  if (pool.length === 0) return;
  scenarios.push({
    name: kind,
    change: (i) => {
      // The object as the inventory holds it now (earlier scenarios changed it too).
      const original = pool[i % pool.length]!;
      const object = structuredClone(inventory.find(original.kind, original.metadata.namespace, original.metadata.name)!.object) as KubeObject;
      mutate(object, Math.floor(i / pool.length) % 2 === 0);
      return object;
    },
  });
};
const label = (object: KubeObject, on: boolean) => {
  object.metadata.labels = { ...object.metadata.labels, 'bench/toggle': on ? 'a' : 'b' };
};
type Spec = { replicas?: number; template?: { spec?: { containers?: Array<{ image?: string }> } } };
const specOf = (object: KubeObject) => object.spec as Spec;
addScenario('Deployment', (object, on) => {
  const container = specOf(object).template!.spec!.containers![0]!;
  container.image = `${container.image}-${on ? 'next' : 'prev'}`;
});
scenarios[scenarios.length - 1]!.name = 'Deployment: image';
addScenario('Deployment', (object, on) => {
  specOf(object).replicas = on ? 5 : 3;
});
scenarios[scenarios.length - 1]!.name = 'Deployment: scale';
addScenario('Deployment', (object, on) => {
  object.status = { observedGeneration: on ? 2 : 3, readyReplicas: on ? 1 : 2 };
});
scenarios[scenarios.length - 1]!.name = 'Deployment: status';
addScenario('Deployment', (object, on) => {
  const container = specOf(object).template!.spec!.containers![0]! as Record<string, unknown>;
  container.securityContext = { privileged: on };
});
scenarios[scenarios.length - 1]!.name = 'Deployment: privileged';
for (const kind of ['Deployment', 'Service', 'NetworkPolicy', 'RoleBinding', 'ClusterRoleBinding', 'ServiceAccount', 'ConfigMap', 'Secret']) addScenario(kind, label);
scenarios.push({
  name: 'Namespace',
  change: (i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespaces[i % namespaces.length]!, labels: { team: 'x', 'bench/toggle': String(i % 2) } } }),
});

// Pod churn: a pod of a Deployment's ReplicaSet created, then deleted, as a scale or a
// rescheduling does. The bench corpus has no ReplicaSets (an API server without controllers
// makes none): the scenario's setup adds one per Deployment it uses, as the Deployment
// controller would, and evaluates them, untimed.
const deployments = pick('Deployment');
const HASH = '6d4cf56db6';
const templateOf = (deployment: KubeObject) => (specOf(deployment) as { template: { metadata?: { labels?: Record<string, string> }; spec: unknown } }).template;
scenarios.push({
  name: 'Pod of a ReplicaSet: created / deleted',
  setup: () => {
    for (const deployment of deployments) {
      const template = templateOf(deployment);
      const labels = { ...template.metadata?.labels, 'pod-template-hash': HASH };
      const replicaSet = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: `${deployment.metadata.name}-${HASH}`, namespace: deployment.metadata.namespace!, labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name, uid: 'd', controller: true }] },
        spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: structuredClone(template.spec) } },
      } as KubeObject;
      const before = upsert(replicaSet);
      watcher.evaluateChange({ type: before ? 'modified' : 'added', kind: 'ReplicaSet', namespace: replicaSet.metadata.namespace!, name: replicaSet.metadata.name }, now, before);
    }
  },
  change: (i) => {
    const deployment = deployments[Math.floor(i / 2) % deployments.length]!;
    const template = templateOf(deployment);
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${deployment.metadata.name}-${HASH}-x${i >> 1}`, namespace: deployment.metadata.namespace!, labels: { ...template.metadata?.labels, 'pod-template-hash': HASH }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${deployment.metadata.name}-${HASH}`, uid: 'u', controller: true }] },
      spec: structuredClone(template.spec),
    } as KubeObject;
  },
  deleted: (i) => i % 2 === 1,
});

// The price left after pod churn: a Pod created (untimed) drops the network and RBAC models,
// and the next change that needs them (a Deployment's `privileged`, timed) rebuilds them.
{
  const podScenario = scenarios.find((scenario) => scenario.name.startsWith('Pod of a ReplicaSet'))!;
  const privileged = scenarios.find((scenario) => scenario.name === 'Deployment: privileged')!;
  scenarios.push({
    name: 'Deployment: privileged, each after a Pod created (models rebuilt)',
    before: (i) => {
      const pod = podScenario.change(2 * i + 10_000);
      const before = upsert(pod);
      watcher.evaluateChange({ type: before ? 'modified' : 'added', kind: 'Pod', namespace: pod.metadata.namespace!, name: pod.metadata.name }, now, before);
    },
    change: privileged.change,
  });
}

if (gc) {
  console.log('| heap stage | heap used | added per object |\n|---|---:|---:|');
  for (let index = 1; index < heapStages.length; index++) {
    const [name, used] = heapStages[index]!;
    console.log(`| ${name} | ${(used / 2 ** 20).toFixed(0)} MiB | ${((used - heapStages[index - 1]![1]) / 1024 / inventory.resources.length).toFixed(2)} KiB |`);
  }
}
console.log(`${inventory.resources.length} objects; fresh evaluation ${freshMs.toFixed(0)} ms (${freshFindings} findings); watcher.start ${startMs.toFixed(0)} ms`);
console.log('| change | p50 ms | p99 ms | max ms | objects re-evaluated (p50) |\n|---|---:|---:|---:|---:|');
for (const scenario of scenarios) {
  const times: number[] = [];
  const planned: number[] = [];
  scenario.setup?.();
  for (let i = 0; i < changes; i++) {
    scenario.before?.(i);
    const object = scenario.change(i);
    const t0 = performance.now();
    const deleted = scenario.deleted?.(i) === true;
    const before = deleted ? inventory.delete({ kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name }) : upsert(object);
    watcher.evaluateChange({ type: deleted ? 'deleted' : before ? 'modified' : 'added', kind: object.kind, ...(object.metadata.namespace !== undefined ? { namespace: object.metadata.namespace } : {}), name: object.metadata.name }, now, before);
    times.push(performance.now() - t0);
    if (i === 0 && process.env.DEBUG_PLAN) {
      const counts = new Map<string, number>();
      for (const item of planner.plan({ type: 'modified', kind: object.kind, ...(object.metadata.namespace !== undefined ? { namespace: object.metadata.namespace } : {}), name: object.metadata.name } as never, inventory, before).objects) for (const id of item.checks ?? ['*']) counts.set(id, (counts.get(id) ?? 0) + 1);
      console.error(scenario.name, [...counts].map(([id, n]) => `${id}=${n}`).join(' '));
    }
    if (i < 20) planned.push(planner.plan({ type: 'modified', kind: object.kind, ...(object.metadata.namespace !== undefined ? { namespace: object.metadata.namespace } : {}), name: object.metadata.name } as never, inventory, before).objects.length);
  }
  console.log(`| ${scenario.name} | ${percentile(times, 50).toFixed(2)} | ${percentile(times, 99).toFixed(2)} | ${Math.max(...times).toFixed(2)} | ${percentile(planned, 50)} |`);
}
