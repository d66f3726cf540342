/**
 * Reading RBAC objects for the per-object checks: located rules and subjects,
 * the permissions a rule grants, and the paths findings point at.
 */
import type { Inventory } from '../../inventory/inventory.js';
import type { Violation, ViolationData } from '../../model/check.js';
import { grantedTo } from './rbac-model.js';
import { isRbacObject } from '../../rbac/model.js';
import type { Path } from '../../model/location.js';
import type { Resource } from '../../model/resource.js';
import { asArray, asRecord, asString } from '../../model/values.js';
import {
  resourceEntryMatches,
  ruleAllows,
  ruleAllowsSomeName,
  toPolicyRule,
  VERB_ALL,
  type PolicyRule,
} from '../../rbac/rules.js';

export const ROLE_KINDS = ['ClusterRole', 'Role'] as const;
export const BINDING_KINDS = ['ClusterRoleBinding', 'RoleBinding'] as const;

/**
 * A ClusterRole with an aggregationRule has its rules overwritten by the aggregation
 * controller with the union of the rules of the ClusterRoles it selects. Those roles
 * are scanned (and reported) on their own; the manifest's rules here mean nothing.
 */
export function isAggregatedClusterRole(resource: Resource): boolean {
  return resource.ref.kind === 'ClusterRole' && asRecord(resource.object.aggregationRule) !== undefined;
}

export interface LocatedRule {
  index: number;
  rule: PolicyRule;
  /** the rule as written, for locating list entries */
  raw: Record<string, unknown>;
  path: Path;
}

/** The rules a Role or ClusterRole grants by itself; none for aggregated ClusterRoles. */
export function rulesOf(resource: Resource): LocatedRule[] {
  if (!isRbacObject(resource) || isAggregatedClusterRole(resource)) return [];
  const out: LocatedRule[] = [];
  asArray(resource.object.rules).forEach((value, index) => {
    const raw = asRecord(value);
    if (raw) out.push({ index, rule: toPolicyRule(raw), raw, path: ['rules', index] });
  });
  return out;
}

/** Index in the raw list of the first string entry satisfying the predicate. */
export function entryIndex(raw: Record<string, unknown>, field: string, predicate: (entry: string) => boolean): number {
  return asArray(raw[field]).findIndex((entry) => typeof entry === 'string' && predicate(entry));
}

/** Path of a list entry, or of the rule when the list has no such entry. */
export function entryPath(located: LocatedRule, field: string, predicate: (entry: string) => boolean): Path {
  const index = entryIndex(located.raw, field, predicate);
  return index < 0 ? located.path : [...located.path, field, index];
}

/**
 * A permission worth a finding: a verb on `resource[/subresource]` in a group.
 * `clusterScoped` permissions cannot be granted by a Role (a Role's rules apply in its
 * namespace only). `anchor` says which list entry a finding points at: the verb when
 * the verb is the dangerous part (bind, impersonate, approve), else the resource.
 */
export interface Permission {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  clusterScoped?: boolean;
  anchor?: 'verb' | 'resource';
}

/** A permission a rule grants (not the RBAC model's Grant, which is a binding's rule allowing a request). */
export interface PermissionGrant {
  permission: Permission;
  /** allowed only for the objects listed in resourceNames */
  namedOnly: boolean;
}

/** A verb, group, resource, subresource and name that no manifest can list. */
const UNLISTED = '\u0000unlisted';

/**
 * True for a rule that allows every verb on every resource of every group ('*' in all three,
 * no names): rbac-cluster-admin-equivalent reports it once, so the checks of particular
 * permissions leave it out instead of repeating it for each (cluster-admin would otherwise
 * collect a dozen findings for one rule).
 */
export function allowsEverything(located: LocatedRule): boolean {
  return ruleAllows(located.rule, { verb: UNLISTED, apiGroup: UNLISTED, resource: UNLISTED, subresource: UNLISTED, name: UNLISTED });
}

/** The permissions among `permissions` the rule allows for at least one object name (none for an allow-everything rule). */
export function grantsOf(resource: Resource, located: LocatedRule, permissions: readonly Permission[]): PermissionGrant[] {
  if (allowsEverything(located)) return [];
  const namespaced = resource.ref.kind === 'Role';
  const grants: PermissionGrant[] = [];
  for (const permission of permissions) {
    if (namespaced && permission.clusterScoped) continue;
    if (ruleAllowsSomeName(located.rule, permission)) grants.push({ permission, namedOnly: located.rule.resourceNames.length > 0 });
  }
  return grants;
}

