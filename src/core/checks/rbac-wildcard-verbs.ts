import { defineCheck } from '../model/check.js';
import { entryIndex, RBAC_REFERENCES, ROLE_KINDS, rulesOf, shortList } from './support/rbac.js';
import { VERB_ALL } from '../rbac/rules.js';

export default defineCheck({
  id: 'rbac-wildcard-verbs',
  title: 'Role rule grants every verb (*)',
  severity: 'medium',
  category: 'rbac',
  description:
    "A '*' verb grants every verb on the rule's resources, including escalate, bind, impersonate and any verb added later, so the role's power cannot be read from the manifest.",
  remediation: "Replace '*' with the verbs the subject needs, for example get, list and watch.",
  references: [RBAC_REFERENCES.goodPractices, RBAC_REFERENCES.rbac, RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.3'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  options: {},
  messages: {
    resources: 'rules[{{rule}}] grants every verb (*) on resources {{resources}}',
    nonResourceUrls: 'rules[{{rule}}] grants every verb (*) on non-resource URLs {{urls}}',
    nothing: 'rules[{{rule}}] grants every verb (*) on no resources',
  },
  *evaluate({ resource }) {
    for (const located of rulesOf(resource)) {
      const index = entryIndex(located.raw, 'verbs', (entry) => entry === VERB_ALL);
      if (index < 0) continue;
      const path = [...located.path, 'verbs', index];
      const { resources, nonResourceURLs } = located.rule;
      if (resources.length > 0) yield { path, messageId: 'resources', data: { rule: located.index, resources: shortList(resources) } };
      else if (nonResourceURLs.length > 0) yield { path, messageId: 'nonResourceUrls', data: { rule: located.index, urls: shortList(nonResourceURLs) } };
      else yield { path, messageId: 'nothing', data: { rule: located.index } };
    }
  },
});
