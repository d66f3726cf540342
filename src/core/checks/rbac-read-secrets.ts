import { defineCheck } from '../model/check.js';
import { allows, grantMessages, permissionsFor, permissionViolations, RBAC_REFERENCES, ROLE_KINDS } from './support/rbac.js';
import { GRANT_HOLDER_READS } from './support/rbac-model.js';

const READ_SECRETS = permissionsFor(['list', 'watch', 'get'], '', ['secrets']);

export default defineCheck({
  id: 'rbac-read-secrets',
  title: 'Role can read secrets',
  severity: 'high',
  category: 'rbac',
  description:
    'Reading secrets exposes service account tokens, registry credentials and application keys, often a direct step to more privilege; list and watch are worse than get because they return the value of every secret at once, without knowing any name.',
  remediation: 'Remove get, list and watch on secrets, or restrict get to the secrets the subject needs with resourceNames; mount secrets into pods instead of reading them through the API.',
  references: [`${RBAC_REFERENCES.goodPractices}#listing-secrets`, RBAC_REFERENCES.rbac, RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.2'], nsa: ['Authentication and authorization', 'Network separation: secrets'], mitre: ['T1552.007', 'T1528'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  reads: GRANT_HOLDER_READS,
  options: {
    includeNamedSecrets: {
      type: 'boolean',
      default: false,
      description: 'Also report rules limited by resourceNames to specific secrets (the least-privilege form of secret access).',
    },
  },
  messages: grantMessages({
    named: 'rules[{{rule}}] allows {{grants}}: the named secrets are readable',
    bulk: 'rules[{{rule}}] allows {{grants}}: list and watch return the value of every secret',
    byName: 'rules[{{rule}}] allows {{grants}}: any secret can be read by name',
  }),
  *evaluate({ resource, inventory, options }) {
    yield* permissionViolations(
      { resource, inventory },
      READ_SECRETS,
      (grants, located) => {
        const bulk = grants.some(({ permission }) => permission.verb !== 'get');
        return allows(grants[0]?.namedOnly ? 'named' : bulk ? 'bulk' : 'byName', located, grants);
      },
      (grant) => options.includeNamedSecrets || !grant.namedOnly,
    );
  },
});
