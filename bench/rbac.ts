/**
 * The RBAC model on a generated cluster the size of a large real one (about 5,000
 * RoleBindings, 700 ClusterRoleBindings, 1,400 Roles, 700 ClusterRoles with aggregated
 * ones, 10,000 service accounts, 2,000 Deployments): model build, who-can latency, the
 * escalation search and the full RBAC and service-account risk analysis of `palisade
 * scan`, with peak RSS; ratios against a baseline measured in the same run (parsing the
 * YAML and indexing the objects, what every command pays before any analysis).
 *
 *   npm run build && node dist/bench/rbac.js [--namespaces 500] [--queries 1000]
 */
import { parseArgs } from 'node:util';
import jsyaml from 'js-yaml';
import { loadText } from '../src/adapters/manifests/documents.js';
import { planScan, scanResources } from '../src/app/scan.js';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { buildInventory } from '../src/core/inventory/inventory.js';
import { findEscalations } from '../src/core/rbac/escalation.js';
import { buildRbacModel, type NamespacedRequest } from '../src/core/rbac/model.js';
import { identityOf } from '../src/core/rbac/subjects.js';

const { values } = parseArgs({ options: { namespaces: { type: 'string', default: '500' }, queries: { type: 'string', default: '1000' }, seed: { type: 'string', default: '7' } } });
const NAMESPACES = Number(values.namespaces);
const QUERIES = Number(values.queries);

let state = Number(values.seed) >>> 0;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const some = <T>(items: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(items)))];

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const RESOURCES: Array<[string, string]> = [
  ['', 'pods'], ['', 'pods/log'], ['', 'pods/exec'], ['', 'services'], ['', 'configmaps'], ['', 'secrets'], ['', 'serviceaccounts'], ['', 'events'], ['', 'endpoints'], ['', 'persistentvolumeclaims'],
  ['apps', 'deployments'], ['apps', 'statefulsets'], ['apps', 'daemonsets'], ['apps', 'deployments/scale'], ['batch', 'jobs'], ['batch', 'cronjobs'],
  ['networking.k8s.io', 'ingresses'], ['networking.k8s.io', 'networkpolicies'], ['rbac.authorization.k8s.io', 'rolebindings'], ['monitoring.example.com', 'widgets'],
];
const USERS = Array.from({ length: 300 }, (_, index) => `user-${index}@example.com`);
const GROUPS = Array.from({ length: 60 }, (_, index) => `team-${index}`);

function rule(): Record<string, unknown> {
  const picked = some(RESOURCES, 4);
  const groups = [...new Set(picked.map(([group]) => group))];
  return { apiGroups: groups, resources: picked.map(([, resource]) => resource), verbs: random() < 0.03 ? ['*'] : some(VERBS, 4), ...(random() < 0.1 ? { resourceNames: [`obj-${Math.floor(random() * 10)}`] } : {}) };
}

