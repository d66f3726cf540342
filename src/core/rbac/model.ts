/**
 * Effective RBAC permissions with the API server's semantics (`plugin/pkg/auth/authorizer/rbac`):
 * ClusterRoleBindings apply to every request, RoleBindings only to requests in their
 * namespace (so a ClusterRole bound by a RoleBinding grants only there, and
 * non-resource URLs, whose requests carry no namespace, only through
 * ClusterRoleBindings); system:masters is a superuser; aggregated ClusterRoles get
 * the union of the rules of the ClusterRoles they select, computed here as the
 * aggregation controller converges; bindings to missing roles grant nothing.
 *
 * Built once from the objects, indexed by principal and by role so that `authorize`
 * and `whoCan` touch only the bindings and roles that can matter.
 */
import { IN_NAMESPACE } from '../inventory/analysis.js';
import { extractWorkload, isWorkloadKind } from '../kinds/pod-spec.js';
import { matchesLabelSelector } from '../model/selectors.js';
import { metadataOf, type Resource } from '../model/resource.js';
import { asArray, asRecord, asString, asStringRecord } from '../model/values.js';
import { isNonResourceRequest, ruleAllows, toPolicyRule, type NonResourceRequest, type PolicyRule, type ResourceRequest } from './rules.js';
import {
  groupPrincipal,
  serviceAccountUser,
  SUPERUSER_GROUP,
  userPrincipal,
  type Identity,
  type Subject,
  type SubjectKind,
} from './subjects.js';

export const RBAC_API_GROUP = 'rbac.authorization.k8s.io';

/** A resource request with the namespace it is made in ('' for cluster-scoped requests). */
export interface NamespacedRequest extends ResourceRequest {
  readonly namespace: string;
}

export type AccessRequest = NamespacedRequest | NonResourceRequest;

/** One rule of a role, with the role whose manifest holds it (another role for aggregated ClusterRoles). */
export interface RoleRule {
  rule: PolicyRule;
  /** key of the role that declares the rule: `ClusterRole/name` or `Role/ns/name` */
  source: string;
  /** index in the declaring role's rules */
  index: number;
}

export interface RoleInfo {
  key: string;
  kind: 'Role' | 'ClusterRole';
  name: string;
  namespace?: string;
  resource: Resource;
  /** effective rules: the manifest's, or the aggregation of the selected roles */
  rules: readonly RoleRule[];
  /** ClusterRoles with an aggregationRule: the selected roles' keys, sorted */
  aggregatedFrom?: readonly string[];
}

export interface BindingSubject extends Subject {
  /** index in the binding's subjects */
  index: number;
  /** `user:name` or `group:name`; undefined when the subject can match nobody */
  principal: string | undefined;
}

export interface BindingInfo {
  key: string;
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  namespace?: string;
  resource: Resource;
  roleRef: { kind: string; name: string };
  /** the key the roleRef resolves to, whether or not the role exists */
  roleKey: string;
  role: RoleInfo | undefined;
  subjects: readonly BindingSubject[];
}

/** Why a request is allowed: one binding, subject entry, role and rule. */
export interface Grant {
  binding: BindingInfo;
  subject: BindingSubject;
  role: RoleInfo;
  rule: RoleRule;
}

export interface Decision {
  allowed: boolean;
  /** allowed as a member of system:masters, before RBAC */
  superuser: boolean;
  /** every binding rule that allows the request (empty for superusers and denials) */
  grants: Grant[];
}

export interface ServiceAccountInfo {
  namespace: string;
  name: string;
  resource?: Resource;
  /** Secrets of type kubernetes.io/service-account-token for it */
  tokenSecrets: string[];
  /** workloads running as it */
  workloads: Resource[];
  /**
   * The workload messages name (exec into it): of the objects that stand for those running as
   * it (a Pod's Deployment), the least by kind and name, so the name does not hang on which
   * Pod came first or still runs.
   */
  shown?: Resource;
}

/** A permission as it applies to a subject: where (cluster-wide or one namespace) and by which binding. */
export interface EffectiveRule extends Grant {
  /** '' for cluster-wide (ClusterRoleBinding), else the RoleBinding's namespace */
  namespace: string;
}

