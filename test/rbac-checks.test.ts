import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { scanText } from './support/scan.js';

const RBAC_IDS = ALL_CHECKS.filter((check) => check.category === 'rbac').map((check) => check.id);

function findings(text: string, id: string, options?: Record<string, unknown>): string[] {
  const result = scanText(text, { only: [id], ...(options ? { config: { options: { [id]: options } } } : {}) });
  assert.deepEqual(result.errors, []);
  return result.findings.map((finding) => `${finding.location.path}: ${finding.message}`);
}

const NAMED_SECRET_READER = `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: own, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["shop-tls"]
    verbs: ["get"]
`;

const CONTROLLER_EDITOR = `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: editor, namespace: shop}
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "patch"]
`;

const WEBSOCKET_EXEC = `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: exec, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["get"]
`;

const ALL_POWERFUL_AGGREGATE = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: aggregate}
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: {aggregate-to-aggregate: "true"}
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
  - nonResourceURLs: ["*"]
    verbs: ["*"]
`;

describe('rbac checks: options and scope', () => {
  it('there are at least 17 rbac checks, each with a complete description', () => {
    assert.ok(RBAC_IDS.length >= 17, `${RBAC_IDS.length} rbac checks`);
    for (const check of ALL_CHECKS.filter((c) => c.category === 'rbac')) {
      assert.ok(check.id.startsWith('rbac-'), check.id);
      assert.ok(check.description.length > 40 && check.remediation.length > 20, check.id);
      assert.ok(check.references.length > 0, check.id);
    }
  });

  it('rbac-read-secrets reports rules limited to named secrets only when asked', () => {
    assert.deepEqual(findings(NAMED_SECRET_READER, 'rbac-read-secrets'), []);
    assert.deepEqual(findings(NAMED_SECRET_READER, 'rbac-read-secrets', { includeNamedSecrets: true }), [
      'rules[0].resources[0]: rules[0] allows get on secrets (only shop-tls): the named secrets are readable',
    ]);
  });

  it('rbac-secret-write: create, update and patch on secrets, named update and patch only when asked, and named create never (it carries no name)', () => {
    const named = `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: rotator, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["shop-tls"]
    verbs: ["create", "patch"]
`;
    assert.deepEqual(findings(named, 'rbac-secret-write'), []);
    assert.deepEqual(findings(named, 'rbac-secret-write', { includeNamedSecrets: true }), [
      'rules[0].resources[0]: rules[0] allows patch on secrets (only shop-tls): it can replace the credentials of the named secrets',
    ]);
    // Reads, deletes and other groups' "secrets" are not writes to Secrets.
    const others = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: others}
rules:
  - {apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch", "delete", "deletecollection"]}
  - {apiGroups: ["external-secrets.io"], resources: ["secrets"], verbs: ["create", "update", "patch"]}
  - {apiGroups: [""], resources: ["secrets/status"], verbs: ["update"]}
`;
    assert.deepEqual(findings(others, 'rbac-secret-write'), []);
    const writer = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-writer, labels: {example.com/aggregate-to-ops: "true"}}
rules:
  - {apiGroups: ["*"], resources: ["secrets"], verbs: ["update"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ops}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {example.com/aggregate-to-ops: "true"}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ops, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ops}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: carol}]
`;
    assert.deepEqual(findings(writer, 'rbac-secret-write'), [
      'rules[0].resources[0]: rules[0] allows update on secrets: it can replace the credentials other workloads mount; granted to user:carol by RoleBinding shop/ops → ClusterRole ops',
    ]);
  });

  it('rbac-create-pods counts the verbs it is given', () => {
    assert.deepEqual(findings(CONTROLLER_EDITOR, 'rbac-create-pods'), []);
    assert.deepEqual(findings(CONTROLLER_EDITOR, 'rbac-create-pods', { verbs: ['create', 'update', 'patch'] }), [
      'rules[0].resources[0]: rules[0] allows patch on deployments in apps: the pods can run as any service account of the namespace and mount its secrets',
    ]);
  });

  it('rbac-pod-exec ignores get on pods/exec when the clusters check create for WebSocket upgrades', () => {
    assert.equal(findings(WEBSOCKET_EXEC, 'rbac-pod-exec').length, 1);
    assert.deepEqual(findings(WEBSOCKET_EXEC, 'rbac-pod-exec', { getOverWebSocket: false }), []);
  });

  it('binding checks honour their allowed ClusterRoles', () => {
    const binding = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: public}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: public-docs}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:unauthenticated}
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated}
`;
    assert.equal(findings(binding, 'rbac-binding-to-anonymous').length, 1);
    assert.deepEqual(findings(binding, 'rbac-binding-to-anonymous', { allowedClusterRoles: ['public-docs'] }), []);
    assert.equal(findings(binding, 'rbac-binding-to-authenticated').length, 1);
    assert.deepEqual(findings(binding, 'rbac-binding-to-authenticated', { allowedClusterRoles: ['public-docs'] }), []);
  });

  it('rbac-binding-missing-role accepts roles listed as known', () => {
    const text = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: local}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: external}