function generate(): string {
  const docs: unknown[] = [];
  const namespaces = Array.from({ length: NAMESPACES }, (_, index) => `ns-${index}`);
  const accounts = (namespace: string) => Array.from({ length: 20 }, (_, index) => `sa-${index}`).map((name) => ({ namespace, name }));
  const clusterRoles: string[] = ['cluster-admin'];
  docs.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'cluster-admin' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }] });
  for (let index = 0; index < 679; index++) {
    const name = `cr-${index}`;
    clusterRoles.push(name);
    docs.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels: { [`bench/agg-${index % 20}`]: 'true' } }, rules: Array.from({ length: 2 + Math.floor(random() * 5) }, rule) });
  }
  for (let index = 0; index < 20; index++) {
    const name = `agg-${index}`;
    clusterRoles.push(name);
    docs.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels: { [`bench/agg-${(index + 1) % 20}`]: 'true' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`bench/agg-${index}`]: 'true' } }] } });
  }
  let roles = 0;
  let roleBindings = 0;
  for (const [nsIndex, namespace] of namespaces.entries()) {
    docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const local = accounts(namespace);
    for (const account of local) docs.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: account });
    docs.push({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: 'sa-0-token', namespace, annotations: { 'kubernetes.io/service-account.name': 'sa-0' } } });
    const roleNames: string[] = [];
    const roleCount = Math.round(((nsIndex + 1) * 1400) / NAMESPACES) - roles;
    for (let index = 0; index < roleCount; index++, roles++) {
      roleNames.push(`role-${index}`);
      docs.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: `role-${index}`, namespace }, rules: Array.from({ length: 1 + Math.floor(random() * 4) }, rule) });
    }
    const bindingCount = Math.round(((nsIndex + 1) * 5000) / NAMESPACES) - roleBindings;
    for (let index = 0; index < bindingCount; index++, roleBindings++) {
      const toRole = roleNames.length > 0 && random() < 0.6;
      docs.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: `rb-${index}`, namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: toRole ? 'Role' : 'ClusterRole', name: toRole ? pick(roleNames) : pick(clusterRoles.slice(1)) },
        subjects: Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
          const roll = random();
          if (roll < 0.6) return { kind: 'ServiceAccount', name: pick(local).name, namespace };
          if (roll < 0.85) return { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: pick(USERS) };
          return { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: pick(GROUPS) };
        }),
      });
    }
    for (let index = 0; index < Math.round(2000 / NAMESPACES); index++) {
      docs.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `app-${index}`, namespace },
        spec: { selector: { matchLabels: { app: `app-${index}` } }, template: { metadata: { labels: { app: `app-${index}` } }, spec: { serviceAccountName: pick(local).name, containers: [{ name: 'app', image: `registry.example/app:${index}` }] } } },
      });
    }
  }
  for (let index = 0; index < 700; index++) {
    const admin = index % 100 === 0;
    docs.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `crb-${index}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: admin ? 'cluster-admin' : pick(clusterRoles.slice(1)) },
      subjects: [random() < 0.5 ? { kind: 'ServiceAccount', name: `sa-${Math.floor(random() * 20)}`, namespace: pick(namespaces) } : random() < 0.7 ? { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: pick(USERS) } : { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: pick(GROUPS) }],
    });
  }
  return docs.map((doc) => jsyaml.dump(doc, { lineWidth: -1 })).join('---\n');
}

/** Wall time, and the process's CPU time (less disturbed by other work on a shared machine). */
function time<T>(run: () => T): { value: T; ms: number; cpuMs: number } {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = run();
  const used = process.cpuUsage(cpu);
  return { value, ms: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: (used.user + used.system) / 1000 };
}

function best<T>(runs: number, run: () => T): { value: T; ms: number; cpuMs: number } {
  let out = time(run);
  for (let index = 1; index < runs; index++) {
    const next = time(run);
    if (next.ms < out.ms) out = next;
  }
  return out;
}

const text = generate();
const baseline = best(3, () => {
  const loaded = loadText(text, 'bench.yaml');
  return { loaded, inventory: buildInventory(loaded.resources) };
});
const { resources } = baseline.value.loaded;
const count = (kind: string) => resources.filter((resource) => resource.ref.kind === kind).length;
console.log(
  `cluster: ${count('RoleBinding')} RoleBindings, ${count('ClusterRoleBinding')} ClusterRoleBindings, ${count('Role')} Roles, ${count('ClusterRole')} ClusterRoles, ${count('ServiceAccount')} service accounts, ${count('Deployment')} Deployments; ${resources.length} objects, ${(text.length / 1e6).toFixed(1)} MB of YAML`,
);
const build = best(5, () => buildRbacModel(resources));
const model = build.value;

const requests: NamespacedRequest[] = Array.from({ length: QUERIES }, () => {
  const [apiGroup, combined] = pick(RESOURCES);
  const [resource = 'pods', subresource] = combined.split('/');
  return { verb: pick(VERBS), apiGroup, resource, ...(subresource ? { subresource } : {}), namespace: random() < 0.2 ? '' : `ns-${Math.floor(random() * NAMESPACES)}` };
});
const whoCan = time(() => requests.reduce((sum, request) => sum + model.whoCan(request).length, 0));
const anywhere = time(() => requests.reduce((sum, request) => sum + model.whoCanAnywhere(request).length, 0));
const identities = requests.map((_, index) => identityOf(index % 2 === 0 ? { kind: 'ServiceAccount', namespace: `ns-${index % NAMESPACES}`, name: `sa-${index % 20}` } : { kind: 'User', name: pick(USERS) }));
const authorize = time(() => requests.reduce((sum, request, index) => sum + (model.authorize(identities[index]!, request).allowed ? 1 : 0), 0));
const escalations = best(3, () => findEscalations(model));

const ids = ALL_CHECKS.filter((check) => check.category === 'rbac' || check.category === 'service-accounts').map((check) => check.id);
const plan = planScan({ config: {}, now: new Date(0), only: ids });
const analysis = best(3, () => scanResources(baseline.value.loaded, { plan, version: 'bench' }).evaluation);
const rssMiB = process.resourceUsage().maxRSS / 1024;

const ratio = (ms: number) => `${(ms / baseline.ms).toFixed(2)}x baseline`;
const cpu = (measured: { cpuMs: number }) => `cpu ${measured.cpuMs.toFixed(0)} ms`;
console.log(`baseline (parse YAML and index the objects): ${baseline.ms.toFixed(0)} ms (${cpu(baseline)})`);
console.log(`model build: ${build.ms.toFixed(0)} ms (${cpu(build)}; ${ratio(build.ms)}; target < 1000 ms)`);
console.log(`who-can in one namespace: ${(whoCan.ms / QUERIES).toFixed(3)} ms per query, ${whoCan.value} grants over ${QUERIES} queries (target < 10 ms)`);
console.log(`who-can in any namespace: ${(anywhere.ms / QUERIES).toFixed(3)} ms per query, ${anywhere.value} grants`);
console.log(`authorize (can): ${((authorize.ms * 1000) / QUERIES).toFixed(1)} µs per question, ${authorize.value} of ${QUERIES} allowed`);
const toAdmin = escalations.value.filter((path) => path.reaches === 'cluster-admin').length;
console.log(`escalation paths: ${escalations.ms.toFixed(0)} ms, ${toAdmin} subjects reach cluster-admin, ${escalations.value.length - toAdmin} every secret (${cpu(escalations)}; ${ratio(escalations.ms)})`);
console.log(`full RBAC and service-account analysis (${ids.length} checks, model and escalations included): ${analysis.ms.toFixed(0)} ms, ${analysis.value.findings.length} findings (${cpu(analysis)}; ${ratio(analysis.ms)}; target < 5000 ms)`);
console.log(`peak RSS: ${rssMiB.toFixed(0)} MiB (target < 1024 MiB)`);