export interface RbacModel {
  readonly roles: ReadonlyMap<string, RoleInfo>;
  readonly bindings: readonly BindingInfo[];
  /** bindings whose roleRef names no role among the objects */
  readonly dangling: readonly BindingInfo[];
  readonly serviceAccounts: ReadonlyMap<string, ServiceAccountInfo>;
  readonly namespaces: readonly string[];
  /** bindings (with the matching subject entry) that name the identity's user or one of its groups */
  bindingsFor(identity: Identity): Array<{ binding: BindingInfo; subject: BindingSubject }>;
  /** bindings whose roleRef resolves to the role key */
  bindingsOfRole(roleKey: string): readonly BindingInfo[];
  authorize(identity: Identity, request: AccessRequest): Decision;
  /** every binding rule allowing the request, whoever it names (system:masters not included) */
  whoCan(request: AccessRequest): Grant[];
  /**
   * whoCan in every namespace at once: every binding rule allowing the request in some
   * namespace, with where it applies ('' cluster-wide). The request's namespace is ignored.
   */
  whoCanAnywhere(request: NamespacedRequest): EffectiveRule[];
  /** every rule the identity holds, with where it applies */
  permissions(identity: Identity): EffectiveRule[];
}

export function roleKey(kind: string, namespace: string | undefined, name: string): string {
  return kind === 'Role' ? `Role/${namespace ?? ''}/${name}` : `${kind}/${name}`;
}

export function serviceAccountKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Only rbac.authorization.k8s.io objects: a CRD kind named Role in another group is not RBAC. */
export function isRbacObject(resource: Resource): boolean {
  const [group, version] = resource.ref.apiVersion.split('/');
  return group === RBAC_API_GROUP && version !== undefined;
}

function declaredRules(resource: Resource, key: string): RoleRule[] {
  const out: RoleRule[] = [];
  asArray(resource.object.rules).forEach((value, index) => {
    if (asRecord(value)) out.push({ rule: toPolicyRule(value), source: key, index });
  });
  return out;
}

function ruleIdentity(rule: PolicyRule): string {
  return JSON.stringify([rule.verbs, rule.apiGroups, rule.resources, rule.resourceNames, rule.nonResourceURLs]);
}

/**
 * The aggregation controller's fixed point: an aggregated ClusterRole holds the rules
 * of every ClusterRole its selectors match (never itself), the matched aggregated
 * roles contributing their own aggregation, duplicates dropped.
 */
function aggregate(clusterRoles: Map<string, { resource: Resource; declared: RoleRule[]; selectors: unknown[] | undefined }>): Map<string, { rules: RoleRule[]; from: string[] }> {
  const labels = new Map<string, Record<string, string>>();
  for (const [key, role] of clusterRoles) labels.set(key, asStringRecord(metadataOf(role.resource.object).labels));
  const selected = new Map<string, string[]>();
  const names = [...clusterRoles.keys()].sort();
  for (const [key, role] of clusterRoles) {
    if (!role.selectors) continue;
    const matches = new Set<string>();
    for (const selector of role.selectors) {
      for (const other of names) if (other !== key && matchesLabelSelector(selector ?? {}, labels.get(other) ?? {})) matches.add(other);
    }
    selected.set(key, [...matches]);
  }
  const result = new Map<string, { rules: RoleRule[]; from: string[] }>();
  for (const [key, direct] of selected) {
    const seen = new Set<string>([key]);
    const queue = [...direct];
    const rules: RoleRule[] = [];
    const identities = new Set<string>();
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (seen.has(next)) continue;
      seen.add(next);
      const nested = selected.get(next);
      if (nested) {
        queue.push(...nested);
        continue;
      }
      for (const rule of clusterRoles.get(next)?.declared ?? []) {
        const id = ruleIdentity(rule.rule);
        if (identities.has(id)) continue;
        identities.add(id);
        rules.push(rule);
      }
    }
    result.set(key, { rules, from: [...direct].sort() });
  }
  return result;
}

export interface ModelOptions {
  /** the pod template reader, when the caller already caches it (the inventory does) */
  workloadOf?: (resource: Resource) => { podSpec: Record<string, unknown> } | undefined;
  /** The object that stands for a workload in findings (its top controller among the objects); itself when absent. */
  standsFor?: (resource: Resource) => Resource;
}

