import { defineCheck } from '../model/check.js';
import { entryIndex, RBAC_REFERENCES, ROLE_KINDS, ruleName, rulesOf, ruleTarget } from './support/rbac.js';
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
  *evaluate({ resource }) {
    for (const located of rulesOf(resource)) {
      const index = entryIndex(located.raw, 'verbs', (entry) => entry === VERB_ALL);
      if (index < 0) continue;
      yield { path: [...located.path, 'verbs', index], message: `${ruleName(located)} grants every verb (*) on ${ruleTarget(located)}` };
    }
  },
});
