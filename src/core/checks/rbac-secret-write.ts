import { defineCheck } from '../model/check.js';
import { allows, grantMessages, permissionsFor, permissionViolations, RBAC_REFERENCES, ROLE_KINDS } from './support/rbac.js';
import { GRANT_HOLDER_READS } from './support/rbac-model.js';

const WRITE_SECRETS = permissionsFor(['create', 'update', 'patch'], '', ['secrets']);

export default defineCheck({
  id: 'rbac-secret-write',
  title: 'Role can create or change secrets',
  severity: 'high',
  category: 'rbac',
  description:
    "create on secrets lets the holder plant a Secret of type kubernetes.io/service-account-token naming any service account of the namespace (or of every namespace, for a cluster-wide grant): the token controller fills it with a long-lived token for that account, so the holder gains the permissions of every service account in reach. update and patch let it replace the credentials, certificates and registry keys that other workloads mount, or read them back through the object it rewrites. rbac-escalation-path follows the token Secret to cluster-admin when an account in reach has that power. Rules limited by resourceNames (they never allow create) are reported with the includeNamedSecrets option.",
  remediation:
    'Remove create, update and patch on secrets, or limit update and patch with resourceNames to the secrets a controller manages; let a secret manager or a dedicated controller write secrets instead of people and general-purpose service accounts.',
  references: [`${RBAC_REFERENCES.goodPractices}#secrets`, 'https://kubernetes.io/docs/concepts/configuration/secret/#service-account-token-secrets', RBAC_REFERENCES.rbac],
  standards: { nsa: ['Authentication and authorization', 'Network separation: secrets'], mitre: ['T1528', 'T1098.006'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  reads: GRANT_HOLDER_READS,
  options: {
    includeNamedSecrets: {
      type: 'boolean',
      default: false,
      description: 'Also report rules limited by resourceNames to specific secrets (update and patch of named secrets, the least-privilege form of secret writes).',
    },
  },
  messages: grantMessages({
    create: 'rules[{{rule}}] allows {{grants}}: it can plant a token Secret for any service account in reach and replace the credentials other workloads mount',
    createOnly: 'rules[{{rule}}] allows {{grants}}: it can plant a token Secret for any service account in reach',
    change: 'rules[{{rule}}] allows {{grants}}: it can replace the credentials other workloads mount',
    named: 'rules[{{rule}}] allows {{grants}}: it can replace the credentials of the named secrets',
  }),
  *evaluate({ resource, inventory, options }) {
    yield* permissionViolations(
      { resource, inventory },
      WRITE_SECRETS,
      (grants, located) => {
        if (grants[0]?.namedOnly) return allows('named', located, grants);
        const create = grants.some(({ permission }) => permission.verb === 'create');
        const change = grants.some(({ permission }) => permission.verb !== 'create');
        return allows(create ? (change ? 'create' : 'createOnly') : 'change', located, grants);
      },
      (grant) => options.includeNamedSecrets || !grant.namedOnly,
    );
  },
});
