/**
 * Network policy analysis at the size of large clusters: 10,000 pods in 1,000
 * namespaces with 14,000 NetworkPolicies. Measures the model build, the full
 * workload-level matrix (also with the policies removed: everything open) and
 * `explain`, with peak RSS, against baselines
 * measured in the same run: the inventory build of the same objects, and the
 * pod-by-pod evaluation (test/support/netpol-oracle.ts) on a sample of pairs,
 * extrapolated to the pod matrix the class model avoids.
 *
 *   npm run build && node dist/bench/netpol.js [--namespaces 1000]
 */
import { parseArgs } from 'node:util';
import { buildInventory } from '../src/core/inventory/inventory.js';
import type { KubeObject, Resource } from '../src/core/model/resource.js';
import { analyzeNetwork } from '../src/core/network/analysis.js';
import { buildNetworkModel } from '../src/core/network/model.js';
import { workloadMatrix } from '../src/core/network/workloads.js';
import { oracleAllows, type OracleCluster, type OraclePod } from '../test/support/netpol-oracle.js';

const { values } = parseArgs({ options: { namespaces: { type: 'string', default: '1000' } } });
const NAMESPACES = Number(values.namespaces);
const REPLICAS = [3, 3, 2, 2];

function resource(object: KubeObject): Resource {
  const metadata = object.metadata as { name: string; namespace?: string };
  return { ref: { apiVersion: String(object.apiVersion), kind: String(object.kind), name: metadata.name, ...(metadata.namespace ? { namespace: metadata.namespace } : {}) }, object, origin: { source: { kind: 'file', path: 'bench' }, document: 0 } };
}

