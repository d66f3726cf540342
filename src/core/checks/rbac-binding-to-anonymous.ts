import { defineCheck } from '../model/check.js';
import { BINDING_KINDS, bindingScope, isGroup, isUser, RBAC_REFERENCES, roleRefLabel, roleRefOf, subjectLabel, subjectsOf } from './support/rbac.js';

export default defineCheck({
  id: 'rbac-binding-to-anonymous',
  title: 'Binding grants a role to unauthenticated users',
  severity: 'critical',
  category: 'rbac',
  description:
    'Requests without credentials run as user system:anonymous in group system:unauthenticated when anonymous authentication is on (the default); a binding to either grants its role to anyone who can reach the API server.',
  remediation: 'Remove the subject from the binding; give the client a credential and bind its own identity.',
  references: [RBAC_REFERENCES.goodPractices, 'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests', RBAC_REFERENCES.rbac],
  standards: { nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  appliesTo: { kinds: BINDING_KINDS },
  options: {
    allowedClusterRoles: {
      type: 'string[]',
      default: ['system:public-info-viewer'],
      description:
        'ClusterRoles that may be bound to unauthenticated users; the default is the bootstrap binding that serves /healthz, /livez, /readyz and /version.',
    },
  },
  messages: {
    anonymous: 'grants {{role}} {{scope}} to {{subject}}: anyone who can reach the API server, without credentials',
  },
  *evaluate({ resource, options }) {
    const roleRef = roleRefOf(resource);
    if (!roleRef) return;
    if (roleRef.kind === 'ClusterRole' && options.allowedClusterRoles.includes(roleRef.name)) return;
    for (const subject of subjectsOf(resource)) {
      if (!isUser(subject, 'system:anonymous') && !isGroup(subject, 'system:unauthenticated')) continue;
      yield {
        path: [...subject.path, 'name'],
        messageId: 'anonymous',
        data: { role: roleRefLabel(roleRef, resource.ref.namespace), scope: bindingScope(resource), subject: subjectLabel(subject, resource.ref.namespace) },
      };
    }
  },
});
