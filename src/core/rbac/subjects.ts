/**
 * Subjects and identities: how bindings name who they grant to, and who a request is.
 *
 * The authorizer sees a request's user name and groups. A binding subject matches a
 * User by exact name, a Group by membership, and a ServiceAccount by the user name
 * `system:serviceaccount:<namespace>:<name>` (so a User subject spelled that way is the
 * same principal). Principals are keyed `user:<name>` and `group:<name>`.
 */

export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
export const SUPERUSER_GROUP = 'system:masters';
export const AUTHENTICATED_GROUP = 'system:authenticated';
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';
export const ANONYMOUS_USER = 'system:anonymous';
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

/** A subject as the CLI and reports name it; service accounts always with their namespace. */
export interface Subject {
  kind: SubjectKind;
  name: string;
  /** ServiceAccount only */
  namespace?: string;
}

/** What the authorizer sees of a request's sender. */
export interface Identity {
  user: string;
  groups: readonly string[];
}

export function serviceAccountUser(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

/** `system:serviceaccount:ns:name` split, or undefined for other user names. */
export function parseServiceAccountUser(user: string): { namespace: string; name: string } | undefined {
  if (!user.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const rest = user.slice(SERVICE_ACCOUNT_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1 || rest.indexOf(':', colon + 1) >= 0) return undefined;
  return { namespace: rest.slice(0, colon), name: rest.slice(colon + 1) };
}

export function userPrincipal(user: string): string {
  return `user:${user}`;
}

export function groupPrincipal(group: string): string {
  return `group:${group}`;
}

/** `user:alice`, `group:devs`, `serviceaccount:ns:name`: the CLI syntax, also used in JSON output. */
export function formatSubject(subject: Subject): string {
  if (subject.kind === 'ServiceAccount') return `serviceaccount:${subject.namespace ?? ''}:${subject.name}`;
  return `${subject.kind === 'Group' ? 'group' : 'user'}:${subject.name}`;
}

/**
 * Parses a subject written like kubectl: `user:alice`, `group:devs`,
 * `serviceaccount:ns:name` (also `sa:ns:name` and `system:serviceaccount:ns:name`);
 * a bare name is a user. Returns an error sentence for malformed input.
 */
export function parseSubject(text: string): Subject | string {
  const trimmed = text.trim();
  if (trimmed === '') return 'empty subject';
  const serviceAccount = parseServiceAccountUser(trimmed);
  if (serviceAccount) return { kind: 'ServiceAccount', ...serviceAccount };
  if (trimmed.startsWith(SERVICE_ACCOUNT_PREFIX)) return `malformed service account "${trimmed}": expected system:serviceaccount:NAMESPACE:NAME`;
  const colon = trimmed.indexOf(':');
  const prefix = colon < 0 ? '' : trimmed.slice(0, colon).toLowerCase();
  const rest = colon < 0 ? trimmed : trimmed.slice(colon + 1);
  switch (prefix) {
    case 'user':
      if (rest === '') return 'empty user name';
      return rest.startsWith(SERVICE_ACCOUNT_PREFIX) ? parseSubject(rest) : { kind: 'User', name: rest };
    case 'group':
      return rest === '' ? 'empty group name' : { kind: 'Group', name: rest };
    case 'serviceaccount':
    case 'sa': {
      const parts = rest.split(':');
      if (parts.length !== 2 || !parts[0] || !parts[1]) return `malformed service account "${trimmed}": expected serviceaccount:NAMESPACE:NAME`;
      return { kind: 'ServiceAccount', namespace: parts[0], name: parts[1] };
    }
    default:
      // user names may contain colons (system:kube-scheduler, oidc:alice): anything else is a user
      return { kind: 'User', name: trimmed };
  }
}

/**
 * The identity a subject authenticates as, with the groups the authenticator adds:
 * every authenticated user is in system:authenticated; service accounts also in
 * system:serviceaccounts and system:serviceaccounts:<ns>; system:anonymous is in
 * system:unauthenticated only. A group stands for an authenticated member of it
 * with no other group. `extraGroups` adds groups the caller knows of.
 */
export function identityOf(subject: Subject, extraGroups: readonly string[] = []): Identity {
  const groups: string[] = [];
  let user = '';
  if (subject.kind === 'ServiceAccount') {
    user = serviceAccountUser(subject.namespace ?? '', subject.name);
    groups.push(SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${subject.namespace ?? ''}`, AUTHENTICATED_GROUP);
  } else if (subject.kind === 'User') {
    user = subject.name;
    groups.push(subject.name === ANONYMOUS_USER ? UNAUTHENTICATED_GROUP : AUTHENTICATED_GROUP);
  } else {
    groups.push(subject.name);
    if (subject.name !== UNAUTHENTICATED_GROUP && subject.name !== AUTHENTICATED_GROUP) groups.push(AUTHENTICATED_GROUP);
  }
  for (const group of extraGroups) if (!groups.includes(group)) groups.push(group);
  return { user, groups };
}