export function buildRbacModel(resources: readonly Resource[], options: ModelOptions = {}): RbacModel {
  const workloadOf = options.workloadOf ?? ((resource: Resource) => extractWorkload(resource.object));
  const roles = new Map<string, RoleInfo>();
  const clusterRoles = new Map<string, { resource: Resource; declared: RoleRule[]; selectors: unknown[] | undefined }>();
  const bindingResources: Resource[] = [];
  const serviceAccounts = new Map<string, ServiceAccountInfo>();
  const namespaces = new Set<string>();
  const serviceAccount = (namespace: string, name: string): ServiceAccountInfo => {
    const key = serviceAccountKey(namespace, name);
    let info = serviceAccounts.get(key);
    if (!info) serviceAccounts.set(key, (info = { namespace, name, tokenSecrets: [], workloads: [] }));
    return info;
  };

  for (const resource of resources) {
    const { kind, namespace, name } = resource.ref;
    if (namespace !== undefined) namespaces.add(namespace);
    if (kind === 'Namespace') namespaces.add(name);
    if ((kind === 'Role' || kind === 'ClusterRole') && isRbacObject(resource)) {
      const key = roleKey(kind, namespace, name);
      const declared = declaredRules(resource, key);
      const aggregationRule = kind === 'ClusterRole' ? asRecord(resource.object.aggregationRule) : undefined;
      if (kind === 'ClusterRole') clusterRoles.set(key, { resource, declared, selectors: aggregationRule ? asArray(aggregationRule.clusterRoleSelectors) : undefined });
      roles.set(key, { key, kind, name, ...(namespace !== undefined && kind === 'Role' ? { namespace } : {}), resource, rules: declared });
    } else if ((kind === 'RoleBinding' || kind === 'ClusterRoleBinding') && isRbacObject(resource)) {
      bindingResources.push(resource);
    } else if (kind === 'ServiceAccount' && namespace !== undefined) {
      serviceAccount(namespace, name).resource = resource;
    } else if (kind === 'Secret' && namespace !== undefined && resource.object.type === 'kubernetes.io/service-account-token') {
      const owner = asString(asStringRecord(metadataOf(resource.object).annotations)['kubernetes.io/service-account.name']);
      if (owner) serviceAccount(namespace, owner).tokenSecrets.push(name);
    }
  }
  for (const [key, { rules, from }] of aggregate(clusterRoles)) {
    const role = roles.get(key);
    if (role) roles.set(key, { ...role, rules, aggregatedFrom: from });
  }

  const bindings: BindingInfo[] = [];
  const byPrincipal = new Map<string, Array<{ binding: BindingInfo; subject: BindingSubject }>>();
  const byRole = new Map<string, BindingInfo[]>();
  for (const resource of bindingResources) {
    const { kind, namespace, name } = resource.ref;
    const bindingKind = kind as BindingInfo['kind'];
    const roleRefRecord = asRecord(resource.object.roleRef);
    const roleRef = { kind: asString(roleRefRecord?.kind) ?? '', name: asString(roleRefRecord?.name) ?? '' };
    const bindingNamespace = bindingKind === 'RoleBinding' ? namespace : undefined;
    // A ClusterRoleBinding cannot reference a Role (the API server rejects it): it resolves to nothing.
    const resolvable = roleRef.kind === 'ClusterRole' || (roleRef.kind === 'Role' && bindingKind === 'RoleBinding');
    const key = resolvable ? roleKey(roleRef.kind, bindingNamespace, roleRef.name) : `${roleRef.kind}/${roleRef.name}`;
    const subjects: BindingSubject[] = [];
    asArray(resource.object.subjects).forEach((value, index) => {
      const record = asRecord(value);
      const subjectKind = asString(record?.kind);
      const subjectName = asString(record?.name);
      if (!subjectName || (subjectKind !== 'User' && subjectKind !== 'Group' && subjectKind !== 'ServiceAccount')) return;
      if (subjectKind === 'ServiceAccount') {
        // appliesToUser: an empty namespace means the RoleBinding's own; in a ClusterRoleBinding it matches nobody.
        const saNamespace = asString(record?.namespace) || bindingNamespace || '';
        subjects.push({ kind: subjectKind, name: subjectName, namespace: saNamespace, index, principal: saNamespace ? userPrincipal(serviceAccountUser(saNamespace, subjectName)) : undefined });
      } else {
        subjects.push({ kind: subjectKind as SubjectKind, name: subjectName, index, principal: subjectKind === 'Group' ? groupPrincipal(subjectName) : userPrincipal(subjectName) });
      }
    });
    const binding: BindingInfo = {
      key: bindingKind === 'RoleBinding' ? `RoleBinding/${namespace ?? ''}/${name}` : `ClusterRoleBinding/${name}`,
      kind: bindingKind,
      name,
      ...(bindingNamespace !== undefined ? { namespace: bindingNamespace } : {}),
      resource,
      roleRef,
      roleKey: key,
      role: resolvable ? roles.get(key) : undefined,
      subjects,
    };
    bindings.push(binding);
    let list = byRole.get(key);
    if (!list) byRole.set(key, (list = []));
    list.push(binding);
    for (const subject of subjects) {
      if (!subject.principal) continue;
      let entries = byPrincipal.get(subject.principal);
      if (!entries) byPrincipal.set(subject.principal, (entries = []));
      entries.push({ binding, subject });
    }
  }
  for (const workload of resources) {
    const { namespace } = workload.ref;
    if (namespace === undefined) continue;
    const name = podServiceAccountName(workload, workloadOf);
    if (name === undefined) continue;
    const account = serviceAccount(namespace, name);
    account.workloads.push(workload);
    const shown = options.standsFor?.(workload) ?? workload;
    if (!account.shown || compareRefs(shown, account.shown) < 0) account.shown = shown;
  }

  const rolesByNamespace = new Map<string, RoleInfo[]>();
  const clusterRoleList: RoleInfo[] = [];
  for (const role of roles.values()) {
    if (role.kind === 'ClusterRole') clusterRoleList.push(role);
    else {
      let list = rolesByNamespace.get(role.namespace ?? '');
      if (!list) rolesByNamespace.set(role.namespace ?? '', (list = []));
      list.push(role);
    }
  }

  /**
   * The rules of a role that can match a resource request, from an index of each role's
   * rules by `resources` entry (exact, `*`, `*\/subresource`); aggregated roles hold
   * thousands of rules, of which a request concerns a few.
   */
  const ruleIndexes = new WeakMap<RoleInfo, Map<string, RoleRule[]>>();
  const candidateRules = (role: RoleInfo, request: AccessRequest): readonly RoleRule[] => {
    if (isNonResourceRequest(request) || role.rules.length < 8) return role.rules;
    let index = ruleIndexes.get(role);
    if (!index) {
      index = new Map();
      for (const rule of role.rules) {
        for (const entry of new Set(rule.rule.resources)) {
          const list = index.get(entry);
          if (list) list.push(rule);
          else index.set(entry, [rule]);
        }
      }
      ruleIndexes.set(role, index);
    }
    const subresource = request.subresource ?? '';
    const keys = [subresource === '' ? request.resource : `${request.resource}/${subresource}`, '*', ...(subresource === '' ? [] : [`*/${subresource}`])];
    const lists = keys.flatMap((key) => index.get(key) ?? []);
    return keys.filter((key) => index.has(key)).length > 1 ? [...new Set(lists)] : lists;
  };

  const bindingsFor = (identity: Identity) => {
    const out: Array<{ binding: BindingInfo; subject: BindingSubject }> = [];
    const seen = new Set<string>();
    const add = (principal: string) => {
      if (seen.has(principal)) return;
      seen.add(principal);
      const entries = byPrincipal.get(principal);
      if (entries) out.push(...entries);
    };
    if (identity.user !== '') add(userPrincipal(identity.user));
    for (const group of identity.groups) add(groupPrincipal(group));
    return out;
  };

  /** VisitRulesFor: ClusterRoleBindings always, RoleBindings only in the request's namespace. */
  const applies = (binding: BindingInfo, request: AccessRequest): boolean =>
    binding.kind === 'ClusterRoleBinding' || (!isNonResourceRequest(request) && request.namespace !== '' && request.namespace === binding.namespace);

  const authorize = (identity: Identity, request: AccessRequest): Decision => {
    if (identity.groups.includes(SUPERUSER_GROUP)) return { allowed: true, superuser: true, grants: [] };
    const grants: Grant[] = [];
    for (const { binding, subject } of bindingsFor(identity)) {
      if (!binding.role || !applies(binding, request)) continue;
      for (const rule of candidateRules(binding.role, request)) if (ruleAllows(rule.rule, request)) grants.push({ binding, subject, role: binding.role, rule });
    }
    return { allowed: grants.length > 0, superuser: false, grants };
  };

  const whoCan = (request: AccessRequest): Grant[] => {
    const namespace = isNonResourceRequest(request) ? '' : request.namespace;
    const candidates = namespace === '' ? clusterRoleList : [...clusterRoleList, ...(rolesByNamespace.get(namespace) ?? [])];
    const grants: Grant[] = [];
    for (const role of candidates) {
      const rules = candidateRules(role, request).filter((rule) => ruleAllows(rule.rule, request));
      if (rules.length === 0) continue;
      for (const binding of byRole.get(role.key) ?? []) {
        if (!applies(binding, request)) continue;
        for (const subject of binding.subjects) {
          if (!subject.principal) continue;
          for (const rule of rules) grants.push({ binding, subject, role, rule });
        }
      }
    }
    return grants;
  };

  const roleList = [...roles.values()];
  const whoCanAnywhere = (request: NamespacedRequest): EffectiveRule[] => {
    const out: EffectiveRule[] = [];
    for (const role of roleList) {
      const rules = candidateRules(role, request).filter((rule) => ruleAllows(rule.rule, request));
      if (rules.length === 0) continue;
      for (const binding of byRole.get(role.key) ?? []) {
        for (const subject of binding.subjects) {
          if (!subject.principal) continue;
          for (const rule of rules) out.push({ binding, subject, role, rule, namespace: binding.namespace ?? '' });
        }
      }
    }
    return out;
  };

  const permissions = (identity: Identity): EffectiveRule[] => {
    const out: EffectiveRule[] = [];
    for (const { binding, subject } of bindingsFor(identity)) {
      if (!binding.role) continue;
      for (const rule of binding.role.rules) out.push({ binding, subject, role: binding.role, rule, namespace: binding.namespace ?? '' });
    }
    return out;
  };

  return {
    roles,
    bindings,
    dangling: bindings.filter((binding) => !binding.role),
    serviceAccounts,
    namespaces: [...namespaces].sort(),
    bindingsFor,
    bindingsOfRole: (key) => byRole.get(key) ?? [],
    authorize,
    whoCan,
    whoCanAnywhere,
    permissions,
  };
}

