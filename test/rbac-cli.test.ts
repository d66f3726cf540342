import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import jsyaml from 'js-yaml';
import { palisade } from './support/cli.js';
import { SHARED } from './support/paths.js';

const FIXTURE = 'test/fixtures/rbac/cluster.yaml';

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

  it('reports a broken document by file and line and still answers from the others', () => {
    const input = `${'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: x}\nroleRef: {kind: ClusterRole, name: view}\nsubjects: [{kind: User, name: zed}]\n'}---\nkind: [broken\n`;
    const run = palisade(['rbac', 'who-can', 'get', 'pods', '-'], { input });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /<stdin>:\d+/);
  });
});
