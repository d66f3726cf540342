import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import jsyaml from 'js-yaml';
import { palisade } from './support/cli.js';
import { SHARED } from './support/paths.js';

const FIXTURE = 'test/fixtures/rbac/cluster.yaml';
const SCOPED = 'test/fixtures/rbac/scoped.yaml';

function json(args: string[]): { code: number | null; body: Record<string, unknown> } {
  const run = palisade([...args, '-o', 'json']);
  assert.equal(run.stderr, '');
  return { code: run.code, body: JSON.parse(run.stdout) as Record<string, unknown> };
}

describe('palisade rbac (end to end)', () => {
  it('who-can lists every subject with binding, role and rule, aggregated roles and namespace scope included', () => {
    const run = palisade(['rbac', 'who-can', 'get', 'pods/log', '-n', 'shop', FIXTURE]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Who can get pods\/log in namespace "shop"/);
    assert.match(run.stdout, /group:devs\s+namespace shop\s+RoleBinding\/shop\/devs-monitor\s+ClusterRole\/monitoring\s+ClusterRole\/pod-reader rules\[0\]/);
    assert.match(run.stdout, /serviceaccount:ci:builder\s+cluster-wide\s+ClusterRoleBinding\/builder-admin/);
    // the RoleBinding in shop does not reach another namespace
    const elsewhere = json(['rbac', 'who-can', 'get', 'pods/log', '-n', 'ci', FIXTURE]).body as { subjects: string[] };
    assert.deepEqual(elsewhere.subjects, ['serviceaccount:ci:builder']);
  });

  it('who-can without -n answers for every namespace, each grant with where it applies', () => {
    const { body } = json(['rbac', 'who-can', 'create', 'pods', FIXTURE]);
    assert.equal(body.apiVersion, 'palisade.dev/rbac/v1');
    assert.equal(body.kind, 'WhoCan');
    const grants = body.grants as Array<{ subject: string; namespace: string }>;
    assert.deepEqual(
      grants.map((grant) => `${grant.subject}@${grant.namespace}`),
      ['serviceaccount:ci:builder@', 'serviceaccount:ci:deployer@ci'],
    );
  });

  it('can answers yes with exit 0 and the reason, no with exit 1', () => {
    const yes = palisade(['rbac', 'can', 'system:serviceaccount:ci:deployer', 'create', 'pods', '-n', 'ci', FIXTURE]);
    assert.equal(yes.code, 0, yes.stderr);
    assert.match(yes.stdout, /^yes: serviceaccount:ci:deployer may create pods in namespace "ci"/);
    assert.match(yes.stdout, /reason: RoleBinding ci\/deployer-pods binds serviceaccount:ci:deployer to Role ci\/pod-creator, whose rule Role\/ci\/pod-creator rules\[0\] allows it/);
    const no = palisade(['rbac', 'can', 'serviceaccount:ci:deployer', 'create', 'pods', '-n', 'shop', FIXTURE]);
    assert.equal(no.code, 1);
    assert.match(no.stdout, /^no: .* may not create pods in namespace "shop"\nreason: no binding/);
    // resourceNames: the named secret only, never create
    assert.equal(palisade(['rbac', 'can', 'user:carol', 'get', 'secrets', '--name', 'builder-token', '-n', 'ci', FIXTURE]).code, 0);
    assert.equal(palisade(['rbac', 'can', 'user:carol', 'get', 'secrets', '--name', 'other', '-n', 'ci', FIXTURE]).code, 1);
    assert.equal(palisade(['rbac', 'can', 'user:carol', 'list', 'secrets', '-n', 'ci', FIXTURE]).code, 1);
    // subresources are not covered by the resource
    assert.equal(palisade(['rbac', 'can', 'group:devs', 'get', 'pods/exec', '-n', 'shop', FIXTURE]).code, 1);
    assert.equal(palisade(['rbac', 'can', 'group:devs', 'get', 'pods', '--subresource', 'log', '-n', 'shop', FIXTURE]).code, 0);
    // --group adds a group to a user
    assert.equal(palisade(['rbac', 'can', 'user:erin', 'list', 'pods', '-n', 'shop', '--group', 'devs', FIXTURE]).code, 0);
    // system:masters is a superuser whatever the bindings say
    const masters = json(['rbac', 'can', 'group:system:masters', 'delete', 'nodes', FIXTURE]);
    assert.equal(masters.code, 0);
    assert.equal(masters.body.superuser, true);
    // non-resource URLs
    assert.equal(palisade(['rbac', 'can', 'serviceaccount:ci:builder', 'get', '/metrics', FIXTURE]).code, 0);
    assert.equal(palisade(['rbac', 'can', 'serviceaccount:ci:deployer', 'get', '/metrics', FIXTURE]).code, 1);
  });

  it('permissions lists rules cluster-wide and per namespace, and bindings to missing roles', () => {
    const { body } = json(['rbac', 'permissions', 'serviceaccount:ci:deployer', FIXTURE]);
    assert.equal(body.kind, 'Permissions');
    assert.deepEqual(body.identity, { user: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'] });
    assert.deepEqual(body.clusterWide, []);
    const ci = (body.namespaces as Record<string, Array<{ role: { name: string }; rule: { verbs: string[] } }>>).ci;
    assert.deepEqual(ci?.map((grant) => [grant.role.name, grant.rule.verbs]), [['pod-creator', ['create', 'get']]]);
    const dave = palisade(['rbac', 'permissions', 'user:dave', FIXTURE]);
    assert.equal(dave.code, 0);
    assert.match(dave.stdout, /bindings to missing roles .*RoleBinding\/shop\/dave-missing/);
  });

  it('escalations reports chains ending at cluster-admin equivalence', () => {
    const { body } = json(['rbac', 'escalations', FIXTURE]);
    const paths = body.paths as Array<{ subject: string; steps: Array<{ action: string; to: string }> }>;
    const chains = Object.fromEntries(paths.map((path) => [path.subject, path.steps.map((step) => `${step.action}->${step.to}`)]));
    assert.deepEqual(chains, {
      'serviceaccount:ci:deployer': ['create-pods->serviceaccount:ci:builder', 'cluster-admin->cluster-admin'],
      'user:alice': ['impersonate->serviceaccount:ci:deployer', 'create-pods->serviceaccount:ci:builder', 'cluster-admin->cluster-admin'],
      'user:bob': ['bind->cluster-admin'],
      'user:carol': ['read-token-secret->serviceaccount:ci:builder', 'cluster-admin->cluster-admin'],
    });
    const table = palisade(['rbac', 'escalations', FIXTURE]);
    assert.equal(table.code, 1);
    const none = palisade(['rbac', 'escalations', path.join(SHARED, 'corpus/kube-prometheus')]);
    assert.deepEqual([none.code, none.stdout], [0, 'Escalation paths (0)\n']);
    assert.match(table.stdout, /user:alice → cluster-admin\n {2}1\. impersonate serviceaccount:ci:deployer \(via RoleBinding ci\/alice-impersonates → ClusterRole impersonate-deployer rules\[0\]\)/);
  });

  it('renders yaml and markdown', () => {
    const yaml = palisade(['rbac', 'who-can', 'get', 'secrets', '-n', 'ci', FIXTURE, '-o', 'yaml']);
    assert.equal(yaml.code, 0);
    const parsed = jsyaml.load(yaml.stdout) as { kind: string; subjects: string[] };
    assert.equal(parsed.kind, 'WhoCan');
    assert.deepEqual(parsed.subjects, ['serviceaccount:ci:builder']);
    const markdown = palisade(['rbac', 'permissions', 'group:devs', FIXTURE, '-o', 'markdown']);
    assert.match(markdown.stdout, /^## Permissions of group:devs/);
    assert.match(markdown.stdout, /\| WHERE \| BINDING \| ROLE \| RULE \|\n\|---\|---\|---\|---\|\n\| namespace shop \| RoleBinding\/shop\/devs-monitor \|/);
  });

  it('graph exports subjects, bindings and roles as DOT and JSON, missing roles marked', () => {
    const dot = palisade(['rbac', 'graph', FIXTURE]);
    assert.equal(dot.code, 0);
    assert.match(dot.stdout, /^digraph rbac \{/);
    assert.match(dot.stdout, /"user:alice" -> "RoleBinding\/ci\/alice-impersonates";/);
    assert.match(dot.stdout, /"ClusterRole\/monitoring" -> "ClusterRole\/pod-reader" \[style=dotted, label="aggregates"\];/);
    assert.match(dot.stdout, /"Role\/shop\/not-yet-created" \[shape=note, .*style=dashed, color=red\]/);
    const graph = json(['rbac', 'graph', FIXTURE]).body as { nodes: Array<{ id: string; type: string; missing?: boolean }>; edges: unknown[] };
    assert.ok(graph.nodes.some((node) => node.id === 'Role/shop/not-yet-created' && node.missing));
    // seven bindings with one subject each (subject -> binding -> role) and one aggregation
    assert.equal(graph.edges.length, 15);
  });

  it('rejects bad usage with exit 2 and a clear message', () => {
    const cases: Array<[string[], RegExp]> = [
      [['rbac', 'who-can', 'get'], /missing VERB or RESOURCE/],
      [['rbac', 'can', 'serviceaccount:ci', 'get', 'pods', FIXTURE], /malformed service account/],
      [['rbac', 'frobnicate'], /unknown subcommand "frobnicate"/],
      [['rbac', 'who-can', 'get', 'pods', FIXTURE, '-o', 'xml'], /unknown output format "xml"/],
      [['rbac', 'graph', FIXTURE, '-o', 'table'], /graph: -o must be dot or json/],
      [['rbac', 'who-can', 'get', '/metrics', '-n', 'x', FIXTURE], /non-resource URL takes no/],
      [['rbac', 'who-can', 'get', 'pods'], /no manifests given/],
    ];
    for (const [args, message] of cases) {
      const run = palisade(args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message);
    }
    const help = palisade(['rbac', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /who-can VERB RESOURCE/);
  });

  it('resolves resources as kubectl does: plural, singular, short names, kinds, with the API group (issue 11 item 1)', () => {
    const can = (resource: string, namespace = 'shop') => palisade(['rbac', 'can', 'group:devs', resource === 'netpol' ? 'list' : 'get', resource, '-n', namespace, SCOPED]);
    for (const spelling of ['pods', 'pod', 'po', 'Pod', 'Pods', 'POD', 'deploy', 'deployment', 'Deployment', 'deployments.apps', 'Deployment.apps', 'deployments.v1.apps', 'netpol']) {
      const run = can(spelling);
      assert.equal(run.code, 0, `${spelling}: ${run.stdout}${run.stderr}`);
    }
    const pods = json(['rbac', 'can', 'group:devs', 'get', 'pod', '-n', 'shop', SCOPED]).body as { request: { resource: string; apiGroup: string } };
    assert.deepEqual([pods.request.apiGroup, pods.request.resource], ['', 'pods']);
    const whoCan = json(['rbac', 'who-can', 'get', 'Pods', SCOPED]).body as { subjects: string[]; request: { resource: string } };
    assert.equal(whoCan.request.resource, 'pods');
    assert.deepEqual(whoCan.subjects, ['group:devs', 'serviceaccount:team:deployer']);
    // an unknown resource is an error that names it, not a silent no
    const unknown = palisade(['rbac', 'can', 'group:devs', 'get', 'pdos', '-n', 'shop', SCOPED]);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stdout, '');
    assert.match(unknown.stderr, /unknown resource "pdos"/);
    assert.match(palisade(['rbac', 'who-can', 'get', 'deployments.core', SCOPED]).stderr, /unknown resource "deployments\.core"/);
    // custom resources: from a CustomResourceDefinition among the inputs
    assert.match(palisade(['rbac', 'can', 'group:devs', 'get', 'widgets.example.com', '-n', 'shop', SCOPED]).stderr, /unknown resource "widgets\.example\.com".*CustomResourceDefinition/);
    for (const spelling of ['widgets.example.com', 'widget', 'wg', 'Widget']) {
      const run = palisade(['rbac', 'can', 'group:devs', 'get', spelling, '-n', 'shop', SCOPED, 'test/fixtures/rbac/widgets-crd.yaml']);
      assert.equal(run.code, 0, `${spelling}: ${run.stdout}${run.stderr}`);
    }
  });

  it('who-can without -n lists only ClusterRoleBinding grants for cluster-scoped resources and URLs (issue 11 item 2)', () => {
    for (const [verb, resource] of [['create', 'persistentvolumes'], ['patch', 'nodes'], ['get', 'nodes/proxy'], ['impersonate', 'users'], ['get', '/metrics'], ['patch', 'node'], ['create', 'pv']]) {
      const body = json(['rbac', 'who-can', verb!, resource!, SCOPED]).body as { subjects: string[]; grants: Array<{ namespace: string }> };
      assert.deepEqual(body.subjects, ['group:ops', 'serviceaccount:team:deployer'], `${verb} ${resource}`);
      assert.ok(body.grants.every((grant) => grant.namespace === ''), `${verb} ${resource}`);
      assert.equal(palisade(['rbac', 'can', 'user:jane', verb!, resource!, SCOPED]).code, 1, `${verb} ${resource}`);
    }
    const escalate = json(['rbac', 'who-can', 'escalate', 'clusterroles', SCOPED]).body as { subjects: string[] };
    assert.deepEqual(escalate.subjects, ['serviceaccount:team:deployer']);
    // a namespaced resource still lists RoleBinding grants, each with its namespace
    const remove = json(['rbac', 'who-can', 'delete', 'pods', SCOPED]).body as { grants: Array<{ subject: string; namespace: string }> };
    assert.deepEqual(remove.grants.map((grant) => `${grant.subject}@${grant.namespace}`), ['group:ops@', 'serviceaccount:team:deployer@', 'user:jane@kube-system']);
  });

  it('can bind clusterroles -n NS answers in the namespace of the binding, as the API server and escalations do (issue 11 item 3)', () => {
    const bind = (namespace?: string) => palisade(['rbac', 'can', 'user:lee', 'bind', 'clusterroles', '--name', 'cluster-admin', ...(namespace ? ['-n', namespace] : []), SCOPED]);
    const team = bind('team');
    assert.equal(team.code, 0, team.stdout);
    assert.match(team.stdout, /^yes: user:lee may bind clusterroles\.rbac\.authorization\.k8s\.io "cluster-admin" in namespace "team"/);
    assert.equal(bind('shop').code, 1);
    assert.equal(bind().code, 1);
    const who = json(['rbac', 'who-can', 'bind', 'clusterroles', '--name', 'cluster-admin', SCOPED]).body as { grants: Array<{ subject: string; namespace: string }> };
    assert.ok(who.grants.some((grant) => grant.subject === 'user:lee' && grant.namespace === 'team'));
    // escalate on a ClusterRole is checked with no namespace (a ClusterRole update has none)
    assert.equal(palisade(['rbac', 'can', 'user:kim', 'escalate', 'clusterroles', '-n', 'default', SCOPED]).code, 1);
    // escalations agrees: lee binds cluster-admin in team, then runs a pod as team's deployer
    const paths = (json(['rbac', 'escalations', SCOPED]).body as { paths: Array<{ subject: string; steps: Array<{ action: string; text: string }> }> }).paths;
    const lee = paths.find((path) => path.subject === 'user:lee');
    assert.equal(lee?.steps[0]?.action, 'bind');
    assert.match(lee?.steps[0]?.text ?? '', /namespace "team"/);
  });

  it('says the answer is unknown when inputs failed, with why, exit 2 (issue 11 item 19)', () => {
    const broken = 'apiVersion: v1\nkind: [broken\n';
    const denied = palisade(['rbac', 'can', 'user:jane', 'get', 'pods', '-n', 'shop', SCOPED, '-'], { input: broken });
    assert.equal(denied.code, 2);
    assert.match(denied.stdout, /^unknown: /);
    assert.doesNotMatch(denied.stdout, /^(yes|no):/m);
    assert.match(denied.stdout, /1 input failed to load/);
    assert.match(denied.stderr, /<stdin>:\d+/);
    const asJson = palisade(['rbac', 'can', 'user:jane', 'get', 'pods', '-n', 'shop', SCOPED, '-', '-o', 'json'], { input: broken });
    const body = JSON.parse(asJson.stdout) as { allowed: unknown; answer: string; incomplete: string[] };
    assert.deepEqual([asJson.code, body.allowed, body.answer], [2, null, 'unknown']);
    assert.equal(body.incomplete.length, 1);
    // RBAC only allows: a grant found among the objects that loaded stays a yes, still exit 2
    const allowed = palisade(['rbac', 'can', 'group:devs', 'get', 'pods', '-n', 'shop', SCOPED, '-'], { input: broken });
    assert.equal(allowed.code, 2);
    assert.match(allowed.stdout, /^yes: /);
    // an unreachable cluster: nothing loaded, the answer is unknown
    const dir = mkdtempSync(path.join(tmpdir(), 'palisade-rbac-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n');
    const unreachable = palisade(['rbac', 'can', 'user:jane', 'get', 'pods', '-n', 'shop', '--cluster', '--kubeconfig', kubeconfig]);
    assert.equal(unreachable.code, 2);
    assert.doesNotMatch(unreachable.stdout, /^(yes|no):/m);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a broken document by file and line and still answers from the others', () => {
    const input = `${'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: x}\nroleRef: {kind: ClusterRole, name: view}\nsubjects: [{kind: User, name: zed}]\n'}---\nkind: [broken\n`;
    const run = palisade(['rbac', 'who-can', 'get', 'pods', '-'], { input });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /<stdin>:\d+/);
    // the list answers from what loaded, and says it may lack what the broken input held
    assert.match(run.stdout, /^incomplete: 1 input\(s\) failed to load, so this list may lack what they held \(<stdin>:\d+/);
    for (const args of [['who-can', 'get', 'pods'], ['permissions', 'user:zed'], ['escalations']]) {
      const json = palisade(['rbac', ...args, '-', '-o', 'json'], { input });
      assert.equal(json.code, 2, args.join(' '));
      assert.equal((JSON.parse(json.stdout) as { incomplete?: string[] }).incomplete?.length, 1, args.join(' '));
    }
    const complete = palisade(['rbac', 'who-can', 'get', 'pods', '-', '-o', 'json'], { input: input.split('---')[0]! });
    assert.equal((JSON.parse(complete.stdout) as { incomplete?: string[] }).incomplete, undefined);
  });
});
