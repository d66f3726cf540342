/**
 * The answers of `palisade rbac` as plain data (the JSON schema of docs/rbac.md,
 * apiVersion palisade.dev/rbac/v1); formatters render them.
 */
import type { AccessRequest, BindingInfo, EffectiveRule, Grant, RbacModel, RoleInfo } from './model.js';
import { describeRequest } from './resources.js';
import type { PolicyRule } from './rules.js';
import { formatSubject, SUPERUSER_GROUP, type Identity, type Subject } from './subjects.js';

export const RBAC_VIEW_API_VERSION = 'palisade.dev/rbac/v1';

export interface ObjectView {
  kind: string;
  name: string;
  namespace?: string;
}

export interface RuleView extends PolicyRule {
  /** the role whose manifest declares the rule (`ClusterRole/name`, `Role/ns/name`), another role for aggregated ClusterRoles */
  declaredIn: string;
  index: number;
}

export interface GrantView {
  /** `user:alice`, `group:devs`, `serviceaccount:ns:name` */
  subject: string;
  /** where the grant applies: '' cluster-wide, else the RoleBinding's namespace */
  namespace: string;
  binding: ObjectView;
  role: ObjectView;
  rule: RuleView;
}

export interface RequestView {
  verb: string;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  /** '' for a cluster-wide question (every namespace at once) */
  namespace?: string;
  nonResourceURL?: string;
  text: string;
}

export function objectView(object: BindingInfo | RoleInfo): ObjectView {
  return { kind: object.kind, name: object.name, ...(object.namespace !== undefined ? { namespace: object.namespace } : {}) };
}

export function ruleView(grant: Pick<Grant, 'rule'>): RuleView {
  return { ...grant.rule.rule, declaredIn: grant.rule.source, index: grant.rule.index };
}

export function grantView(grant: Grant | EffectiveRule): GrantView {
  const namespace = 'namespace' in grant ? grant.namespace : (grant.binding.namespace ?? '');
  return { subject: formatSubject(grant.subject), namespace, binding: objectView(grant.binding), role: objectView(grant.role), rule: ruleView(grant) };
}

export function requestView(request: AccessRequest): RequestView {
  if ('path' in request) return { verb: request.verb, nonResourceURL: request.path, text: describeRequest(request) };
  return {
    verb: request.verb,
    apiGroup: request.apiGroup,
    resource: request.resource,
    ...(request.subresource ? { subresource: request.subresource } : {}),
    ...(request.name ? { name: request.name } : {}),
    namespace: request.namespace,
    text: describeRequest(request),
  };
}

function byGrant(a: GrantView, b: GrantView): number {
  return a.subject.localeCompare(b.subject) || a.namespace.localeCompare(b.namespace) || a.binding.name.localeCompare(b.binding.name) || a.rule.declaredIn.localeCompare(b.rule.declaredIn) || a.rule.index - b.rule.index;
}

export interface WhoCanView {
  apiVersion: string;
  /** Inputs that failed to load: the list may lack subjects and grants they held. */
  incomplete?: string[];
  kind: 'WhoCan';
  request: RequestView;
  /** allowed whatever the bindings say */
  superuserGroups: string[];
  /** distinct subjects allowed, sorted */
  subjects: string[];
  grants: GrantView[];
}

/**
 * Who may make the request. `anywhere`: the question has no namespace and the answer
 * also lists RoleBinding grants, each with its namespace (where the subject is allowed).
 */
export function whoCanView(model: RbacModel, request: AccessRequest, anywhere: boolean): WhoCanView {
  const grants = (anywhere && !('path' in request) ? model.whoCanAnywhere(request) : model.whoCan(request)).map(grantView).sort(byGrant);
  const view = requestView(request);
  if (anywhere && !('path' in request) && request.namespace === '') view.text = view.text.replace(/cluster-wide$/, 'in any namespace');
  return { apiVersion: RBAC_VIEW_API_VERSION, kind: 'WhoCan', request: view, superuserGroups: [SUPERUSER_GROUP], subjects: [...new Set(grants.map((grant) => grant.subject))].sort(), grants };
}

