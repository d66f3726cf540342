import { defineCheck } from '../model/check.js';
import { allows, grantMessages, permissionsFor, permissionViolations, RBAC_REFERENCES, ROLE_KINDS } from './support/rbac.js';
import { GRANT_HOLDER_READS } from './support/rbac-model.js';

const PERMISSIONS = permissionsFor(['create'], '', ['serviceaccounts/token']);

export default defineCheck({
  id: 'rbac-service-account-token-create',
  title: 'Role can mint service account tokens',
  severity: 'high',
  category: 'rbac',
  description:
    'create on serviceaccounts/token issues a token for a service account through the TokenRequest API, so the holder gains that account\'s permissions, with an expiry it chooses up to the server maximum.',
  remediation: 'Remove create on serviceaccounts/token, or limit it with resourceNames to the service accounts a tool must act as.',
  references: [`${RBAC_REFERENCES.goodPractices}#token-request`, 'https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/', RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.13'], nsa: ['Authentication and authorization', 'Pod security: protecting pod service account tokens'], mitre: ['T1528'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  reads: GRANT_HOLDER_READS,
  options: {},
  messages: grantMessages({ allows: "rules[{{rule}}] allows {{grants}}: it can obtain tokens for those service accounts" }),
  *evaluate({ resource, inventory }) {
    yield* permissionViolations(
      { resource, inventory },
      PERMISSIONS,
      (grants, located) => allows('allows', located, grants),
    );
  },
});
