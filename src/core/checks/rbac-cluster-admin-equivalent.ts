import { defineCheck } from '../model/check.js';
import { allowsEverything, entryPath, RBAC_REFERENCES, ROLE_KINDS, rulesOf } from './support/rbac.js';
import { RESOURCE_ALL } from '../rbac/rules.js';

export default defineCheck({
  id: 'rbac-cluster-admin-equivalent',
  title: 'Role allows every verb on every resource',
  severity: 'critical',
  category: 'rbac',
  description:
    "A rule with '*' verbs, '*' resources and '*' API groups and no resourceNames allows everything cluster-admin allows on resources: bound cluster-wide it is cluster-admin, bound in a namespace it is full control of that namespace, its secrets, pods and role bindings included.",
  remediation: 'Grant the specific verbs, resources and API groups the subject needs; bind the built-in admin or edit ClusterRole in a namespace where broad access is intended.',
  references: [RBAC_REFERENCES.goodPractices, RBAC_REFERENCES.rbac, RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.1', '5.1.3'], nsa: ['Authentication and authorization'], mitre: ['T1098.006'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  options: {},
  messages: {
    role: 'rules[{{rule}}] allows every verb on every resource in every API group: full control of namespace "{{namespace}}"',
    clusterRole: 'rules[{{rule}}] allows every verb on every resource in every API group: cluster-admin when bound by a ClusterRoleBinding, namespace admin when bound by a RoleBinding',
  },
  *evaluate({ resource }) {
    for (const located of rulesOf(resource)) {
      // Verbs, groups, resources and names are open sets: the rule allows a request made of
      // values it does not list exactly when it holds '*' in all three lists and no names.
      if (!allowsEverything(located)) continue;
      const path = entryPath(located, 'resources', (entry) => entry === RESOURCE_ALL);
      if (resource.ref.kind === 'Role') yield { path, messageId: 'role', data: { rule: located.index, namespace: resource.ref.namespace ?? 'default' } };
      else yield { path, messageId: 'clusterRole', data: { rule: located.index } };
    }
  },
});
