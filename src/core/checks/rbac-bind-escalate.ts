import { defineCheck } from '../model/check.js';
import { allows, grantMessages, permissionsFor, permissionViolations, RBAC_REFERENCES, ROLE_KINDS, type Permission } from './support/rbac.js';
import { RBAC_API_GROUP } from '../rbac/model.js';
import { GRANT_HOLDER_READS } from './support/rbac-model.js';

/**
 * RBAC's escalation prevention asks for `bind` on the referenced role in the binding's
 * namespace (so a Role can grant bind on clusterroles for RoleBindings in its namespace),
 * and for `escalate` on the role being written (clusterroles: cluster scope only).
 */
const PERMISSIONS: readonly Permission[] = [
  ...permissionsFor(['escalate'], RBAC_API_GROUP, ['roles'], { anchor: 'verb' }),
  ...permissionsFor(['escalate'], RBAC_API_GROUP, ['clusterroles'], { anchor: 'verb', clusterScoped: true }),
  ...permissionsFor(['bind'], RBAC_API_GROUP, ['roles', 'clusterroles'], { anchor: 'verb' }),
  ...permissionsFor(['create', 'update', 'patch'], RBAC_API_GROUP, ['rolebindings']),
  ...permissionsFor(['create', 'update', 'patch'], RBAC_API_GROUP, ['clusterrolebindings'], { clusterScoped: true }),
];

export default defineCheck({
  id: 'rbac-bind-escalate',
  title: 'Role can escalate, bind roles or write role bindings',
  severity: 'high',
  category: 'rbac',
  description:
    "escalate lets the holder write roles with permissions it does not hold and bind lets it grant roles it does not hold, each defeating RBAC's escalation prevention; writing role bindings lets it hand its own permissions, and any role it may bind, to any subject, anonymous included.",
  remediation:
    'Remove escalate and bind, or limit bind with resourceNames to the roles a delegated administrator may hand out; grant writes on role bindings only to trusted administration tooling.',
  references: [`${RBAC_REFERENCES.goodPractices}#escalate-verb`, `${RBAC_REFERENCES.goodPractices}#bind-verb`, 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping', RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.8'], nsa: ['Authentication and authorization'], mitre: ['T1098.006'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  reads: GRANT_HOLDER_READS,
  options: {},
  messages: grantMessages({
    escalate: 'rules[{{rule}}] allows {{grants}}: it can write roles with permissions it does not hold',
    bind: 'rules[{{rule}}] allows {{grants}}: it can grant roles it does not hold',
    bindings: 'rules[{{rule}}] allows {{grants}}: it can grant its permissions, and roles it may bind, to any subject',
  }),
  *evaluate({ resource, inventory }) {
    yield* permissionViolations({ resource, inventory }, PERMISSIONS, (grants, located) => {
      const verbs = new Set(grants.map(({ permission }) => permission.verb));
      const messageId = verbs.has('escalate') ? 'escalate' : verbs.has('bind') ? 'bind' : 'bindings';
      return allows(messageId, located, grants);
    });
  },
});
