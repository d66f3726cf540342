import { defineCheck } from '../model/check.js';
import { BINDING_KINDS, bindingScope, isGroup, RBAC_REFERENCES, roleRefLabel, roleRefOf, subjectLabel, subjectsOf } from './support/rbac.js';

/** The groups reported, with the message saying who they hold. */
const WHO = {
  'system:authenticated': 'authenticated',
  'system:serviceaccounts': 'serviceAccounts',
} as const;

export default defineCheck({
  id: 'rbac-binding-to-authenticated',
  title: 'Binding grants a role to all authenticated users or all service accounts',
  severity: 'high',
  category: 'rbac',
  description:
    'Every authenticated identity is in group system:authenticated and every service account in system:serviceaccounts; a binding to either hands its role to every user, every workload and any credential stolen from them. With some identity providers, any account at the provider authenticates.',
  remediation: 'Bind the role to the specific users, groups or service accounts that need it.',
  references: [RBAC_REFERENCES.goodPractices, 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings', RBAC_REFERENCES.rbac],
  standards: { nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  appliesTo: { kinds: BINDING_KINDS },
  options: {
    allowedClusterRoles: {
      type: 'string[]',
      default: ['system:basic-user', 'system:discovery', 'system:public-info-viewer'],
      description: 'ClusterRoles that may be bound to these groups; the defaults are the bootstrap discovery roles every cluster binds to system:authenticated.',
    },
  },
  messages: {
    authenticated: 'grants {{role}} {{scope}} to {{subject}}: every user and service account with a valid credential',
    serviceAccounts: 'grants {{role}} {{scope}} to {{subject}}: every service account of every namespace',
  },
  *evaluate({ resource, options }) {
    const roleRef = roleRefOf(resource);
    if (!roleRef) return;
    if (roleRef.kind === 'ClusterRole' && options.allowedClusterRoles.includes(roleRef.name)) return;
    for (const subject of subjectsOf(resource)) {
      const group = (Object.keys(WHO) as (keyof typeof WHO)[]).find((name) => isGroup(subject, name));
      if (group === undefined) continue;
      yield {
        path: [...subject.path, 'name'],
        messageId: WHO[group],
        data: { role: roleRefLabel(roleRef, resource.ref.namespace), scope: bindingScope(resource), subject: subjectLabel(subject, resource.ref.namespace) },
      };
    }
  },
});
