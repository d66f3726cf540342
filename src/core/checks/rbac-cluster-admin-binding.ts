import { defineCheck } from '../model/check.js';
import { BINDING_KINDS, bindingScope, isGroup, RBAC_REFERENCES, refersToClusterRole, roleRefOf, shortList, subjectLabel, subjectsOf } from './support/rbac.js';

export default defineCheck({
  id: 'rbac-cluster-admin-binding',
  title: 'Binding grants cluster-admin',
  severity: 'high',
  category: 'rbac',
  description:
    'The cluster-admin ClusterRole allows everything: bound by a ClusterRoleBinding it controls the whole cluster, bound by a RoleBinding it controls the namespace, its secrets and role bindings included. A stolen credential of any subject is then a full compromise.',
  remediation: 'Bind a role with the permissions the subject needs (admin, edit or view in a namespace, or a custom role); keep cluster-admin for break-glass access.',
  references: [RBAC_REFERENCES.goodPractices, 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles', RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.1'], nsa: ['Authentication and authorization'], mitre: ['T1098.006'] },
  enabledByDefault: true,
  appliesTo: { kinds: BINDING_KINDS },
  options: {},
  *evaluate({ resource }) {
    if (!refersToClusterRole(roleRefOf(resource), 'cluster-admin')) return;
    // system:masters is a superuser group before RBAC: binding it adds nothing (rbac-system-masters reports it).
    const subjects = subjectsOf(resource).filter((subject) => !isGroup(subject, 'system:masters'));
    if (subjects.length === 0) return;
    const names = subjects.map((subject) => subjectLabel(subject, resource.ref.namespace));
    yield { path: ['roleRef', 'name'], message: `binds ClusterRole "cluster-admin" ${bindingScope(resource)} to ${shortList(names)}` };
  },
});