function netpol(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

/** A cluster as read from the API: Namespaces, controller-owned Pods (no templates), 14 policies per namespace. */
function generate(): { objects: KubeObject[]; pods: number; policies: number } {
  const objects: KubeObject[] = [];
  let pods = 0;
  let policies = 0;
  const names = Array.from({ length: NAMESPACES }, (_, index) => (index === 0 ? 'kube-system' : index === 1 ? 'monitoring' : index === 2 ? 'ingress-nginx' : `app-${index}`));
  for (const [index, namespace] of names.entries()) {
    const team = `team-${index % 100}`;
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'kubernetes.io/metadata.name': namespace, team } } });
    REPLICAS.forEach((replicas, workload) => {
      const app = namespace === 'kube-system' && workload === 0 ? 'kube-dns' : namespace === 'monitoring' && workload === 0 ? 'prometheus' : `w${workload}`;
      const hash = `h${index}x${workload}`;
      for (let replica = 0; replica < replicas; replica++) {
        pods++;
        objects.push({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `${app}-${hash}-${replica}`,
            namespace,
            labels: { app, 'k8s-app': app, 'pod-template-hash': hash, tier: workload < 2 ? 'front' : 'back' },
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${hash}`, uid: `u${index}-${workload}`, controller: true }],
          },
          spec: { containers: [{ name: 'c', image: `registry.example/${app}:1`, ports: [{ name: 'http', containerPort: 8080 + workload }, { name: 'metrics', containerPort: 9090 }] }] },
        });
      }
    });
    const add = (name: string, spec: Record<string, unknown>) => {
      policies++;
      objects.push(netpol(namespace, name, spec));
    };
    add('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
    add('default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
    add('allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }] });
    for (let workload = 0; workload < 4; workload++) {
      add(`w${workload}-ingress`, { podSelector: { matchLabels: { app: `w${workload}` } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: `w${(workload + 3) % 4}` } } }], ports: [{ port: 'http' }] }] });
      add(`w${workload}-egress`, { podSelector: { matchLabels: { app: `w${workload}` } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: `w${(workload + 1) % 4}` } } }], ports: [{ port: 'http' }] }] });
    }
    add('allow-monitoring', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }], ports: [{ port: 'metrics' }] }] });
    add('allow-ingress-controller', { podSelector: { matchLabels: { tier: 'front' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 8080, endPort: 8081 }] }] });
    add('team-egress', { podSelector: { matchLabels: { app: 'w3' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { team } }, podSelector: { matchLabels: { app: 'w0' } } }], ports: [{ port: 8080 }] }, { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32', '10.0.0.0/8'] } }], ports: [{ port: 443 }] }] });
  }
  // Monitoring scrapes everything; Prometheus pods (kube-system's and monitoring's w0) need egress to every namespace.
  objects.push(netpol('monitoring', 'prometheus-egress', { podSelector: { matchLabels: { app: 'prometheus' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 'metrics' }] }] }));
  policies++;
  return { objects, pods, policies };
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const fmt = (value: number, digits = 3) => value.toFixed(digits);

const { objects, pods, policies } = generate();
const resources = objects.map(resource);
console.log(`cluster: ${NAMESPACES} namespaces, ${pods} pods, ${policies} NetworkPolicies (${resources.length} objects)`);

let start = process.hrtime.bigint();
buildInventory(resources);
const inventorySeconds = seconds(start);

start = process.hrtime.bigint();
const model = buildNetworkModel(resources);
const analysis = analyzeNetwork(model);
const buildSeconds = seconds(start);

start = process.hrtime.bigint();
const matrix = workloadMatrix(analysis);
const matrixSeconds = seconds(start);

// explain: the first on a fresh analysis (lazy indexes built on the way), then warm ones.
const fresh = analyzeNetwork(model);
const classes = model.classes;
const pick = (seed: number) => classes[(seed * 7919) % classes.length]!.id;
start = process.hrtime.bigint();
fresh.decide({ type: 'class', id: pick(1) }, { type: 'class', id: pick(2) }, 8080, 'TCP');
const firstExplainMs = seconds(start) * 1000;
const explains = 1000;
start = process.hrtime.bigint();
let allowed = 0;
for (let index = 0; index < explains; index++) if (analysis.decide({ type: 'class', id: pick(index * 3 + 5) }, { type: 'class', id: pick(index * 5 + 11) }, 8080, 'TCP').allowed) allowed++;
const explainMs = (seconds(start) * 1000) / explains;

// Baseline: the pod-by-pod evaluator on a sample of pairs, extrapolated to the full pod matrix.
const cluster: OracleCluster = { namespaces: {}, policies: [] };
const oraclePods: OraclePod[] = [];
for (const object of objects) {
  const metadata = object.metadata as { name: string; namespace: string; labels: Record<string, string> };
  if (object.kind === 'Namespace') cluster.namespaces[metadata.name] = metadata.labels;
  else if (object.kind === 'NetworkPolicy') cluster.policies.push(object);
  else oraclePods.push({ namespace: metadata.namespace, labels: metadata.labels, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] });
}
const samples = 200;
start = process.hrtime.bigint();
for (let index = 0; index < samples; index++) oracleAllows(cluster, oraclePods[(index * 7919) % oraclePods.length]!, oraclePods[(index * 104729) % oraclePods.length]!, 8080, 'TCP');
const perPairSeconds = seconds(start) / samples;
const podMatrixSeconds = perPairSeconds * oraclePods.length * oraclePods.length;

// The same pods with no policy at all: every pair connects; the matrix collapses open rows (`*`).
const open = analyzeNetwork(buildNetworkModel(resources.filter((item) => item.ref.kind !== 'NetworkPolicy')));
start = process.hrtime.bigint();
const openMatrix = workloadMatrix(open);
const openSeconds = seconds(start);

const rssMiB = process.resourceUsage().maxRSS / 1024;
console.log(`classes: ${classes.length} (from ${pods} pods), workloads: ${model.workloads.size}`);
console.log(`baseline inventory build:   ${fmt(inventorySeconds)} s`);
console.log(`network model build:        ${fmt(buildSeconds)} s  (${fmt(buildSeconds / inventorySeconds, 1)}x the inventory build)`);
console.log(`full workload matrix:       ${fmt(matrixSeconds)} s  (${matrix.length} allowed connections; target < 5 s)`);
console.log(`matrix without policies:   ${fmt(openSeconds)} s  (${openMatrix.length} rows, ${open.model.workloads.size * open.model.workloads.size} pairs allowed)`);
console.log(`explain, first (cold):      ${fmt(firstExplainMs)} ms`);
console.log(`explain, mean of ${explains}:     ${fmt(explainMs, 4)} ms  (${allowed} allowed; target < 50 ms)`);
console.log(`baseline pod-by-pod:        ${fmt(perPairSeconds * 1000, 3)} ms per pair, ${fmt(podMatrixSeconds / 3600, 1)} h for the ${oraclePods.length}x${oraclePods.length} pod matrix (one port)`);
console.log(`speed-up of the class matrix over the pod-by-pod matrix: ${fmt(podMatrixSeconds / matrixSeconds, 0)}x`);
console.log(`speed-up of explain over one pod-by-pod pair: ${fmt((perPairSeconds * 1000) / explainMs, 0)}x`);
console.log(`peak RSS: ${fmt(rssMiB, 0)} MiB (target < 2048)`);
