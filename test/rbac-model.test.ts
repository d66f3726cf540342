import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { KubeObject, Resource } from '../src/core/model/resource.js';
import { findEscalations } from '../src/core/rbac/escalation.js';
import { buildRbacModel, type NamespacedRequest } from '../src/core/rbac/model.js';
import { parseRequest, resolveRequest, resourceCatalog, type ResourceCatalog } from '../src/core/rbac/resources.js';
import { formatSubject, identityOf, parseSubject, type Identity } from '../src/core/rbac/subjects.js';

function resource(object: KubeObject): Resource {
  const metadata = object.metadata as { name: string; namespace?: string };
  const clusterScoped = ['ClusterRole', 'ClusterRoleBinding', 'Namespace'].includes(String(object.kind));
  return {
    ref: { apiVersion: String(object.apiVersion), kind: String(object.kind), name: metadata.name, ...(clusterScoped ? {} : { namespace: metadata.namespace ?? 'default' }) },
    object,
    origin: { source: { kind: 'file', path: 'test' }, document: 0 },
  };
}

const RBAC = 'rbac.authorization.k8s.io/v1';
const role = (kind: 'Role' | 'ClusterRole', name: string, rules: unknown[], extra: Record<string, unknown> = {}, namespace?: string) =>
  resource({ apiVersion: RBAC, kind, metadata: { name, ...(namespace ? { namespace } : {}), ...(extra.labels ? { labels: extra.labels } : {}) }, rules, ...(extra.aggregationRule ? { aggregationRule: extra.aggregationRule } : {}) });
const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, roleRef: { kind: string; name: string }, subjects: unknown[], namespace?: string) =>
  resource({ apiVersion: RBAC, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects });

const GET_PODS = (namespace: string): NamespacedRequest => ({ verb: 'get', apiGroup: '', resource: 'pods', namespace });

describe('rbac subjects', () => {
  it('parses the kubectl-like subject syntax', () => {
    assert.deepEqual(parseSubject('user:alice'), { kind: 'User', name: 'alice' });
    assert.deepEqual(parseSubject('alice'), { kind: 'User', name: 'alice' });
    assert.deepEqual(parseSubject('system:kube-scheduler'), { kind: 'User', name: 'system:kube-scheduler' });
    assert.deepEqual(parseSubject('group:system:masters'), { kind: 'Group', name: 'system:masters' });
    assert.deepEqual(parseSubject('serviceaccount:ci:builder'), { kind: 'ServiceAccount', namespace: 'ci', name: 'builder' });
    assert.deepEqual(parseSubject('sa:ci:builder'), { kind: 'ServiceAccount', namespace: 'ci', name: 'builder' });
    assert.deepEqual(parseSubject('system:serviceaccount:ci:builder'), { kind: 'ServiceAccount', namespace: 'ci', name: 'builder' });
    assert.deepEqual(parseSubject('user:system:serviceaccount:ci:builder'), { kind: 'ServiceAccount', namespace: 'ci', name: 'builder' });
    assert.equal(typeof parseSubject('serviceaccount:ci'), 'string');
    assert.equal(typeof parseSubject('system:serviceaccount:ci'), 'string');
    assert.equal(typeof parseSubject('group:'), 'string');
    fc.assert(
      fc.property(fc.constantFrom('User', 'Group', 'ServiceAccount'), fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), (kind, namespace, name) => {
        const subject = kind === 'ServiceAccount' ? { kind, namespace, name } : { kind: kind as 'User' | 'Group', name };
        assert.deepEqual(parseSubject(formatSubject(subject)), subject);
      }),
    );
  });

  it('adds the groups the authenticator adds', () => {
    assert.deepEqual(identityOf({ kind: 'User', name: 'alice' }), { user: 'alice', groups: ['system:authenticated'] });
    assert.deepEqual(identityOf({ kind: 'User', name: 'system:anonymous' }), { user: 'system:anonymous', groups: ['system:unauthenticated'] });
    assert.deepEqual(identityOf({ kind: 'ServiceAccount', namespace: 'ci', name: 'b' }).groups, ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated']);
    assert.deepEqual(identityOf({ kind: 'Group', name: 'devs' }, ['ops']), { user: '', groups: ['devs', 'system:authenticated', 'ops'] });
  });

  it('parses resources as kubectl names them', () => {
    assert.deepEqual(parseRequest({ verb: 'get', resource: 'deployments/scale', namespace: 'x' }), { verb: 'get', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'x' });
    assert.deepEqual(parseRequest({ verb: 'get', resource: 'nodes', subresource: 'proxy', namespace: 'x' }), { verb: 'get', apiGroup: '', resource: 'nodes', subresource: 'proxy', namespace: '' });
    assert.deepEqual(parseRequest({ verb: 'get', resource: '/healthz' }), { verb: 'get', path: '/healthz' });
    assert.equal(typeof parseRequest({ verb: 'get', resource: 'pods/exec', subresource: 'log' }), 'string');
  });
});