/** The service account a pod template runs as (serviceAccountName, else the deprecated serviceAccount, else default). */
/**
 * What buildRbacModel reads of an object (Analysis.significant): a role's rules (a ClusterRole's
 * aggregation and labels too), a binding's role and subjects; of a Secret its type and owning account; of a workload the account it runs
 * as; of a service account, a Namespace or any other object only that it exists.
 */
/**
 * What an object adds to the model as seen from other objects (Analysis.member): of a workload
 * the account it runs as and the object messages would name for it (its top controller); of a
 * Secret that is no service account token, and of any other object the model does not read,
 * that its namespace is in use. Roles, bindings, service accounts and token Secrets count by identity.
 */
export function rbacModelMember(resource: Resource, standsFor: (resource: Resource) => Resource, workloadOf: NonNullable<ModelOptions['workloadOf']>): unknown {
  const { kind } = resource.ref;
  if (kind === 'Role' || kind === 'ClusterRole' || kind === 'RoleBinding' || kind === 'ClusterRoleBinding' || kind === 'ServiceAccount' || kind === 'Namespace') return undefined;
  if (kind === 'Secret') return resource.object.type === 'kubernetes.io/service-account-token' ? undefined : IN_NAMESPACE;
  if (!isWorkloadKind(kind)) return IN_NAMESPACE;
  const account = podServiceAccountName(resource, workloadOf);
  if (account === undefined) return IN_NAMESPACE;
  const shown = standsFor(resource).ref;
  return { account, shown: `${shown.kind}/${shown.name}` };
}

