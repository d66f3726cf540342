import { defineCheck } from '../model/check.js';
import { entryIndex, RBAC_REFERENCES, ROLE_KINDS, rulesOf, shortList } from './support/rbac.js';
import { API_GROUP_ALL } from '../rbac/rules.js';

export default defineCheck({
  id: 'rbac-wildcard-api-groups',
  title: 'Role rule matches every API group (*)',
  severity: 'low',
  category: 'rbac',
  description:
    "A '*' API group makes the rule's resource names match in every group, including groups that custom resource definitions and aggregated APIs add later, where the same resource name can mean something else.",
  remediation: "List the API groups the resources belong to (\"\" for the core group) instead of '*'.",
  references: [RBAC_REFERENCES.goodPractices, RBAC_REFERENCES.rbac, RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.3'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  options: {},
  messages: {
    wildcard: 'rules[{{rule}}] matches resources {{resources}} in every API group (*)',
  },
  *evaluate({ resource }) {
    for (const located of rulesOf(resource)) {
      const index = entryIndex(located.raw, 'apiGroups', (entry) => entry === API_GROUP_ALL);
      if (index < 0) continue;
      yield {
        path: [...located.path, 'apiGroups', index],
        messageId: 'wildcard',
        data: { rule: located.index, resources: shortList(located.rule.resources) || '(none)' },
      };
    }
  },
});
