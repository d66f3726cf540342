import { defineCheck } from '../model/check.js';
import {
  describeGrants,
  grantPath,
  grantsOf,
  namesNote,
  permissionsFor,
  RBAC_REFERENCES,
  ROLE_KINDS,
  rulesOf,
  type Permission,
} from './support/rbac.js';

/**
 * The impersonation filter asks for `impersonate` on users, groups and serviceaccounts
 * (core group; serviceaccounts in the account's namespace), uids, and userextras/<key>
 * (authentication.k8s.io). Only service accounts are namespaced.
 */
const FIXED: readonly Permission[] = [
  ...permissionsFor(['impersonate'], '', ['users', 'groups'], { clusterScoped: true, anchor: 'verb' }),
  ...permissionsFor(['impersonate'], '', ['serviceaccounts'], { anchor: 'verb' }),
  ...permissionsFor(['impersonate'], 'authentication.k8s.io', ['uids'], { clusterScoped: true, anchor: 'verb' }),
];

/** An extra key no rule lists: matched only by '*' resources. */
const ANY_EXTRA = '\u0000any';

/** userextras/<key> for every key the rule names, and for a key it does not. */
function extrasProbes(resources: readonly string[]): Permission[] {
  const keys = new Set<string>([ANY_EXTRA]);
  for (const entry of resources) {
    const slash = entry.indexOf('/');
    if (slash >= 0 && (entry.slice(0, slash) === 'userextras' || entry.slice(0, slash) === '*')) keys.add(entry.slice(slash + 1));
  }
  return [...keys].map((key) => ({ verb: 'impersonate', apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: key, clusterScoped: true, anchor: 'verb' as const }));
}

export default defineCheck({
  id: 'rbac-impersonate',
  title: 'Role can impersonate users, groups or service accounts',
  severity: 'high',
  category: 'rbac',
  description:
    'impersonate lets the holder send requests as another user, group, service account, UID or user extra and so acquire its permissions; impersonating any group includes system:masters, which bypasses RBAC entirely.',
  remediation:
    'Remove impersonate, or limit it with resourceNames to the specific low-privilege identities a tool must act as, and audit its use.',
  references: [`${RBAC_REFERENCES.goodPractices}#impersonate-verb`, 'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation', RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.8'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  options: {},
  messages: {
    allows: 'rules[{{rule}}] allows {{grants}}: requests can be sent as those identities, with their permissions',
  },
  *evaluate({ resource }) {
    for (const located of rulesOf(resource)) {
      const grants = grantsOf(resource, located, [...FIXED, ...extrasProbes(located.rule.resources)]);
      if (grants.length === 0) continue;
      const what = describeGrants(grants).replace(`userextras/${ANY_EXTRA}`, 'userextras/<any key>');
      yield { path: grantPath(located, grants), messageId: 'allows', data: { rule: located.index, grants: `${what}${namesNote(located, grants)}` } };
    }
  },
});
