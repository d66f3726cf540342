import { defineCheck } from '../model/check.js';
import { BINDING_KINDS, isGroup, RBAC_REFERENCES, refersToClusterRole, roleRefOf, subjectsOf } from './support/rbac.js';

export default defineCheck({
  id: 'rbac-system-masters',
  title: 'Binding names the system:masters group',
  severity: 'medium',
  category: 'rbac',
  description:
    'Members of system:masters are authorized before RBAC and admission webhooks see no difference: they are superusers whatever the bindings say, and removing bindings cannot revoke them. A binding naming the group shows credentials in it are expected to exist.',
  remediation: 'Remove the subject; issue administrators credentials in an ordinary group bound to the role they need, and keep system:masters for break-glass certificates.',
  references: [`${RBAC_REFERENCES.goodPractices}#least-privilege`, RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.7'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  appliesTo: { kinds: BINDING_KINDS },
  options: {},
  messages: {
    masters: 'group "system:masters" is authorized before RBAC: its members are superusers whatever this binding grants',
  },
  *evaluate({ resource }) {
    // The bootstrap ClusterRoleBinding cluster-admin -> system:masters exists in every cluster and grants nothing new.
    if (resource.ref.kind === 'ClusterRoleBinding' && refersToClusterRole(roleRefOf(resource), 'cluster-admin')) return;
    for (const subject of subjectsOf(resource)) {
      if (!isGroup(subject, 'system:masters')) continue;
      yield {
        path: [...subject.path, 'name'],
        messageId: 'masters',
      };
    }
  },
});
