import { defineCheck } from '../model/check.js';
import { allowsData, grantPath, grantsOf, permissionsFor, RBAC_REFERENCES, ROLE_KINDS, rulesOf } from './support/rbac.js';

export default defineCheck({
  id: 'rbac-nodes-proxy',
  title: 'Role can reach the kubelet API through nodes/proxy',
  severity: 'high',
  category: 'rbac',
  description:
    "nodes/proxy forwards requests to the kubelet API of any node, whose endpoints run commands in every pod on the node; the API server's audit log and admission control do not see those commands, and even get suffices over WebSocket.",
  remediation: 'Remove nodes/proxy; grant the narrower nodes/metrics, nodes/stats or nodes/log subresources to monitoring agents instead.',
  references: [`${RBAC_REFERENCES.goodPractices}#access-to-proxy-subresource-of-nodes`, 'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/', RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.10'], nsa: ['Authentication and authorization'], mitre: ['T1609'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  options: {},
  messages: {
    allows: 'rules[{{rule}}] allows {{grants}}: the kubelet API it reaches runs commands in every pod of a node',
  },
  *evaluate({ resource }) {
    for (const located of rulesOf(resource)) {
      // Any verb counts: probe with the verbs the rule lists. Nodes are cluster-scoped, so a Role grants nothing here.
      const grants = grantsOf(resource, located, permissionsFor(located.rule.verbs.filter((verb) => verb !== ''), '', ['nodes/proxy'], { clusterScoped: true }));
      if (grants.length === 0) continue;
      yield {
        path: grantPath(located, grants),
        messageId: 'allows',
        data: allowsData(located, grants),
      };
    }
  },
});
