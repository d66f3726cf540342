import { defineAnalysis } from '../inventory/analysis.js';
import { defineCheck } from '../model/check.js';
import { BINDING_KINDS, RBAC_REFERENCES, roleRefLabel, roleRefOf, type RoleRef } from './support/rbac.js';
import { isRbacObject } from '../rbac/model.js';

/** ClusterRoles every cluster has: the user-facing roles and the bootstrap system:* roles. */
function isWellKnownClusterRole(name: string): boolean {
  return ['cluster-admin', 'admin', 'edit', 'view'].includes(name) || name.startsWith('system:');
}

/** Bootstrap Roles the API server creates in kube-system and kube-public. */
function isWellKnownRole(namespace: string, name: string): boolean {
  if (namespace !== 'kube-system' && namespace !== 'kube-public') return false;
  return name.startsWith('system:') || (namespace === 'kube-system' && name === 'extension-apiserver-authentication-reader');
}

/** Whether the scanned objects define any role (else a missing role is no news). */
const definesRoles = defineAnalysis({
  id: 'rbac/defines-roles',
  reads: ['ClusterRole', 'Role'],
  scope: 'cluster',
  build: (inventory) => [...inventory.ofKind('Role'), ...inventory.ofKind('ClusterRole')].some(isRbacObject),
});

export default defineCheck({
  id: 'rbac-binding-missing-role',
  title: 'Binding refers to a role that is not defined',
  severity: 'low',
  category: 'rbac',
  description:
    'A binding to a role that does not exist grants nothing, but RBAC resolves the role at request time: whoever later creates a role of that name decides what the subjects get, without touching the binding. Reported only when the scanned files define roles.',
  remediation: 'Fix the roleRef name or kind, add the role to the manifests, or delete the binding; list roles that exist outside the scanned files in the knownRoles option.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding', RBAC_REFERENCES.rbac],
  standards: { nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  appliesTo: { kinds: BINDING_KINDS },
  reads: { kinds: ['ClusterRole', 'Role'], analyses: [definesRoles], scope: 'cluster' },
  options: {
    knownRoles: {
      type: 'string[]',
      default: [],
      description: 'Role and ClusterRole names that exist in the cluster though not in the scanned files (a Role as namespace/name).',
    },
  },
  messages: {
    missing: '{{role}} is not among the scanned objects: the binding grants nothing until a role of that name appears',
  },
  *evaluate({ resource, inventory, options }) {
    const roleRef: RoleRef | undefined = roleRefOf(resource);
    if (!roleRef) return;
    if (!inventory.get(definesRoles)) return;
    const namespace = resource.ref.namespace ?? 'default';
    if (roleRef.kind === 'ClusterRole') {
      if (isWellKnownClusterRole(roleRef.name) || options.knownRoles.includes(roleRef.name)) return;
      if (inventory.find('ClusterRole', undefined, roleRef.name)) return;
    } else if (roleRef.kind === 'Role') {
      // A ClusterRoleBinding cannot refer to a Role: the API server rejects it, so nothing to resolve.
      if (resource.ref.kind !== 'RoleBinding') return;
      if (isWellKnownRole(namespace, roleRef.name) || options.knownRoles.includes(`${namespace}/${roleRef.name}`)) return;
      if (inventory.find('Role', namespace, roleRef.name)) return;
    } else {
      return;
    }
    yield {
      path: ['roleRef', 'name'],
      messageId: 'missing',
      data: { role: roleRefLabel(roleRef, namespace) },
    };
  },
});
