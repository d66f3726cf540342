import assert from 'node:assert/strict';
import path from 'node:path';
import { Agent, request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { loadSources } from '../src/adapters/manifests/files.js';
import type { KubeObject, Resource } from '../src/core/model/resource.js';
import { asArray, asRecord } from '../src/core/model/values.js';
import { buildRbacModel, type AccessRequest, type RbacModel } from '../src/core/rbac/model.js';
import { formatSubject, identityOf, parseSubject, serviceAccountUser, type Identity } from '../src/core/rbac/subjects.js';
import { BUILTIN_RESOURCES, resolveRequest } from '../src/core/rbac/resources.js';
import { answerRbac } from '../src/app/rbac.js';
import { connect } from '../src/adapters/cluster/read.js';
import { discoverResources } from '../src/adapters/cluster/discovery.js';
import { palisade } from './support/cli.js';
import { SHARED } from './support/paths.js';
import { clusterAvailable, startCluster, type TestCluster } from './support/cluster.js';

/**
 * The oracle: the model must answer every access question exactly as the API server's
 * authorizer does. Generated RBAC sets (wildcards, subresources, resourceNames,
 * non-resource URLs, aggregation chains, empty-namespace service accounts, bindings to
 * missing roles) and kube-prometheus are loaded into a real control plane with the
 * ClusterRole aggregation controller; the model is built from what the server holds
 * (bootstrap policy included, aggregated rules recomputed by the model) and compared
 * with SubjectAccessReview on thousands of tuples biased toward near-misses.
 */

const SEED = 20261123;
const TUPLES = 6000;

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const some = <T>(items: readonly T[], max = 3): T[] => {
  const count = 1 + Math.floor(random() * max);
  return [...new Set(Array.from({ length: count }, () => pick(items)))];
};

const NAMESPACES = ['ns-a', 'ns-b', 'ns-c'];
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'bind', 'escalate', 'impersonate', 'approve', 'use'];
const GROUPS = ['', 'apps', 'rbac.authorization.k8s.io', 'batch', 'example.com', 'certificates.k8s.io'];
const RESOURCES = ['pods', 'pods/exec', 'pods/log', 'pods/status', 'secrets', 'deployments', 'deployments/scale', 'replicasets/scale', 'nodes', 'nodes/proxy', 'roles', 'clusterroles', 'rolebindings', 'users', 'groups', 'serviceaccounts', 'serviceaccounts/token', 'configmaps', 'signers', 'pods/*'];
const NAMES = ['web', 'db', 'cluster-admin', 'alice'];
const URLS = ['/healthz', '/healthz/*', '/metrics', '/api/*', '/logs*', '/version', '/apis', '*'];
const REQUEST_URLS = ['/healthz', '/healthz/etcd', '/healthzz', '/metrics', '/metrics/x', '/api', '/api/v1', '/logs', '/logs/kube', '/version', '/apis', '/other', '/'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'system:anonymous', 'system:kube-scheduler', 'system:kube-controller-manager'];
const SUBJECT_GROUPS = ['devs', 'ops', 'qa', 'system:authenticated', 'system:unauthenticated', 'system:serviceaccounts', 'system:serviceaccounts:ns-a', 'system:serviceaccounts:monitoring'];
const SERVICE_ACCOUNTS = ['sa1', 'sa2', 'default'];
const LABELS = ['tier-a', 'tier-b', 'tier-c'];

function randomRule(namespaced: boolean): Record<string, unknown> {
  if (!namespaced && random() < 0.12) return { verbs: some(['get', 'post', 'put', '*']), nonResourceURLs: some(URLS) };
  const rule: Record<string, unknown> = {
    verbs: random() < 0.1 ? ['*'] : some(VERBS),
    apiGroups: random() < 0.1 ? ['*'] : some(GROUPS, 2),
    resources: random() < 0.08 ? ['*'] : random() < 0.08 ? ['*/scale'] : some(RESOURCES),
  };
  if (random() < 0.25) rule.resourceNames = some(NAMES, 2);
  return rule;
}

