import { defineCheck } from '../model/check.js';
import { BINDING_KINDS, bindingScope, RBAC_REFERENCES, roleRefLabel, roleRefOf, subjectsOf } from './support/rbac.js';

export default defineCheck({
  id: 'default-service-account-bound',
  title: 'Binding grants a role to a default service account',
  severity: 'medium',
  category: 'service-accounts',
  description:
    'Every pod of a namespace that names no service account runs as its default service account, and most workloads name none: a role bound to default goes to all of them, including pods added later by anyone who may create pods there.',
  remediation: 'Create a dedicated service account for the workload that needs the role, bind the role to it, and set spec.serviceAccountName on that workload.',
  references: ['https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts', RBAC_REFERENCES.goodPractices, RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.5'], nsa: ['Authentication and authorization', 'Pod security: protecting pod service account tokens'], mitre: ['T1078.001'] },
  enabledByDefault: true,
  appliesTo: { kinds: BINDING_KINDS },
  options: {},
  messages: {
    bound: 'grants {{role}} {{scope}} to the default service account of namespace "{{namespace}}": every pod there that names no service account gets it',
  },
  *evaluate({ resource }) {
    const roleRef = roleRefOf(resource);
    if (!roleRef) return;
    const bindingNamespace = resource.ref.kind === 'RoleBinding' ? resource.ref.namespace : undefined;
    for (const subject of subjectsOf(resource)) {
      if (subject.kind !== 'ServiceAccount' || subject.name !== 'default') continue;
      const namespace = subject.namespace || bindingNamespace;
      // an empty namespace in a ClusterRoleBinding matches no service account
      if (!namespace) continue;
      yield {
        path: [...subject.path, 'name'],
        messageId: 'bound',
        data: { role: roleRefLabel(roleRef, resource.ref.namespace), scope: bindingScope(resource), namespace },
      };
    }
  },
});