export interface CanView {
  apiVersion: string;
  kind: 'Can';
  subject: string;
  identity: Identity;
  request: RequestView;
  /** null when unknown: no grant among the objects that loaded, but some inputs failed */
  allowed: boolean | null;
  answer: 'yes' | 'no' | 'unknown';
  /** allowed as a member of system:masters, before RBAC */
  superuser: boolean;
  grants: GrantView[];
  reason: string;
  /** the inputs that failed to load (files, cluster reads), when any did */
  incomplete?: string[];
}

/**
 * Whether the subject may make the request. `failedInputs`: inputs that did not load. RBAC
 * only allows, so a grant among the objects that loaded is a yes whatever the others held;
 * without one the answer is unknown, since a failed input may hold the binding that allows it.
 */
export function canView(model: RbacModel, subject: Subject, identity: Identity, request: AccessRequest, failedInputs: readonly string[] = []): CanView {
  const decision = model.authorize(identity, request);
  const grants = decision.grants.map(grantView).sort(byGrant);
  const first = grants[0];
  const unknown = !decision.allowed && failedInputs.length > 0;
  const failed = `${failedInputs.length} input${failedInputs.length === 1 ? '' : 's'} failed to load (${failedInputs.slice(0, 3).join('; ')}${failedInputs.length > 3 ? `; and ${failedInputs.length - 3} more` : ''})`;
  const reason = decision.superuser
    ? `member of ${SUPERUSER_GROUP}: authorized before RBAC`
    : first
      ? `${first.binding.kind} ${qualified(first.binding)} binds ${first.subject} to ${first.role.kind} ${qualified(first.role)}, whose rule ${first.rule.declaredIn} rules[${first.rule.index}] allows it`
      : unknown
        ? `no binding among the objects that loaded allows it, but ${failed}: a binding in them may`
        : 'no binding of the subject or its groups allows it';
  return {
    apiVersion: RBAC_VIEW_API_VERSION,
    kind: 'Can',
    subject: formatSubject(subject),
    identity: { user: identity.user, groups: [...identity.groups] },
    request: requestView(request),
    allowed: unknown ? null : decision.allowed,
    answer: unknown ? 'unknown' : decision.allowed ? 'yes' : 'no',
    superuser: decision.superuser,
    grants,
    reason: decision.allowed && failedInputs.length > 0 ? `${reason}; ${failed}, but RBAC only allows: they cannot take this away` : reason,
    ...(failedInputs.length > 0 ? { incomplete: [...failedInputs] } : {}),
  };
}

export function qualified(object: ObjectView): string {
  return object.namespace ? `${object.namespace}/${object.name}` : object.name;
}

export interface PermissionsView {
  /** Inputs that failed to load: the rules they granted are missing. */
  incomplete?: string[];
  apiVersion: string;
  kind: 'Permissions';
  subject: string;
  identity: Identity;
  superuser: boolean;
  /** rules from ClusterRoleBindings: they apply in every namespace and to cluster-scoped resources */
  clusterWide: GrantView[];
  /** rules from RoleBindings, by namespace */
  namespaces: Record<string, GrantView[]>;
  /** bindings of the subject whose role does not exist: they grant nothing until it appears */
  danglingBindings: ObjectView[];
}

export function permissionsView(model: RbacModel, subject: Subject, identity: Identity): PermissionsView {
  const rules = model.permissions(identity).map(grantView).sort(byGrant);
  const namespaces: Record<string, GrantView[]> = {};
  for (const rule of rules) {
    if (rule.namespace === '') continue;
    (namespaces[rule.namespace] ??= []).push(rule);
  }
  const dangling = model
    .bindingsFor(identity)
    .filter(({ binding }) => !binding.role)
    .map(({ binding }) => objectView(binding));
  return {
    apiVersion: RBAC_VIEW_API_VERSION,
    kind: 'Permissions',
    subject: formatSubject(subject),
    identity: { user: identity.user, groups: [...identity.groups] },
    superuser: identity.groups.includes(SUPERUSER_GROUP),
    clusterWide: rules.filter((rule) => rule.namespace === ''),
    namespaces: Object.fromEntries(Object.entries(namespaces).sort(([a], [b]) => a.localeCompare(b))),
    danglingBindings: dangling,
  };
}

