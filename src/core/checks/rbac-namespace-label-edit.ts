import { defineCheck } from '../model/check.js';
import { allows, allowsData, grantMessages, permissionsFor, permissionViolations, RBAC_REFERENCES, ROLE_KINDS } from './support/rbac.js';
import { GRANT_HOLDER_READS } from './support/rbac-model.js';

/**
 * Not cluster-scoped for the authorizer: a request on /api/v1/namespaces/<name> carries
 * <name> as its namespace, so a Role grants update on its own Namespace object.
 */
const PERMISSIONS = permissionsFor(['update', 'patch'], '', ['namespaces']);

export default defineCheck({
  id: 'rbac-namespace-label-edit',
  title: 'Role can edit namespaces and their labels',
  severity: 'medium',
  category: 'rbac',
  description:
    'Namespace labels carry the Pod Security admission level (pod-security.kubernetes.io/enforce) and are what NetworkPolicy namespace selectors match: editing them can lift the namespace to privileged or let it into traffic meant for other namespaces. A Role grants this on its own namespace.',
  remediation: 'Remove update and patch on namespaces from all but cluster administrators; protect the pod-security labels with a ValidatingAdmissionPolicy.',
  references: [`${RBAC_REFERENCES.goodPractices}#namespace-modification`, 'https://kubernetes.io/docs/concepts/security/pod-security-admission/', RBAC_REFERENCES.rbac],
  standards: { nsa: ['Authentication and authorization', 'Pod security: pod security enforcement'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  reads: GRANT_HOLDER_READS,
  options: {},
  messages: grantMessages({
    allows: 'rules[{{rule}}] allows {{grants}}: it can change Pod Security levels and the labels NetworkPolicies select on',
    ownNamespace: 'rules[{{rule}}] allows {{grants}} (namespace "{{namespace}}" itself): it can change Pod Security levels and the labels NetworkPolicies select on',
  }),
  *evaluate({ resource, inventory }) {
    yield* permissionViolations({ resource, inventory }, PERMISSIONS, (grants, located) => {
      if (resource.ref.kind === 'Role') return { messageId: 'ownNamespace' as const, data: { ...allowsData(located, grants, false), namespace: resource.ref.namespace ?? 'default' } };
      return allows('allows', located, grants);
    });
  },
});