function randomSubjects(namespace: string | undefined): Array<Record<string, unknown>> {
  return Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
    const roll = random();
    if (roll < 0.35) return { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: pick(USERS.slice(0, 4)) };
    if (roll < 0.6) return { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: pick(SUBJECT_GROUPS) };
    // an empty namespace means the RoleBinding's own; ClusterRoleBindings must name one
    const saNamespace = namespace !== undefined && random() < 0.4 ? undefined : pick([...NAMESPACES, 'monitoring']);
    return { kind: 'ServiceAccount', name: pick(SERVICE_ACCOUNTS), ...(saNamespace ? { namespace: saNamespace } : {}) };
  });
}

function generatedObjects(): KubeObject[] {
  const objects: KubeObject[] = [];
  const rbac = 'rbac.authorization.k8s.io/v1';
  const clusterRoleNames: string[] = [];
  for (let index = 0; index < 14; index++) {
    const name = `gen-cr-${index}`;
    clusterRoleNames.push(name);
    objects.push({
      apiVersion: rbac,
      kind: 'ClusterRole',
      metadata: { name, labels: Object.fromEntries(some(LABELS, 2).map((label) => [`palisade.test/${label}`, 'true'])) },
      rules: Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomRule(false)),
    });
  }
  // aggregated roles: selectors by label, a chain (agg-1 selects agg-0 through its label), rules in the manifest that must be ignored
  objects.push({
    apiVersion: rbac,
    kind: 'ClusterRole',
    metadata: { name: 'gen-agg-0', labels: { 'palisade.test/chain': 'true' } },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'palisade.test/tier-a': 'true' } }] },
    rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
  });
  objects.push({
    apiVersion: rbac,
    kind: 'ClusterRole',
    metadata: { name: 'gen-agg-1' },
    aggregationRule: {
      clusterRoleSelectors: [
        { matchLabels: { 'palisade.test/chain': 'true' } },
        { matchExpressions: [{ key: 'palisade.test/tier-b', operator: 'Exists' }, { key: 'palisade.test/tier-c', operator: 'DoesNotExist' }] },
      ],
    },
  });
  clusterRoleNames.push('gen-agg-0', 'gen-agg-1', 'admin', 'edit', 'view', 'cluster-admin', 'missing-cluster-role');
  const roleNames = new Map<string, string[]>();
  for (const namespace of NAMESPACES) {
    const names: string[] = [];
    for (let index = 0; index < 5; index++) {
      const name = `gen-role-${index}`;
      names.push(name);
      objects.push({ apiVersion: rbac, kind: 'Role', metadata: { name, namespace }, rules: Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomRule(true)) });
    }
    names.push('missing-role');
    roleNames.set(namespace, names);
    for (let index = 0; index < 8; index++) {
      const toClusterRole = random() < 0.5;
      objects.push({
        apiVersion: rbac,
        kind: 'RoleBinding',
        metadata: { name: `gen-rb-${index}`, namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: toClusterRole ? 'ClusterRole' : 'Role', name: toClusterRole ? pick(clusterRoleNames) : pick(names) },
        subjects: randomSubjects(namespace),
      });
    }
  }
  for (let index = 0; index < 8; index++) {
    objects.push({
      apiVersion: rbac,
      kind: 'ClusterRoleBinding',
      metadata: { name: `gen-crb-${index}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: pick(clusterRoleNames.filter((name) => name !== 'cluster-admin')) },
      subjects: randomSubjects(undefined),
    });
  }
  return objects;
}

const PLURALS: Record<string, string> = { Role: 'roles', ClusterRole: 'clusterroles', RoleBinding: 'rolebindings', ClusterRoleBinding: 'clusterrolebindings' };

describe('rbac model against the API server (SubjectAccessReview)', { skip: !clusterAvailable() && 'the test control plane is not built' }, () => {
  let cluster: TestCluster;
  let agent: Agent;
  let model: RbacModel;
  let serverObjects: Resource[];
  let kubePrometheus: KubeObject[];

  const call = (method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        `${cluster.url}${pathname}`,
        { method, agent, ca: cluster.ca, cert: cluster.admin.cert, key: cluster.admin.key, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers }, timeout: 20_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      if (payload) req.write(payload);
      req.end();
    });

  async function create(object: KubeObject): Promise<void> {
    const kind = String(object.kind);
    const metadata = asRecord(object.metadata) ?? {};
    const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
    const path = kind === 'Namespace' ? '/api/v1/namespaces' : `/apis/rbac.authorization.k8s.io/v1/${namespace ? `namespaces/${namespace}/` : ''}${PLURALS[kind]}`;
    const response = await call('POST', path, object);
    assert.ok(response.status === 201 || response.status === 409, `create ${kind} ${String(metadata.name)}: ${response.status} ${response.body}`);
  }

  async function readRbac(): Promise<Resource[]> {
    const out: Resource[] = [];
    for (const [kind, plural] of Object.entries(PLURALS)) {
      const response = await call('GET', `/apis/rbac.authorization.k8s.io/v1/${plural}`);
      assert.equal(response.status, 200);
      for (const item of asArray((JSON.parse(response.body) as { items: unknown }).items)) {
        const object = { apiVersion: 'rbac.authorization.k8s.io/v1', kind, ...(item as KubeObject) };
        const metadata = asRecord(object.metadata) ?? {};
        out.push({
          ref: { apiVersion: 'rbac.authorization.k8s.io/v1', kind, name: String(metadata.name), ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}) },
          object,
          origin: { source: { kind: 'file', path: 'cluster' }, document: 0 },
        });
      }
    }
    return out;
  }

  async function review(identity: Identity, request: AccessRequest): Promise<boolean> {
    const spec: Record<string, unknown> = { groups: identity.groups, ...(identity.user ? { user: identity.user } : {}) };
    if ('path' in request) spec.nonResourceAttributes = { path: request.path, verb: request.verb };
    else
      spec.resourceAttributes = {
        verb: request.verb,
        group: request.apiGroup,
        resource: request.resource,
        ...(request.subresource ? { subresource: request.subresource } : {}),
        ...(request.name ? { name: request.name } : {}),
        ...(request.namespace ? { namespace: request.namespace } : {}),
      };
    const response = await call('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec });
    assert.equal(response.status, 201, response.body);
    return (JSON.parse(response.body) as { status: { allowed?: boolean } }).status.allowed === true;
  }

  before(async () => {
    cluster = await startCluster({ controllerManager: true });
    agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const loaded = await loadSources([path.join(SHARED, 'corpus/kube-prometheus')]);
    kubePrometheus = loaded.resources.filter((resource) => PLURALS[resource.ref.kind] && resource.ref.apiVersion.startsWith('rbac.authorization.k8s.io/')).map((resource) => resource.object);
    assert.ok(kubePrometheus.length > 20, 'kube-prometheus RBAC objects');
    for (const namespace of [...NAMESPACES, 'monitoring']) await create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const objects = [...generatedObjects(), ...kubePrometheus];
    // roles first, so that aggregation and bindings resolve without churn
    const order = (object: KubeObject) => (String(object.kind).endsWith('Binding') ? 1 : 0);
    for (const object of objects.sort((a, b) => order(a) - order(b))) await create(object);
    // the aggregation controller converges: wait until the server's aggregated rules are the model's
    const deadline = Date.now() + 30_000;
    for (;;) {
      serverObjects = await readRbac();
      model = buildRbacModel(serverObjects);
      const differing = serverObjects.filter((resource) => {
        if (resource.ref.kind !== 'ClusterRole' || !asRecord(resource.object.aggregationRule)) return false;
        const server = new Set(asArray(resource.object.rules).map((rule) => canonicalRule(rule)));
        const computed = new Set(model.roles.get(`ClusterRole/${resource.ref.name}`)?.rules.map((rule) => canonicalRule(rule.rule)) ?? []);
        return server.size !== computed.size || [...server].some((rule) => !computed.has(rule));
      });
      if (differing.length === 0) break;
      if (Date.now() > deadline) assert.fail(`aggregated ClusterRoles differ from the model: ${differing.map((resource) => resource.ref.name).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    // the authorizer reads through informers: wait until a binding created last is visible
    await create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'zz-sentinel' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'sentinel' }] });
    while (!(await review({ user: 'sentinel', groups: [] }, { verb: 'get', apiGroup: '', resource: 'pods', namespace: 'ns-a' }))) await new Promise((resolve) => setTimeout(resolve, 100));
    serverObjects = await readRbac();
    model = buildRbacModel(serverObjects);
  });

  after(async () => {
    agent?.destroy();
    await cluster?.stop();
  });

  function canonicalRule(value: unknown): string {
    const record = asRecord(value) ?? {};
    return JSON.stringify(['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'].map((field) => asArray(record[field]).map(String)));
  }

  it('computes aggregated ClusterRoles as the aggregation controller does (bootstrap admin/edit/view, kube-prometheus, generated chains)', () => {
    const aggregated = [...model.roles.values()].filter((role) => role.aggregatedFrom);
    const names = aggregated.map((role) => role.name);
    for (const name of ['admin', 'edit', 'view', 'gen-agg-0', 'gen-agg-1']) assert.ok(names.includes(name), name);
    // gen-agg-1 reaches gen-agg-0's selection through the chain label
    const chain = model.roles.get('ClusterRole/gen-agg-1');
    const base = model.roles.get('ClusterRole/gen-agg-0');
    for (const rule of base?.rules ?? []) assert.ok(chain?.rules.some((other) => canonicalRule(other.rule) === canonicalRule(rule.rule)));
    // kube-prometheus aggregates its metrics reader into view
    assert.ok(model.roles.get('ClusterRole/view')?.rules.some((rule) => rule.source === 'ClusterRole/system:aggregated-metrics-reader'));
  });

  it(`answers ${TUPLES} random access questions exactly as SubjectAccessReview`, async () => {
    const roles = [...model.roles.values()];
    const rules = roles.flatMap((role) => role.rules.map((rule) => ({ role, rule: rule.rule })));
    const identities = (): Identity => {
      const roll = random();
      const extra = random() < 0.3 ? some(SUBJECT_GROUPS, 2) : [];
      if (roll < 0.03) return { user: 'root', groups: ['system:masters'] };
      if (roll < 0.45) return identityOf({ kind: 'User', name: pick(USERS) }, extra);
      if (roll < 0.85) return identityOf({ kind: 'ServiceAccount', namespace: pick([...NAMESPACES, 'monitoring', 'kube-system']), name: pick([...SERVICE_ACCOUNTS, 'prometheus-k8s', 'prometheus-adapter', 'kube-state-metrics']) }, extra);
      // a bound subject from the model, so that bootstrap and kube-prometheus bindings are exercised
      const binding = pick(model.bindings);
      const subject = binding.subjects[0];
      if (!subject) return identityOf({ kind: 'Group', name: pick(SUBJECT_GROUPS) });
      if (subject.kind === 'Group') return { user: '', groups: [subject.name] };
      return identityOf(subject.kind === 'ServiceAccount' ? { kind: 'ServiceAccount', namespace: subject.namespace ?? 'ns-a', name: subject.name } : subject, extra);
    };
    const question = (): AccessRequest => {
      const namespace = pick(['', ...NAMESPACES, 'monitoring', 'kube-system', 'default']);
      const base = pick(rules).rule;
      if (base.nonResourceURLs.length > 0 || random() < 0.05) {
        const url = pick(base.nonResourceURLs.length > 0 && random() < 0.6 ? base.nonResourceURLs.map((entry) => entry.replace(/\*$/, random() < 0.5 ? '' : 'x')) : REQUEST_URLS);
        return { verb: random() < 0.7 ? pick(base.verbs.includes('*') ? ['get', 'post', 'put'] : base.verbs) : pick(['get', 'post', 'put', 'delete']), path: url === '*' || url === '' ? '/' : url };
      }
      // start from a rule so that most questions are near it, then perturb one part
      const entry = pick(base.resources.length > 0 ? base.resources : RESOURCES);
      let [resource = 'pods', subresource = ''] = entry.split('/', 2);
      if (resource === '*') resource = pick(RESOURCES).split('/')[0] ?? 'pods';
      if (subresource === '*') subresource = pick(['exec', '*', 'log']);
      let verb = pick(base.verbs.includes('*') ? VERBS : base.verbs);
      let apiGroup = pick(base.apiGroups.includes('*') || base.apiGroups.length === 0 ? GROUPS : base.apiGroups);
      let name = base.resourceNames.length > 0 && random() < 0.7 ? pick(base.resourceNames) : random() < 0.5 ? '' : pick(NAMES);
      switch (Math.floor(random() * 7)) {
        case 0:
          verb = pick(VERBS);
          break;
        case 1:
          apiGroup = pick(GROUPS);
          break;
        case 2:
          subresource = subresource === '' ? pick(['exec', 'scale', 'status', 'token', 'proxy']) : '';
          break;
        case 3:
          name = pick(['', ...NAMES]);
          break;
        case 4:
          resource = pick(RESOURCES).split('/')[0] ?? resource;
          break;
        default:
          break;
      }
      return { verb, apiGroup, resource, ...(subresource ? { subresource } : {}), ...(name ? { name } : {}), namespace };
    };
    const cases = Array.from({ length: TUPLES }, () => ({ identity: identities(), request: question() }));
    const mismatches: string[] = [];
    let allowed = 0;
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const { identity, request } = cases[next++]!;
        const server = await review(identity, request);
        const decision = model.authorize(identity, request);
        if (server) allowed++;
        if (server !== decision.allowed) mismatches.push(`${JSON.stringify(identity)} ${JSON.stringify(request)}: server ${server}, model ${decision.allowed}`);
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));
    assert.deepEqual(mismatches.slice(0, 20), [], `${mismatches.length} of ${TUPLES} differ`);
    // the sample must exercise both answers substantially
    assert.ok(allowed > TUPLES * 0.15 && allowed < TUPLES * 0.85, `allowed ${allowed} of ${TUPLES}`);
  });

  it('agrees on every subject the bindings name, for the rules they hold', async () => {
    // each (binding subject, rule) pair: the exact request the rule was written for, in the binding's namespace
    const mismatches: string[] = [];
    const checks: Array<{ identity: Identity; request: AccessRequest }> = [];
    for (const binding of model.bindings) {
      for (const subject of binding.subjects) {
        if (!subject.principal) continue;
        const identity: Identity = subject.kind === 'Group' ? { user: '', groups: [subject.name] } : { user: subject.kind === 'ServiceAccount' ? serviceAccountUser(subject.namespace ?? '', subject.name) : subject.name, groups: [] };
        for (const { rule } of binding.role?.rules.slice(0, 3) ?? []) {
          const verb = rule.verbs[0] === '*' ? 'get' : (rule.verbs[0] ?? 'get');
          if (rule.nonResourceURLs.length > 0) checks.push({ identity, request: { verb, path: (rule.nonResourceURLs[0] ?? '/').replace(/\*$/, 'x') } });
          else {
            const [resource = 'pods', subresource = ''] = (rule.resources[0] ?? 'pods').replace('*', 'pods').split('/', 2);
            checks.push({ identity, request: { verb, apiGroup: rule.apiGroups[0] === '*' ? 'apps' : (rule.apiGroups[0] ?? ''), resource, ...(subresource ? { subresource } : {}), ...(rule.resourceNames[0] ? { name: rule.resourceNames[0] } : {}), namespace: binding.namespace ?? pick(['', 'ns-b']) } });
          }
        }
      }
    }
    assert.ok(checks.length > 200, `${checks.length} checks`);
    let next = 0;
    const worker = async () => {
      while (next < checks.length) {
        const { identity, request } = checks[next++]!;
        const server = await review(identity, request);
        if (server !== model.authorize(identity, request).allowed) mismatches.push(`${JSON.stringify(identity)} ${JSON.stringify(request)}: server ${server}`);
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));
    assert.deepEqual(mismatches.slice(0, 20), [], `${mismatches.length} of ${checks.length} differ`);
  });

  it('palisade rbac --cluster answers as the API server', async () => {
    const whoCan = palisade(['rbac', 'who-can', 'list', 'secrets', '-n', 'ns-a', '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', 'json']);
    assert.equal(whoCan.code, 0, whoCan.stderr);
    const subjects = (JSON.parse(whoCan.stdout) as { subjects: string[] }).subjects;
    const expected = [...new Set(model.whoCan({ verb: 'list', apiGroup: '', resource: 'secrets', namespace: 'ns-a' }).map((grant) => formatSubject(grant.subject)))].sort();
    assert.deepEqual(subjects, expected);
    assert.ok(subjects.includes('serviceaccount:kube-system:generic-garbage-collector') || subjects.length > 3, subjects.join(', '));
    for (const [subject, verb, resource, namespace] of [
      ['serviceaccount:monitoring:prometheus-k8s', 'get', '/metrics', ''],
      ['serviceaccount:monitoring:prometheus-k8s', 'get', 'pods', 'monitoring'],
      ['serviceaccount:monitoring:prometheus-k8s', 'delete', 'pods', 'monitoring'],
      ['user:alice', 'get', 'pods', 'ns-b'],
    ] as const) {
      const run = palisade(['rbac', 'can', subject, verb, resource, ...(namespace ? ['-n', namespace] : []), '--cluster', '--kubeconfig', cluster.kubeconfig]);
      const parsed = parseSubject(subject);
      assert.ok(typeof parsed !== 'string');
      const request: AccessRequest = resource.startsWith('/') ? { verb, path: resource } : { verb, apiGroup: '', resource, namespace };
      const server = await review(identityOf(parsed), request);
      assert.equal(run.code, server ? 0 : 1, `${subject} ${verb} ${resource} ${namespace}: ${run.stdout}${run.stderr}`);
    }
  });
  it('resolves resource names from a built-in table equal to the server discovery (issue 11 item 1)', async () => {
    const discovered = await discoverResources(await connect({ kubeconfig: cluster.kubeconfig }));
    assert.ok(discovered.length > 50, `${discovered.length} resources discovered`);
    const table = new Map(BUILTIN_RESOURCES.map((entry) => [`${entry.group}/${entry.resource}`, entry]));
    const differing: string[] = [];
    for (const served of discovered) {
      const entry = table.get(`${served.group}/${served.resource}`);
      if (!entry) differing.push(`missing from the table: ${served.resource}.${served.group}`);
      else if (JSON.stringify([entry.singular, entry.kind, [...entry.shortNames].sort(), entry.namespaced]) !== JSON.stringify([served.singular, served.kind, [...served.shortNames].sort(), served.namespaced]))
        differing.push(`${served.resource}.${served.group}: table ${JSON.stringify(entry)}, server ${JSON.stringify(served)}`);
    }
    assert.deepEqual(differing, []);
    // every spelling of every served resource resolves to it, from the table alone (files) and from discovery (--cluster)
    for (const served of discovered) {
      for (const spelling of [served.resource, served.singular, served.kind, ...served.shortNames, `${served.resource}.${served.group || 'core'}`].filter((text) => text !== '')) {
        if (spelling.endsWith('.core')) continue;
        const resolved = resolveRequest({ verb: 'get', resource: served.group && !spelling.includes('.') && discovered.some((other) => other !== served && [other.resource, other.singular, other.kind.toLowerCase(), ...other.shortNames].includes(spelling.toLowerCase())) ? `${spelling}.${served.group}` : spelling });
        assert.notEqual(typeof resolved, 'string', `${spelling}: ${String(resolved)}`);
        const { request, namespaced } = resolved as Exclude<typeof resolved, string>;
        assert.ok(!('path' in request) && request.resource === served.resource, spelling);
        if (!('path' in request)) assert.equal(request.apiGroup, served.group, spelling);
        assert.equal(namespaced, served.namespaced, spelling);
      }
    }
  });

  it('who-can without -n lists exactly the subjects the server allows: cluster-scoped questions and URLs only through ClusterRoleBindings (issue 11 item 2)', async () => {
    const subjects = new Map<string, Identity>();
    for (const binding of model.bindings) {
      for (const subject of binding.subjects) {
        if (!subject.principal) continue;
        const identity: Identity = subject.kind === 'Group' ? { user: '', groups: [subject.name] } : { user: subject.kind === 'ServiceAccount' ? serviceAccountUser(subject.namespace ?? '', subject.name) : subject.name, groups: [] };
        subjects.set(formatSubject(subject), identity);
      }
    }
    const mismatches: string[] = [];
    let listed = 0;
    for (const [verb, text] of [['get', 'nodes'], ['get', 'nodes/proxy'], ['escalate', 'clusterroles'], ['delete', 'clusterroles'], ['impersonate', 'users'], ['impersonate', 'groups'], ['get', '/healthz'], ['get', '/metrics'], ['create', 'persistentvolumes']] as const) {
      const resolved = resolveRequest({ verb, resource: text });
      assert.notEqual(typeof resolved, 'string', text);
      const { request, namespaced } = resolved as Exclude<typeof resolved, string>;
      assert.equal(namespaced, false, text);
      const view = answerRbac(model, { kind: 'who-can', request, anyNamespace: namespaced }).view;
      listed += view.subjects.length;
      for (const [subject, identity] of subjects) {
        const server = await review(identity, request);
        if (server !== view.subjects.includes(subject)) mismatches.push(`${verb} ${text}: ${subject} server ${server}`);
      }
    }
    assert.deepEqual(mismatches.slice(0, 20), [], `${mismatches.length} differ`);
    assert.ok(listed > 10, `${listed} subjects listed`);
    // a namespaced question lists RoleBinding grants with their namespace, each honoured there
    for (const [verb, text] of [['get', 'pods'], ['bind', 'clusterroles']] as const) {
      const { request, namespaced } = resolveRequest({ verb, resource: text }) as Exclude<ReturnType<typeof resolveRequest>, string>;
      assert.equal(namespaced, true);
      const view = answerRbac(model, { kind: 'who-can', request, anyNamespace: true }).view;
      for (const grant of view.grants) {
        const identity = subjects.get(grant.subject);
        if (identity && !(await review(identity, { ...request, namespace: grant.namespace } as AccessRequest))) mismatches.push(`${verb} ${text}: ${grant.subject} in "${grant.namespace}"`);
      }
    }
    assert.deepEqual(mismatches.slice(0, 20), []);
  });

  it('can bind/escalate agree with what the server lets the subject do: create a RoleBinding, update a ClusterRole (issue 11 item 3)', async () => {
    const rbac = 'rbac.authorization.k8s.io/v1';
    const ref = (kind: string, name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });
    const user = (name: string) => [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name }];
    for (const object of [
      { apiVersion: rbac, kind: 'ClusterRole', metadata: { name: 'oracle-bind-admin' }, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['cluster-admin'] }] },
      { apiVersion: rbac, kind: 'ClusterRole', metadata: { name: 'oracle-role-writer' }, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'clusterroles'], verbs: ['create', 'get', 'update'] }] },
      { apiVersion: rbac, kind: 'ClusterRole', metadata: { name: 'oracle-escalate' }, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate'] }] },
      { apiVersion: rbac, kind: 'ClusterRole', metadata: { name: 'oracle-target' }, rules: [] },
      { apiVersion: rbac, kind: 'RoleBinding', metadata: { name: 'oracle-lee-binds', namespace: 'ns-a' }, roleRef: ref('ClusterRole', 'oracle-bind-admin'), subjects: user('oracle-lee') },
      { apiVersion: rbac, kind: 'RoleBinding', metadata: { name: 'oracle-kim-escalates', namespace: 'ns-a' }, roleRef: ref('ClusterRole', 'oracle-escalate'), subjects: user('oracle-kim') },
      { apiVersion: rbac, kind: 'ClusterRoleBinding', metadata: { name: 'oracle-kay-escalates' }, roleRef: ref('ClusterRole', 'oracle-escalate'), subjects: user('oracle-kay') },
      { apiVersion: rbac, kind: 'ClusterRoleBinding', metadata: { name: 'oracle-writers' }, roleRef: ref('ClusterRole', 'oracle-role-writer'), subjects: [...user('oracle-lee'), ...user('oracle-kim'), ...user('oracle-kay')] },
    ])
      await create(object as KubeObject);
    // The server's RBAC cache takes the new bindings in a moment later: wait until every
    // grant the cases rely on is visible, not only the last one created (a bind in ns-a read
    // before its RoleBinding arrived was once denied).
    const visible: Array<[string, AccessRequest]> = [
      ['oracle-kay', { verb: 'escalate', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', namespace: '' }],
      ['oracle-lee', { verb: 'bind', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'cluster-admin', namespace: 'ns-a' }],
      ['oracle-lee', { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'ns-a' }],
      ['oracle-kim', { verb: 'escalate', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', namespace: 'ns-a' }],
    ];
    const deadline = Date.now() + 15_000;
    for (const [name, request] of visible) {
      while (!(await review({ user: name, groups: [] }, request))) {
        assert.ok(Date.now() < deadline, `${name}'s grant never became visible: ${JSON.stringify(request)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const as = (name: string) => ({ 'impersonate-user': name });
    const cases: Array<{ args: string[]; server: () => Promise<number> }> = [];
    for (const namespace of ['ns-a', 'ns-b']) {
      cases.push({
        args: ['user:oracle-lee', 'bind', 'clusterroles', '--name', 'cluster-admin', '-n', namespace],
        server: async () => (await call('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings?dryRun=All`, { apiVersion: rbac, kind: 'RoleBinding', metadata: { name: 'oracle-lee-admin', namespace }, roleRef: ref('ClusterRole', 'cluster-admin'), subjects: user('oracle-lee') }, as('oracle-lee'))).status,
      });
    }
    for (const name of ['oracle-kim', 'oracle-kay']) {
      cases.push({
        args: [`user:${name}`, 'escalate', 'clusterroles', '--name', 'oracle-target', '-n', 'ns-a'],
        server: async () => {
          const current = JSON.parse((await call('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/oracle-target')).body) as KubeObject;
          return (await call('PUT', '/apis/rbac.authorization.k8s.io/v1/clusterroles/oracle-target?dryRun=All', { ...current, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] }, as(name))).status;
        },
      });
    }
    const answers: string[] = [];
    for (const { args, server } of cases) {
      const status = await server();
      assert.ok(status === 201 || status === 200 || status === 403, `${args.join(' ')}: HTTP ${status}`);
      const run = palisade(['rbac', 'can', ...args, '--cluster', '--kubeconfig', cluster.kubeconfig]);
      answers.push(`${args[0]} ${args[1]} ${args.at(-1)}: server ${status === 403 ? 'denied' : 'allowed'}, palisade ${run.code === 0 ? 'allowed' : run.code === 1 ? 'denied' : `exit ${run.code}: ${run.stderr}`}`);
    }
    assert.deepEqual(answers, [
      'user:oracle-lee bind ns-a: server allowed, palisade allowed',
      'user:oracle-lee bind ns-b: server denied, palisade denied',
      'user:oracle-kim escalate ns-a: server denied, palisade denied',
      'user:oracle-kay escalate ns-a: server allowed, palisade allowed',
    ]);
  });
});