subjects: [{kind: ServiceAccount, name: app}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: c}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: operator}
subjects: [{kind: ServiceAccount, name: app, namespace: shop}]
`;
    assert.equal(findings(text, 'rbac-binding-missing-role').length, 2);
    assert.deepEqual(findings(text, 'rbac-binding-missing-role', { knownRoles: ['shop/external', 'operator'] }), []);
  });

  it('no rule-based check reads the rules of an aggregated ClusterRole', () => {
    // rbac-role-unused looks at whether a role is bound, not at its rules
    for (const id of RBAC_IDS.filter((other) => other !== 'rbac-role-unused')) assert.deepEqual(findings(ALL_POWERFUL_AGGREGATE, id), [], id);
  });

  it('the same rules as a plain ClusterRole are reported once for what they are, not once per permission they include', () => {
    const plain = ALL_POWERFUL_AGGREGATE.replace(/aggregationRule:\n(?: {2}.*\n)+/, '');
    const reported = RBAC_IDS.filter((id) => findings(plain, id).length > 0).sort();
    assert.deepEqual(reported, ['rbac-cluster-admin-equivalent', 'rbac-role-unused', 'rbac-wildcard-api-groups', 'rbac-wildcard-resources', 'rbac-wildcard-verbs']);
    // One group short of everything, every rule-based check that looks at core resources trips.
    const core = plain.replace('apiGroups: ["*"]', 'apiGroups: [""]');
    const coreReported = RBAC_IDS.filter((id) => findings(core, id).length > 0).sort();
    for (const id of ['rbac-read-secrets', 'rbac-create-pods', 'rbac-pod-exec', 'rbac-nodes-proxy', 'rbac-impersonate', 'rbac-node-taint-pod-delete', 'rbac-create-persistent-volumes', 'rbac-service-account-token-create', 'rbac-services-status', 'rbac-namespace-label-edit', 'rbac-secret-write'])
      assert.ok(coreReported.includes(id), `${id} does not report resources: ["*"] in the core group`);
    assert.ok(!coreReported.includes('rbac-cluster-admin-equivalent'));
  });

  it('risk findings name who holds the rule: binding, and aggregated role where the rule comes through one', () => {
    const text = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader, labels: {example.com/aggregate-to-ops: "true"}}
rules:
  - {apiGroups: [""], resources: ["secrets"], verbs: ["list"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ops}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {example.com/aggregate-to-ops: "true"}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ops}
subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: backup, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects: [{kind: ServiceAccount, name: backup}]
`;
    assert.deepEqual(findings(text, 'rbac-read-secrets'), [
      'rules[0].resources[0]: rules[0] allows list on secrets: list and watch return the value of every secret; granted to serviceaccount:shop:backup by RoleBinding shop/backup, group:ops by ClusterRoleBinding ops-team → ClusterRole ops',
    ]);
  });
  it('names as holders only the bindings that can grant the permission: a RoleBinding never grants cluster-scoped resources (issue 11 item 4)', () => {
    const text = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-admin}
rules:
  - {apiGroups: [""], resources: ["persistentvolumes"], verbs: ["create"]}
  - {apiGroups: [""], resources: ["nodes"], verbs: ["patch"]}
  - {apiGroups: [""], resources: ["pods"], verbs: ["delete"]}
  - {apiGroups: [rbac.authorization.k8s.io], resources: ["clusterroles"], verbs: ["bind", "escalate"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: x, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-admin}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: jane}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-admin}
subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: ops}]
`;
    for (const id of ['rbac-create-persistent-volumes', 'rbac-node-taint-pod-delete']) {
      const messages = findings(text, id);
      assert.equal(messages.length, 1, id);
      assert.match(messages[0]!, /group:ops by ClusterRoleBinding ops/, id);
      assert.doesNotMatch(messages[0]!, /jane/, id);
    }
    // bind on clusterroles is checked in the namespace of the RoleBinding being created: the RoleBinding grants it there
    const bind = findings(text, 'rbac-bind-escalate');
    assert.equal(bind.length, 1);
    assert.match(bind[0]!, /user:jane by RoleBinding kube-system\/x/);
  });
});
