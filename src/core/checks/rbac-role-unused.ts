import { defineCheck } from '../model/check.js';
import { rbacUsedRoles } from '../rbac/analyses.js';
import { isRbacObject, roleKey } from '../rbac/model.js';
import { RBAC_REFERENCES, ROLE_KINDS } from './support/rbac.js';

/** Roles every cluster has, bound by the bootstrap policy or by users at will. */
function isWellKnown(name: string): boolean {
  return ['cluster-admin', 'admin', 'edit', 'view'].includes(name) || name.startsWith('system:');
}

export default defineCheck({
  id: 'rbac-role-unused',
  title: 'Role bound by nothing',
  severity: 'low',
  category: 'rbac',
  description:
    'No binding refers to this role and no bound aggregated ClusterRole includes it. An unused role grants nothing today, but a binding created later (or a binding with a mistyped name corrected) activates it unreviewed. Off by default: it needs every binding of the cluster among the scanned objects.',
  remediation: 'Delete the role, or bind it where it is meant to be used.',
  references: [RBAC_REFERENCES.rbac, RBAC_REFERENCES.goodPractices],
  standards: { nsa: ['Authentication and authorization'] },
  enabledByDefault: false,
  appliesTo: { kinds: ROLE_KINDS },
  reads: { analyses: [rbacUsedRoles], scope: 'cluster' },
  options: {},
  messages: {
    unused: 'no binding refers to {{kind}} "{{name}}" and no bound aggregated role includes it',
  },
  *evaluate({ resource, inventory }) {
    if (!isRbacObject(resource) || isWellKnown(resource.ref.name)) return;
    const key = roleKey(resource.ref.kind, resource.ref.namespace, resource.ref.name);
    if (inventory.get(rbacUsedRoles).has(key)) return;
    yield { path: ['metadata', 'name'], messageId: 'unused', data: { kind: resource.ref.kind, name: resource.ref.name } };
  },
});
