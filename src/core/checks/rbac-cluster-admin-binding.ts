import type { Inventory } from '../inventory/inventory.js';
import { defineAnalysis, keyed } from '../inventory/analysis.js';
import { defineCheck } from '../model/check.js';
import { rbacModel } from '../rbac/analyses.js';
import { roleKey } from '../rbac/model.js';
import { ruleAllows } from '../rbac/rules.js';
import { BINDING_KINDS, bindingScope, isGroup, RBAC_REFERENCES, refersToClusterRole, roleRefOf, shortList, subjectLabel, subjectsOf, type RoleRef } from './support/rbac.js';

/** The rule of a bound ClusterRole that allows every verb on every resource, described; undefined when none. */
function everythingRule(inventory: Inventory, roleRef: RoleRef): string | undefined {
  if (roleRef.kind !== 'ClusterRole') return undefined;
  return inventory.get(everythingRules)(roleKey('ClusterRole', undefined, roleRef.name));
}

/** Per role key, the rule that allows everything, described (computed on demand). */
const everythingRules = defineAnalysis({
  id: 'rbac/everything-rules',
  reads: [],
  uses: [rbacModel],
  scope: 'cluster',
  build: (inventory) =>
    keyed((key: string): string | undefined => {
      const role = inventory.get(rbacModel).roles.get(key);
      const UNLISTED = '\u0000unlisted';
      const rule = role?.rules.find((candidate) => ruleAllows(candidate.rule, { verb: UNLISTED, apiGroup: UNLISTED, resource: UNLISTED, name: UNLISTED }));
      return !role || !rule ? undefined : rule.source === role.key ? `rules[${rule.index}]` : `aggregated from ${rule.source.replace(/^ClusterRole\//, 'ClusterRole "')}" rules[${rule.index}]`;
    }),
});

export default defineCheck({
  id: 'rbac-cluster-admin-binding',
  title: 'Binding grants cluster-admin',
  severity: 'high',
  category: 'rbac',
  description:
    'The cluster-admin ClusterRole allows everything, as does any ClusterRole whose rules (aggregated ones computed) allow every verb on every resource: bound by a ClusterRoleBinding it controls the whole cluster, bound by a RoleBinding it controls the namespace, its secrets and role bindings included. A stolen credential of any subject is then a full compromise.',
  remediation: 'Bind a role with the permissions the subject needs (admin, edit or view in a namespace, or a custom role); keep cluster-admin for break-glass access.',
  references: [RBAC_REFERENCES.goodPractices, 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles', RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.1'], nsa: ['Authentication and authorization'], mitre: ['T1098.006'] },
  enabledByDefault: true,
  appliesTo: { kinds: BINDING_KINDS },
  reads: { analyses: [everythingRules], scope: 'cluster' },
  options: {},
  messages: {
    clusterAdmin: 'binds ClusterRole "cluster-admin" {{scope}} to {{subjects}}',
    equivalent: 'binds ClusterRole "{{role}}", which allows everything as cluster-admin does ({{rule}}), {{scope}} to {{subjects}}',
  },
  *evaluate({ resource, inventory }) {
    const roleRef = roleRefOf(resource);
    if (!roleRef) return;
    // another ClusterRole whose effective rules (aggregation computed) allow everything is cluster-admin by another name
    const equivalent = refersToClusterRole(roleRef, 'cluster-admin') ? undefined : everythingRule(inventory, roleRef);
    if (!refersToClusterRole(roleRef, 'cluster-admin') && !equivalent) return;
    // system:masters is a superuser group before RBAC: binding it adds nothing (rbac-system-masters reports it).
    const subjects = subjectsOf(resource).filter((subject) => !isGroup(subject, 'system:masters'));
    if (subjects.length === 0) return;
    const names = subjects.map((subject) => subjectLabel(subject, resource.ref.namespace));
    const data = { scope: bindingScope(resource), subjects: shortList(names) };
    if (equivalent) yield { path: ['roleRef', 'name'], messageId: 'equivalent', data: { ...data, role: roleRef.name, rule: equivalent } };
    else yield { path: ['roleRef', 'name'], messageId: 'clusterAdmin', data };
  },
});
