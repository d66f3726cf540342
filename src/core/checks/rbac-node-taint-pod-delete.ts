import { defineCheck } from '../model/check.js';
import { allowsData, describeGrants, grantMessages, grantsOf, permissionsFor, permissionViolations, RBAC_REFERENCES, rulesOf } from './support/rbac.js';
import { GRANT_HOLDER_READS } from './support/rbac-model.js';

/** Tainting a node (or cordoning it) is an update of the Node object; nodes are cluster-scoped. */
const NODE_WRITE = permissionsFor(['update', 'patch'], '', ['nodes'], { clusterScoped: true });
/** Removing pods so that they are scheduled again: delete them, or evict them. */
const POD_REMOVAL = [...permissionsFor(['delete', 'deletecollection'], '', ['pods']), ...permissionsFor(['create'], '', ['pods/eviction'])];

export default defineCheck({
  id: 'rbac-node-taint-pod-delete',
  title: 'Role can taint nodes and remove pods',
  severity: 'high',
  category: 'rbac',
  description:
    "Taints and cordons are writes to Node objects. A subject that can taint every node but one and then delete or evict pods steers the workloads it wants, with their service account tokens, secrets and volumes, onto the node of its choosing, one it controls or has compromised. Either half alone is routine for node and workload operators; together they move any pod. Only the ClusterRole's grant matters: nodes are cluster-scoped, so a RoleBinding never grants them.",
  remediation: 'Split node maintenance (update and patch on nodes) from pod deletion and eviction across different identities, or limit the node writes to the node controller and the cluster autoscaler.',
  references: [RBAC_REFERENCES.goodPractices, 'https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/'],
  standards: { nsa: ['Authentication and authorization'], mitre: ['T1610'] },
  enabledByDefault: true,
  appliesTo: { kinds: ['ClusterRole'] },
  reads: GRANT_HOLDER_READS,
  options: {},
  messages: grantMessages({
    sameRule: 'rules[{{rule}}] allows {{grants}} and {{podGrants}}: it can taint nodes and push pods onto the node it chooses',
    otherRule: 'rules[{{rule}}] allows {{grants}} and rules[{{podRule}}] allows {{podGrants}}: it can taint nodes and push pods onto the node it chooses',
  }),
  *evaluate({ resource, inventory }) {
    // The pod half, from any rule of the role: named for the message.
    const podRule = rulesOf(resource).find((located) => grantsOf(resource, located, POD_REMOVAL).length > 0);
    if (!podRule) return;
    const podGrants = grantsOf(resource, podRule, POD_REMOVAL);
    yield* permissionViolations({ resource, inventory }, NODE_WRITE, (grants, located) => {
      const data = { ...allowsData(located, grants), podGrants: describeGrants(podGrants) };
      if (located.index === podRule.index) return { messageId: 'sameRule' as const, data };
      return { messageId: 'otherRule' as const, data: { ...data, podRule: podRule.index } };
    });
  },
});