describe('rbac resource names (issue 11 items 1-3)', () => {
  const get = (resource: string, namespace?: string, catalog?: ResourceCatalog) => parseRequest({ verb: 'get', resource, ...(namespace ? { namespace } : {}) }, catalog);
  it('resolves plural, singular, short names and kinds, case-insensitively, with the API group, from the built-in table', () => {
    const pods = { verb: 'get', apiGroup: '', resource: 'pods', namespace: 'x' };
    for (const spelling of ['pods', 'pod', 'po', 'Pod', 'PODS']) assert.deepEqual(get(spelling, 'x'), pods, spelling);
    for (const spelling of ['deploy', 'deployment', 'Deployment', 'deployments.apps', 'deploy.apps', 'deployments.v1.apps']) assert.deepEqual(get(spelling, 'x'), { ...pods, apiGroup: 'apps', resource: 'deployments' }, spelling);
    assert.deepEqual(get('netpol', 'x'), { ...pods, apiGroup: 'networking.k8s.io', resource: 'networkpolicies' });
    assert.deepEqual(get('NetworkPolicy', 'x'), { ...pods, apiGroup: 'networking.k8s.io', resource: 'networkpolicies' });
    // events: the core group first, as kubectl's discovery order prefers it
    assert.deepEqual(get('ev', 'x'), { ...pods, resource: 'events' });
    assert.deepEqual(get('events.events.k8s.io', 'x'), { ...pods, apiGroup: 'events.k8s.io', resource: 'events' });
    // resources only RBAC knows (impersonation, signers), and the wildcard
    assert.deepEqual(parseRequest({ verb: 'impersonate', resource: 'userextras/scopes' }), { verb: 'impersonate', apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: 'scopes', namespace: '' });
    assert.deepEqual(parseRequest({ verb: 'approve', resource: 'signers', name: 'kubernetes.io/kube-apiserver-client' }), { verb: 'approve', apiGroup: 'certificates.k8s.io', resource: 'signers', name: 'kubernetes.io/kube-apiserver-client', namespace: '' });
    assert.deepEqual(get('*', 'x'), { ...pods, resource: '*' });
    assert.deepEqual(get('*.apps', 'x'), { ...pods, apiGroup: 'apps', resource: '*' });
  });

  it('an unknown resource is an error that names it', () => {
    for (const text of ['pdos', 'deployments.core', 'widgets.example.com', 'po.apps']) {
      const result = get(text, 'x');
      assert.equal(typeof result, 'string', text);
      assert.match(result as string, new RegExp(`unknown resource "${text.replace(/\./g, '\\.')}"`));
    }
  });

  it('custom resources resolve from CustomResourceDefinitions among the objects and from discovery', () => {
    const crd = resource({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', scope: 'Cluster', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wg'] } } });
    const catalog = resourceCatalog({ objects: [crd] });
    for (const spelling of ['widgets.example.com', 'widget', 'wg', 'Widget']) assert.deepEqual(get(spelling, 'x', catalog), { verb: 'get', apiGroup: 'example.com', resource: 'widgets', namespace: '' }, spelling);
    const discovered = resourceCatalog({ discovered: [{ group: 'example.org', resource: 'gadgets', singular: 'gadget', kind: 'Gadget', shortNames: ['gd'], namespaced: true }] });
    assert.deepEqual(get('gd', 'x', discovered), { verb: 'get', apiGroup: 'example.org', resource: 'gadgets', namespace: 'x' });
    assert.deepEqual(get('po', 'x', discovered), { verb: 'get', apiGroup: '', resource: 'pods', namespace: 'x' });
  });

  it('knows which questions are asked in a namespace: bind on clusterroles is checked in the binding namespace, escalate on them cluster-wide', () => {
    const scoped = (verb: string, text: string, namespace?: string) => {
      const result = resolveRequest({ verb, resource: text, ...(namespace ? { namespace } : {}) });
      assert.notEqual(typeof result, 'string');
      return result as Exclude<typeof result, string>;
    };
    assert.deepEqual(scoped('bind', 'clusterroles', 'team'), { request: { verb: 'bind', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', namespace: 'team' }, namespaced: true });
    assert.deepEqual(scoped('escalate', 'clusterroles', 'team'), { request: { verb: 'escalate', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', namespace: '' }, namespaced: false });
    assert.equal(scoped('get', 'pods').namespaced, true);
    assert.equal(scoped('create', 'pv', 'x').namespaced, false);
    assert.equal(scoped('impersonate', 'users').namespaced, false);
    assert.equal(scoped('impersonate', 'serviceaccounts').namespaced, true);
    assert.equal(scoped('get', '/metrics').namespaced, false);
  });
});

describe('rbac model semantics', () => {
  it('RoleBindings grant only in their namespace, ClusterRole rules included; non-resource URLs only through ClusterRoleBindings', () => {
    const model = buildRbacModel([
      role('ClusterRole', 'reader', [{ apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get'] }, { nonResourceURLs: ['/metrics'], verbs: ['get'] }]),
      binding('RoleBinding', 'rb', { kind: 'ClusterRole', name: 'reader' }, [{ kind: 'User', name: 'alice' }], 'shop'),
    ]);
    const alice = identityOf({ kind: 'User', name: 'alice' });
    assert.equal(model.authorize(alice, GET_PODS('shop')).allowed, true);
    assert.equal(model.authorize(alice, GET_PODS('other')).allowed, false);
    assert.equal(model.authorize(alice, GET_PODS('')).allowed, false);
    assert.equal(model.authorize(alice, { verb: 'get', apiGroup: '', resource: 'nodes', namespace: '' }).allowed, false);
    assert.equal(model.authorize(alice, { verb: 'get', path: '/metrics' }).allowed, false);
  });

  it('service account subjects: empty namespace means the RoleBinding namespace, and nobody in a ClusterRoleBinding', () => {
    const model = buildRbacModel([
      role('ClusterRole', 'reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
      binding('RoleBinding', 'rb', { kind: 'ClusterRole', name: 'reader' }, [{ kind: 'ServiceAccount', name: 'app' }], 'shop'),
      binding('ClusterRoleBinding', 'crb', { kind: 'ClusterRole', name: 'reader' }, [{ kind: 'ServiceAccount', name: 'app' }]),
      binding('ClusterRoleBinding', 'as-user', { kind: 'ClusterRole', name: 'reader' }, [{ kind: 'User', name: 'system:serviceaccount:ops:bot' }]),
    ]);
    assert.equal(model.authorize(identityOf({ kind: 'ServiceAccount', namespace: 'shop', name: 'app' }), GET_PODS('shop')).allowed, true);
    assert.equal(model.authorize(identityOf({ kind: 'ServiceAccount', namespace: 'shop', name: 'app' }), GET_PODS('x')).allowed, false);
    assert.equal(model.authorize(identityOf({ kind: 'ServiceAccount', namespace: 'default', name: 'app' }), GET_PODS('x')).allowed, false);
    // a User subject spelled as a service account user name is that service account
    assert.equal(model.authorize(identityOf({ kind: 'ServiceAccount', namespace: 'ops', name: 'bot' }), GET_PODS('x')).allowed, true);
  });

  it('implied groups and system:masters', () => {
    const model = buildRbacModel([
      role('ClusterRole', 'reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
      binding('RoleBinding', 'sas', { kind: 'ClusterRole', name: 'reader' }, [{ kind: 'Group', name: 'system:serviceaccounts:ci' }], 'shop'),
    ]);
    assert.equal(model.authorize(identityOf({ kind: 'ServiceAccount', namespace: 'ci', name: 'any' }), GET_PODS('shop')).allowed, true);
    assert.equal(model.authorize(identityOf({ kind: 'ServiceAccount', namespace: 'cd', name: 'any' }), GET_PODS('shop')).allowed, false);
    const root = model.authorize({ user: 'root', groups: ['system:masters'] }, { verb: 'delete', apiGroup: '', resource: 'nodes', namespace: '' });
    assert.deepEqual([root.allowed, root.superuser], [true, true]);
  });

  it('aggregates ClusterRoles as the controller converges: chains, cycles, never itself, manifest rules ignored', () => {
    const model = buildRbacModel([
      role('ClusterRole', 'base', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }], { labels: { 'agg/one': 'true' } }),
      role('ClusterRole', 'one', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], { labels: { 'agg/two': 'true' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'agg/one': 'true' } }] } }),
      role('ClusterRole', 'two', [], { labels: { 'agg/one': 'true' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'agg/two': 'true' } }] } }),
      role('ClusterRole', 'everything', [], { aggregationRule: { clusterRoleSelectors: [{}] } }),
      role('ClusterRole', 'none', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }], { aggregationRule: { clusterRoleSelectors: [] } }),
    ]);
    const rules = (name: string) => model.roles.get(`ClusterRole/${name}`)?.rules.map((rule) => `${rule.source}#${rule.index}`);
    // one selects base and two (a cycle through two back to one); the manifest's * rule is overwritten
    assert.deepEqual(rules('one'), ['ClusterRole/base#0']);
    assert.deepEqual(rules('two'), ['ClusterRole/base#0']);
    assert.deepEqual(rules('everything'), ['ClusterRole/base#0']);
    assert.deepEqual(rules('none'), []);
  });

  it('bindings to missing roles grant nothing and are listed', () => {
    const model = buildRbacModel([
      binding('RoleBinding', 'later', { kind: 'Role', name: 'not-yet' }, [{ kind: 'User', name: 'alice' }], 'shop'),
      binding('ClusterRoleBinding', 'wrong', { kind: 'Role', name: 'x' }, [{ kind: 'User', name: 'alice' }]),
    ]);
    assert.deepEqual(model.dangling.map((item) => item.key), ['RoleBinding/shop/later', 'ClusterRoleBinding/wrong']);
    assert.equal(model.authorize(identityOf({ kind: 'User', name: 'alice' }), GET_PODS('shop')).allowed, false);
  });

  it('property: who-can names exactly the principals the authorizer allows', () => {
    const VERBS = ['get', 'list', 'create', 'bind', '*'];
    const RESOURCES = ['pods', 'pods/exec', '*', '*/exec', 'secrets'];
    const NAMESPACES = ['a', 'b'];
    const PRINCIPALS = [
      { kind: 'User', name: 'u1' },
      { kind: 'User', name: 'u2' },
      { kind: 'Group', name: 'g1' },
      { kind: 'ServiceAccount', name: 's1', namespace: 'a' },
      { kind: 'ServiceAccount', name: 's1' },
    ];
    const ruleArb = fc.record({
      verbs: fc.subarray(VERBS, { minLength: 1 }),
      apiGroups: fc.subarray(['', 'apps', '*'], { minLength: 1 }),
      resources: fc.subarray(RESOURCES, { minLength: 1 }),
      resourceNames: fc.subarray(['x', 'y']),
    });
    const bindingArb = fc.record({
      cluster: fc.boolean(),
      namespace: fc.constantFrom(...NAMESPACES),
      role: fc.integer({ min: 0, max: 3 }),
      toClusterRole: fc.boolean(),
      subjects: fc.subarray(PRINCIPALS, { minLength: 1 }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(ruleArb, { minLength: 1, maxLength: 3 }), { minLength: 4, maxLength: 4 }),
        fc.array(bindingArb, { maxLength: 6 }),
        fc.record({ verb: fc.constantFrom('get', 'list', 'create', 'bind'), apiGroup: fc.constantFrom('', 'apps'), target: fc.constantFrom('pods', 'pods/exec', 'secrets'), name: fc.constantFrom('', 'x', 'z'), namespace: fc.constantFrom('', ...NAMESPACES) }),
        (roleRules, bindings, question) => {
          const objects: Resource[] = [];
          roleRules.forEach((rules, index) => {
            objects.push(role('ClusterRole', `cr${index}`, rules));
            for (const namespace of NAMESPACES) objects.push(role('Role', `r${index}`, rules, {}, namespace));
          });
          bindings.forEach((item, index) => {
            if (item.cluster) objects.push(binding('ClusterRoleBinding', `crb${index}`, { kind: 'ClusterRole', name: `cr${item.role}` }, item.subjects.filter((subject) => subject.kind !== 'ServiceAccount' || subject.namespace)));
            else objects.push(binding('RoleBinding', `rb${index}`, item.toClusterRole ? { kind: 'ClusterRole', name: `cr${item.role}` } : { kind: 'Role', name: `r${item.role}` }, item.subjects, item.namespace));
          });
          const model = buildRbacModel(objects);
          const [resource = 'pods', subresource] = question.target.split('/');
          const request: NamespacedRequest = { verb: question.verb, apiGroup: question.apiGroup, resource, ...(subresource ? { subresource } : {}), ...(question.name ? { name: question.name } : {}), namespace: question.namespace };
          const allowed = new Set(model.whoCan(request).map((grant) => grant.subject.principal));
          const candidates: Array<[string, Identity]> = [
            ['user:u1', { user: 'u1', groups: [] }],
            ['user:u2', { user: 'u2', groups: [] }],
            ['group:g1', { user: '', groups: ['g1'] }],
            ['user:system:serviceaccount:a:s1', { user: 'system:serviceaccount:a:s1', groups: [] }],
            ['user:system:serviceaccount:b:s1', { user: 'system:serviceaccount:b:s1', groups: [] }],
          ];
          for (const [principal, identity] of candidates) assert.equal(model.authorize(identity, request).allowed, allowed.has(principal), `${principal} ${JSON.stringify(request)}`);
          // who-can anywhere contains every grant of the namespaced question
          const anywhere = new Set(model.whoCanAnywhere(request).map((grant) => `${grant.binding.key}#${grant.subject.index}#${grant.rule.source}#${grant.rule.index}`));
          for (const grant of model.whoCan(request)) assert.ok(anywhere.has(`${grant.binding.key}#${grant.subject.index}#${grant.rule.source}#${grant.rule.index}`));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('rbac escalation paths', () => {
  const admin = [
    role('ClusterRole', 'everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    binding('ClusterRoleBinding', 'bot-admin', { kind: 'ClusterRole', name: 'everything' }, [{ kind: 'ServiceAccount', name: 'bot', namespace: 'ops' }]),
    resource({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot', namespace: 'ops' } }),
  ];
  const pathOf = (objects: Resource[], subject: string) => findEscalations(buildRbacModel([...admin, ...objects])).find((path) => path.subject === subject)?.steps.map((step) => step.action);
  const grant = (rules: unknown[], kind: 'RoleBinding' | 'ClusterRoleBinding' = 'RoleBinding') => [
    role('ClusterRole', 'granted', rules),
    binding(kind, 'grant', { kind: 'ClusterRole', name: 'granted' }, [{ kind: 'User', name: 'mallory' }], kind === 'RoleBinding' ? 'ops' : undefined),
  ];

  it('finds each kind of step, and none where the permission is elsewhere', () => {
    const workload = resource({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bot', namespace: 'ops' }, spec: { template: { spec: { serviceAccountName: 'bot', containers: [{ name: 'c', image: 'x' }] } } } });
    const token = resource({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: 'bot-token', namespace: 'ops', annotations: { 'kubernetes.io/service-account.name': 'bot' } } });
    const cases: Array<[Resource[], string[] | undefined]> = [
      [grant([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'], resourceNames: ['web'] }]), ['edit-workloads', 'cluster-admin']],
      [grant([{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]), undefined],
      [[...grant([{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]), token], ['read-token-secret', 'cluster-admin']],
      [grant([{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'get'] }]), ['create-token-secret', 'cluster-admin']],
      [grant([{ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }]), undefined],
      [[...grant([{ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }]), workload], ['exec', 'cluster-admin']],
      [[...grant([{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]), workload], undefined],
      [[...grant([{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }], 'ClusterRoleBinding'), workload], ['nodes-proxy', 'cluster-admin']],
      [grant([{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'], resourceNames: ['other'] }]), undefined],
      [grant([{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'], resourceNames: ['bot'] }]), ['token-request', 'cluster-admin']],
      [grant([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] }, { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] }]), ['bind', 'cluster-admin']],
      [grant([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] }]), undefined],
      [grant([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate', 'update'] }], 'ClusterRoleBinding'), ['escalate']],
      [grant([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate', 'update'] }]), undefined],
      [grant([{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'] }], 'ClusterRoleBinding'), undefined],
      [grant([{ apiGroups: [''], resources: ['groups'], verbs: ['impersonate'] }], 'ClusterRoleBinding'), ['impersonate']],
      [grant([{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create'] }, { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update'] }, { apiGroups: ['certificates.k8s.io'], resources: ['signers'], verbs: ['approve'], resourceNames: ['kubernetes.io/*'] }], 'ClusterRoleBinding'), ['csr-approval']],
    ];
    for (const [objects, expected] of cases) assert.deepEqual(pathOf(objects, 'user:mallory'), expected, JSON.stringify(objects.map((item) => item.object.rules ?? item.ref.kind)));
  });

  it('impersonating a user who reaches cluster-admin continues that user chain', () => {
    const objects = [
      ...grant([{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['deployer'] }], 'ClusterRoleBinding'),
      role('Role', 'pods', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }], {}, 'ops'),
      binding('RoleBinding', 'deployer', { kind: 'Role', name: 'pods' }, [{ kind: 'User', name: 'deployer' }], 'ops'),
    ];
    assert.deepEqual(pathOf(objects, 'user:mallory'), ['impersonate', 'create-pods', 'cluster-admin']);
  });

  it('subjects that do not reach cluster-admin but reach a reader of every secret get a path to all-secrets', () => {
    const model = buildRbacModel([
      role('ClusterRole', 'lister', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]),
      binding('ClusterRoleBinding', 'backup', { kind: 'ClusterRole', name: 'lister' }, [{ kind: 'ServiceAccount', name: 'backup', namespace: 'b' }]),
      role('Role', 'tokens', [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }], {}, 'b'),
      binding('RoleBinding', 'minter', { kind: 'Role', name: 'tokens' }, [{ kind: 'Group', name: 'minters' }], 'b'),
    ]);
    assert.deepEqual(
      findEscalations(model).map((path) => [path.subject, path.reaches, path.steps.map((step) => step.action)]),
      [['group:minters', 'all-secrets', ['token-request', 'read-all-secrets']]],
    );
  });
});