/** `pods/exec`, `certificatesigningrequests/approval`: the resource as RBAC rules write it. */
export function resourceLabel(permission: Permission): string {
  return `${permission.resource}${permission.subresource ? `/${permission.subresource}` : ''}`;
}

/**
 * "list, get on secrets; create on deployments, statefulsets in apps": verbs per resource,
 * resources of one group with the same verbs merged.
 */
export function describeGrants(grants: readonly PermissionGrant[]): string {
  const byResource = new Map<string, { group: string; label: string; verbs: string[] }>();
  for (const { permission } of grants) {
    const label = resourceLabel(permission);
    const key = `${permission.apiGroup}\u0000${label}`;
    const entry = byResource.get(key) ?? { group: permission.apiGroup, label, verbs: [] };
    if (!entry.verbs.includes(permission.verb)) entry.verbs.push(permission.verb);
    byResource.set(key, entry);
  }
  const byVerbs = new Map<string, { group: string; verbs: string[]; labels: string[] }>();
  for (const { group, label, verbs } of byResource.values()) {
    const key = `${verbs.join(',')}\u0000${group}`;
    const entry = byVerbs.get(key) ?? { group, verbs, labels: [] };
    entry.labels.push(label);
    byVerbs.set(key, entry);
  }
  return [...byVerbs.values()]
    .map(({ group, verbs, labels }) => {
      const verbText = verbs.map((verb) => (verb === VERB_ALL ? 'every verb (*)' : verb)).join(', ');
      return `${verbText} on ${shortList(labels)}${group === '' ? '' : ` in ${group}`}`;
    })
    .join('; ');
}

/** ` (only a, b)` when the rule is limited by resourceNames, else ''. */
export function namesNote(located: LocatedRule, grants: readonly PermissionGrant[]): string {
  return grants.every((grant) => grant.namedOnly) ? ` (only ${located.rule.resourceNames.join(', ')})` : '';
}

/** Path of the entry that grants the first permission: its verb entry or its resources entry. */
export function grantPath(located: LocatedRule, grants: readonly PermissionGrant[]): Path {
  const first = grants[0];
  if (!first) return located.path;
  const { permission } = first;
  if (permission.anchor === 'verb') {
    return entryPath(located, 'verbs', (entry) => entry === permission.verb || entry === VERB_ALL);
  }
  return entryPath(located, 'resources', (entry) =>
    grants.some(({ permission: p }) => resourceEntryMatches(entry, p.resource, p.subresource ?? '')),
  );
}

/**
 * The data of `rules[{{rule}}] allows {{grants}}`: the rule's index and what it grants
 * (describeGrants), with the names it is limited to (namesNote) unless `names` is false.
 */
export function allowsData(located: LocatedRule, grants: readonly PermissionGrant[], names = true): { rule: number; grants: string } {
  return { rule: located.index, grants: `${describeGrants(grants)}${names ? namesNote(located, grants) : ''}` };
}

/** A permissionViolations report: message `messageId` with allowsData. */
export function allows<K extends string>(messageId: K, located: LocatedRule, grants: readonly PermissionGrant[], names = true): { messageId: K; data: ViolationData } {
  return { messageId, data: allowsData(located, grants, names) };
}

/** The id of a permissionViolations message that also names who holds the role. */
export type GrantedId<K extends string> = `${K}Granted`;

/**
 * The templates of a check built on permissionViolations: each sentence shape as given,
 * and the same shape followed by who holds the role (`; granted to {{holders}}`).
 */
export function grantMessages<K extends string>(messages: Readonly<Record<K, string>>): Readonly<Record<K | GrantedId<K>, string>> {
  const out: Record<string, string> = { ...messages };
  for (const [id, template] of Object.entries<string>(messages)) out[`${id}Granted`] = `${template}; granted to {{holders}}`;
  return out as Record<K | GrantedId<K>, string>;
}

/**
 * One violation per rule that grants any of `permissions`, at the entry granting the
 * first of them, with a message chosen from what the rule grants and, when the role is
 * bound, naming the subjects it is bound to (binding → role → rule): `messages` of the
 * check come from grantMessages.
 */