function compareRefs(a: Resource, b: Resource): number {
  return a.ref.kind < b.ref.kind ? -1 : a.ref.kind > b.ref.kind ? 1 : a.ref.name < b.ref.name ? -1 : a.ref.name > b.ref.name ? 1 : 0;
}

export function rbacModelReads(resource: Resource): unknown {
  const { kind, apiVersion } = resource.ref;
  const object = resource.object;
  if (kind === 'Role') return { apiVersion, rules: object.rules };
  // Labels: aggregation rules select ClusterRoles by them.
  if (kind === 'ClusterRole') return { apiVersion, rules: object.rules, aggregationRule: object.aggregationRule, labels: metadataOf(object).labels };
  if (kind === 'ClusterRoleBinding' || kind === 'RoleBinding') return { apiVersion, roleRef: object.roleRef, subjects: object.subjects };
  // A service account: that it exists (ServiceAccountInfo.resource is read for nothing else).
  if (kind === 'ServiceAccount') return { apiVersion };
  if (kind === 'Secret') return { apiVersion, type: resource.object.type, account: asStringRecord(metadataOf(resource.object).annotations)['kubernetes.io/service-account.name'] };
  if (isWorkloadKind(kind)) return { apiVersion, account: podServiceAccountName(resource, (item) => extractWorkload(item.object)) ?? null };
  return { apiVersion };
}

function podServiceAccountName(resource: Resource, workloadOf: NonNullable<ModelOptions['workloadOf']>): string | undefined {
  // A PodTemplate object runs nothing by itself.
  if (resource.ref.kind === 'PodTemplate' || !isWorkloadKind(resource.ref.kind)) return undefined;
  const spec = workloadOf(resource)?.podSpec;
  if (!spec) return undefined;
  return asString(spec.serviceAccountName) || asString(spec.serviceAccount) || 'default';
}