export interface GraphNode {
  id: string;
  type: 'subject' | 'binding' | 'role';
  kind: string;
  name: string;
  namespace?: string;
  /** roles referenced by bindings but not among the objects */
  missing?: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** subject -> binding: bound-by; binding -> role: grants; aggregated role -> selected role: aggregates */
  type: 'bound-by' | 'grants' | 'aggregates';
}

export interface GraphView {
  apiVersion: string;
  kind: 'Graph';
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function graphView(model: RbacModel): GraphView {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  for (const role of model.roles.values()) {
    nodes.set(role.key, { id: role.key, type: 'role', kind: role.kind, name: role.name, ...(role.namespace !== undefined ? { namespace: role.namespace } : {}) });
    for (const selected of role.aggregatedFrom ?? []) edges.push({ from: role.key, to: selected, type: 'aggregates' });
  }
  for (const binding of model.bindings) {
    nodes.set(binding.key, { id: binding.key, type: 'binding', kind: binding.kind, name: binding.name, ...(binding.namespace !== undefined ? { namespace: binding.namespace } : {}) });
    if (!nodes.has(binding.roleKey)) {
      const namespace = binding.roleRef.kind === 'Role' ? binding.namespace : undefined;
      nodes.set(binding.roleKey, { id: binding.roleKey, type: 'role', kind: binding.roleRef.kind, name: binding.roleRef.name, ...(namespace !== undefined ? { namespace } : {}), missing: true });
    }
    edges.push({ from: binding.key, to: binding.roleKey, type: 'grants' });
    for (const subject of binding.subjects) {
      const id = formatSubject(subject);
      if (!nodes.has(id)) nodes.set(id, { id, type: 'subject', kind: subject.kind, name: subject.name, ...(subject.namespace !== undefined ? { namespace: subject.namespace } : {}) });
      edges.push({ from: id, to: binding.key, type: 'bound-by' });
    }
  }
  return { apiVersion: RBAC_VIEW_API_VERSION, kind: 'Graph', nodes: [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id)), edges };
}

function dotString(text: string): string {
  return `"${text.replace(/["\\]/g, (char) => `\\${char}`).replace(/\n/g, '\\n')}"`;
}

/** Graphviz DOT: subjects as ellipses, bindings as boxes, roles as notes (dashed when missing). */
export function graphDot(graph: GraphView): string {
  const lines = ['digraph rbac {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];'];
  for (const node of graph.nodes) {
    const shape = node.type === 'subject' ? 'ellipse' : node.type === 'binding' ? 'box' : 'note';
    const label = `${node.kind}\n${node.namespace ? `${node.namespace}/` : ''}${node.name}`;
    lines.push(`  ${dotString(node.id)} [shape=${shape}, label=${dotString(label)}${node.missing ? ', style=dashed, color=red' : ''}];`);
  }
  for (const edge of graph.edges) lines.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)}${edge.type === 'aggregates' ? ' [style=dotted, label="aggregates"]' : ''};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** `get, list on secrets`, `get on /healthz`: a rule in one line. */
export function ruleText(rule: PolicyRule): string {
  const verbs = rule.verbs.join(', ') || '(no verbs)';
  if (rule.nonResourceURLs.length > 0) return `${verbs} on ${rule.nonResourceURLs.join(', ')}`;
  const groups = rule.apiGroups.map((group) => (group === '' ? 'core' : group)).join(', ');
  const names = rule.resourceNames.length > 0 ? ` named ${rule.resourceNames.join(', ')}` : '';
  return `${verbs} on ${rule.resources.join(', ') || '(no resources)'}${names} [${groups || 'no groups'}]`;
}
