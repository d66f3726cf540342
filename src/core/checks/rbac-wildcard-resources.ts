import { defineCheck } from '../model/check.js';
import { entryIndex, RBAC_REFERENCES, ROLE_KINDS, rulesOf, shortList } from './support/rbac.js';
import { NON_RESOURCE_ALL, RESOURCE_ALL } from '../rbac/rules.js';

export default defineCheck({
  id: 'rbac-wildcard-resources',
  title: 'Role rule covers every resource (*)',
  severity: 'medium',
  category: 'rbac',
  description:
    "A '*' resource covers every resource and subresource of the rule's API groups (secrets, pods/exec, nodes/proxy...), including resources that custom resource definitions add later; a '*' non-resource URL covers every URL outside the resource API.",
  remediation: "List the resources the subject needs instead of '*'; put subresources such as pods/log in the list explicitly.",
  references: [RBAC_REFERENCES.goodPractices, RBAC_REFERENCES.rbac, RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.3'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  options: {},
  messages: {
    resources: 'rules[{{rule}}] grants {{verbs}} on every resource (*) of API groups {{groups}}',
    nonResourceUrls: 'rules[{{rule}}] grants {{verbs}} on every non-resource URL (*)',
  },
  *evaluate({ resource }) {
    for (const located of rulesOf(resource)) {
      const verbs = shortList(located.rule.verbs);
      const index = entryIndex(located.raw, 'resources', (entry) => entry === RESOURCE_ALL);
      if (index >= 0) {
        const groups = located.rule.apiGroups.map((group) => (group === '' ? '"" (core)' : group));
        yield {
          path: [...located.path, 'resources', index],
          messageId: 'resources',
          data: { rule: located.index, verbs: verbs || 'no verbs', groups: shortList(groups) || '(none)' },
        };
      }
      const urlIndex = entryIndex(located.raw, 'nonResourceURLs', (entry) => entry === NON_RESOURCE_ALL);
      if (urlIndex >= 0) {
        yield { path: [...located.path, 'nonResourceURLs', urlIndex], messageId: 'nonResourceUrls', data: { rule: located.index, verbs: verbs || 'no verbs' } };
      }
    }
  },
});