export function* permissionViolations<K extends string>(
  { resource, inventory }: { resource: Resource; inventory: Inventory },
  permissions: readonly Permission[],
  message: (grants: PermissionGrant[], located: LocatedRule) => { messageId: K; data: ViolationData } | undefined,
  filter: (grant: PermissionGrant) => boolean = () => true,
): Generator<Violation<K | GrantedId<K>>> {
  for (const located of rulesOf(resource)) {
    const grants = grantsOf(resource, located, permissions).filter(filter);
    if (grants.length === 0) continue;
    const report = message(grants, located);
    if (report === undefined) continue;
    const holders = grantedTo(resource, inventory, grants.map((grant) => grant.permission));
    const path = grantPath(located, grants);
    if (holders === undefined) yield { path, messageId: report.messageId, data: report.data };
    else yield { path, messageId: `${report.messageId}Granted`, data: { ...report.data, holders } };
  }
}

/** Permission list: every verb on every listed resource of one group. */
export function permissionsFor(
  verbs: readonly string[],
  apiGroup: string,
  resources: readonly string[],
  extra: Pick<Permission, 'clusterScoped' | 'anchor'> = {},
): Permission[] {
  return resources.flatMap((name) => {
    const [resource = name, subresource] = name.split('/', 2);
    return verbs.map((verb) => ({ verb, apiGroup, resource, ...(subresource ? { subresource } : {}), ...extra }));
  });
}

// ---------------------------------------------------------------- bindings

export interface LocatedSubject {
  index: number;
  kind: string;
  name: string;
  /** as written; '' when absent */
  namespace: string;
  path: Path;
}

export interface RoleRef {
  kind: string;
  name: string;
  apiGroup: string;
}

export function subjectsOf(resource: Resource): LocatedSubject[] {
  if (!isRbacObject(resource)) return [];
  const out: LocatedSubject[] = [];
  asArray(resource.object.subjects).forEach((value, index) => {
    const subject = asRecord(value);
    const kind = asString(subject?.kind);
    const name = asString(subject?.name);
    if (kind === undefined || name === undefined) return;
    out.push({ index, kind, name, namespace: asString(subject?.namespace) ?? '', path: ['subjects', index] });
  });
  return out;
}

export function roleRefOf(resource: Resource): RoleRef | undefined {
  if (!isRbacObject(resource)) return undefined;
  const roleRef = asRecord(resource.object.roleRef);
  const kind = asString(roleRef?.kind);
  const name = asString(roleRef?.name);
  if (kind === undefined || name === undefined) return undefined;
  return { kind, name, apiGroup: asString(roleRef?.apiGroup) ?? '' };
}

/** The authorizer matches subjects by exact kind and name: User by name, Group by membership. */
export function isGroup(subject: LocatedSubject, name: string): boolean {
  return subject.kind === 'Group' && subject.name === name;
}

export function isUser(subject: LocatedSubject, name: string): boolean {
  return subject.kind === 'User' && subject.name === name;
}

/** How a message names a subject: `group "system:authenticated"`, `service account "ci/deployer"`. */
export function subjectLabel(subject: LocatedSubject, bindingNamespace: string | undefined): string {
  switch (subject.kind) {
    case 'ServiceAccount':
      return `service account "${subject.namespace || bindingNamespace || ''}/${subject.name}"`;
    case 'Group':
      return `group "${subject.name}"`;
    case 'User':
      return `user "${subject.name}"`;
    default:
      return `${subject.kind} "${subject.name}"`;
  }
}

/** `ClusterRole "view"` or `Role "team/reader"`. */
export function roleRefLabel(roleRef: RoleRef, bindingNamespace: string | undefined): string {
  return roleRef.kind === 'Role' ? `Role "${bindingNamespace ?? ''}/${roleRef.name}"` : `${roleRef.kind} "${roleRef.name}"`;
}

/** Where a binding's grant applies, for messages. */
export function bindingScope(resource: Resource): string {
  return resource.ref.kind === 'RoleBinding' ? `in namespace "${resource.ref.namespace ?? 'default'}"` : 'cluster-wide';
}

/** A binding with a ClusterRole roleRef named `name`. */
export function refersToClusterRole(roleRef: RoleRef | undefined, name: string): boolean {
  return roleRef?.kind === 'ClusterRole' && roleRef.name === name;
}


/** At most `limit` items, then "and N more". */
export function shortList(items: readonly string[], limit = 4): string {
  if (items.length <= limit) return items.join(', ');
  return `${items.slice(0, limit).join(', ')} and ${items.length - limit} more`;
}

export const RBAC_REFERENCES = {
  rbac: 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/',
  goodPractices: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
  cis: 'https://www.cisecurity.org/benchmark/kubernetes',
} as const;
