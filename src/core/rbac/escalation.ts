/**
 * Escalation paths: how a subject reaches cluster-admin equivalence through other
 * identities. A step is a permission that lets the holder act as another identity or
 * obtain more rules:
 *   - create pods, or create/update/patch workload controllers, in a namespace: run a
 *     pod as any service account of that namespace (and read its token);
 *   - create serviceaccounts/token for a service account: mint its token;
 *   - get or list a service account token Secret; create a Secret of that type and read
 *     it back (the token controller fills it in);
 *   - exec into (create or, over WebSocket before 1.35, get pods/exec) a namespace's
 *     pods, or get nodes/proxy (kubelet exec on every node): the service accounts its
 *     workloads run as;
 *   - impersonate a user, a group (system:masters is a superuser) or a service account;
 *   - bind a cluster-admin-equivalent ClusterRole with a ClusterRoleBinding (or any role
 *     giving pod creation in a namespace with a RoleBinding); escalate and update a role
 *     the subject is already bound to;
 *   - create and approve a CSR for the kube-apiserver-client signer: a client
 *     certificate for any user and group, system:masters included.
 * The search runs backwards from the cluster-admin-equivalent identities to a fixed
 * point, keeping for each identity its shortest known chain.
 */
import { RBAC_API_GROUP, serviceAccountKey, type BindingInfo, type BindingSubject, type EffectiveRule, type RbacModel, type RoleInfo, type RoleRule, type ServiceAccountInfo } from './model.js';
import { ruleAllows, ruleAllowsSomeName, type PolicyRule, type ResourceRequest } from './rules.js';
import { formatSubject, identityOf, parseServiceAccountUser, SUPERUSER_GROUP, type Identity, type Subject } from './subjects.js';
import { objectView, qualified, RBAC_VIEW_API_VERSION } from './views.js';

/** A verb, group, resource and name no manifest lists: only `*` entries match it. */
const UNLISTED = '\u0000unlisted';
const CLUSTER_ADMIN = 'cluster-admin';

export type StepAction =
  | 'create-pods'
  | 'edit-workloads'
  | 'token-request'
  | 'read-token-secret'
  | 'create-token-secret'
  | 'exec'
  | 'nodes-proxy'
  | 'impersonate'
  | 'bind'
  | 'escalate'
  | 'csr-approval'
  | 'cluster-admin'
  | 'read-all-secrets';

export interface EscalationStep {
  action: StepAction;
  /** the identity taking the step */
  from: string;
  /** the identity reached, or the goal (`cluster-admin`, `all-secrets`) */
  to: string;
  text: string;
  /** binding → role → rule that grants the step */
  via?: string;
  /** the binding granting the step, and the index of the subject entry it matched */
  binding?: { kind: string; name: string; namespace?: string; subjectIndex: number };
}

export interface EscalationPath {
  subject: string;
  /** cluster-admin equivalence, or (for subjects that do not reach it) reading every secret of the cluster */
  reaches: 'cluster-admin' | 'all-secrets';
  steps: EscalationStep[];
}

interface Node {
  key: string;
  subject: Subject;
  identity: Identity;
  /** the bindings (and subject entries) naming the identity whose role can matter to a step */
  holdings: Array<{ binding: BindingInfo; subject: BindingSubject }>;
  /** rulesOf answers, by request: they depend on the node only, not on what is reached */
  rulesFor: Map<string, Map<string, Holding[]>>;
}

/** A binding of a node with the rules of its role that match one request. */
interface Holding {
  binding: BindingInfo;
  subject: BindingSubject;
  role: RoleInfo;
  matching: RoleRule[];
  namespace: string;
}

function bindingOf(rule: EffectiveRule): Pick<EscalationStep, 'binding'> {
  return { binding: { ...objectView(rule.binding), subjectIndex: rule.subject.index } };
}

export function viaText(rule: EffectiveRule): string {
  return `${rule.binding.kind} ${qualified(objectView(rule.binding))} → ${rule.role.kind} ${qualified(objectView(rule.role))} ${rule.rule.source === rule.role.key ? '' : `(from ${rule.rule.source}) `}rules[${rule.rule.index}]`;
}

const WORKLOAD_WRITES: ReadonlyArray<[string, string]> = [
  ['apps', 'deployments'],
  ['apps', 'daemonsets'],
  ['apps', 'statefulsets'],
  ['apps', 'replicasets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
  ['', 'replicationcontrollers'],
];

/** Every request a step asks about: a rule allowing none of them (for any name) never matters to the search. */
const PROBES: readonly ResourceRequest[] = [
  { verb: 'create', apiGroup: '', resource: 'pods' },
  ...WORKLOAD_WRITES.flatMap(([apiGroup, resource]) => ['create', 'update', 'patch'].map((verb) => ({ verb, apiGroup, resource }))),
  { verb: 'create', apiGroup: '', resource: 'serviceaccounts', subresource: 'token' },
  ...['get', 'list', 'create'].map((verb) => ({ verb, apiGroup: '', resource: 'secrets' })),
  ...['get', 'create'].flatMap((verb) => [
    { verb, apiGroup: '', resource: 'pods', subresource: 'exec' },
    { verb, apiGroup: '', resource: 'nodes', subresource: 'proxy' },
  ]),
  ...['users', 'groups', 'serviceaccounts'].map((resource) => ({ verb: 'impersonate', apiGroup: '', resource })),
  { verb: 'create', apiGroup: RBAC_API_GROUP, resource: 'clusterrolebindings' },
  { verb: 'create', apiGroup: RBAC_API_GROUP, resource: 'rolebindings' },
  ...['bind', 'escalate', 'update', 'patch'].map((verb) => ({ verb, apiGroup: RBAC_API_GROUP, resource: 'clusterroles' })),
  { verb: 'create', apiGroup: 'certificates.k8s.io', resource: 'certificatesigningrequests' },
  { verb: 'update', apiGroup: 'certificates.k8s.io', resource: 'certificatesigningrequests', subresource: 'approval' },
  { verb: 'approve', apiGroup: 'certificates.k8s.io', resource: 'signers' },
];

export function isClusterAdminEquivalent(model: RbacModel, identity: Identity): EffectiveRule | 'superuser' | undefined {
  const decision = model.authorize(identity, { verb: UNLISTED, apiGroup: UNLISTED, resource: UNLISTED, name: UNLISTED, namespace: '' });
  if (decision.superuser) return 'superuser';
  const grant = decision.grants[0];
  return grant ? { ...grant, namespace: '' } : undefined;
}

export function findEscalations(model: RbacModel): EscalationPath[] {
  const nodes = new Map<string, Node>();
  // roles are shared by many subjects: what a role's rules answer is computed once per role
  const roleMatters = new Map<string, boolean>();
  const matters = (role: RoleInfo) => {
    let known = roleMatters.get(role.key);
    if (known === undefined) roleMatters.set(role.key, (known = role.rules.some((rule) => PROBES.some((probe) => ruleAllowsSomeName(rule.rule, probe)))));
    return known;
  };
  const addNode = (subject: Subject) => {
    const key = formatSubject(subject);
    if (nodes.has(key)) return;
    const identity = identityOf(subject);
    const holdings = model.bindingsFor(identity).filter(({ binding }) => binding.role !== undefined && matters(binding.role));
    nodes.set(key, { key, subject, identity, holdings, rulesFor: new Map() });
  };
  for (const binding of model.bindings) {
    for (const subject of binding.subjects) {
      if (!subject.principal) continue;
      const serviceAccount = subject.kind === 'User' ? parseServiceAccountUser(subject.name) : undefined;
      addNode(serviceAccount ? { kind: 'ServiceAccount', ...serviceAccount } : subject.kind === 'ServiceAccount' ? { kind: 'ServiceAccount', namespace: subject.namespace ?? '', name: subject.name } : { kind: subject.kind, name: subject.name });
    }
  }
  for (const account of model.serviceAccounts.values()) addNode({ kind: 'ServiceAccount', namespace: account.namespace, name: account.name });

  const roleMatches = new Map<string, RoleRule[]>();
  /**
   * The node's holdings whose role has rules that could allow the request for some name,
   * with those rules, by where they apply ('' cluster-wide first); memoized per node, the
   * matching per role.
   */
  const rulesOf = (node: Node, request: ResourceRequest): Map<string, Holding[]> => {
    const key = `${request.verb} ${request.apiGroup} ${request.resource}/${request.subresource ?? ''}`;
    let byWhere = node.rulesFor.get(key);
    if (byWhere) return byWhere;
    byWhere = new Map([['', []]]);
    for (const { binding, subject } of node.holdings) {
      const role = binding.role!;
      const roleKey = `${role.key}\u0000${key}`;
      let matching = roleMatches.get(roleKey);
      if (!matching) roleMatches.set(roleKey, (matching = role.rules.filter((rule) => ruleAllowsSomeName(rule.rule, request))));
      if (matching.length === 0) continue;
      const namespace = binding.namespace ?? '';
      let list = byWhere.get(namespace);
      if (!list) byWhere.set(namespace, (list = []));
      list.push({ binding, subject, role, matching, namespace });
    }
    node.rulesFor.set(key, byWhere);
    return byWhere;
  };
  /** The first of the node's rules for the request applying in `wheres` that passes `accept` (any, for some name, without it). */
  const first = (node: Node, request: ResourceRequest, wheres: readonly string[], accept?: (rule: PolicyRule) => boolean): EffectiveRule | undefined => {
    const byWhere = rulesOf(node, request);
    for (const where of wheres) {
      for (const holding of byWhere.get(where) ?? []) {
        const rule = accept ? holding.matching.find((candidate) => accept(candidate.rule)) : holding.matching[0];
        if (rule) return { binding: holding.binding, subject: holding.subject, role: holding.role, rule, namespace: holding.namespace };
      }
    }
    return undefined;
  };
  /** The first of the node's rules allowing the request in the namespace ('' only counts cluster-wide rules); `anyName`: for some object name. */
  const allowing = (node: Node, namespace: string, request: ResourceRequest, anyName = false): EffectiveRule | undefined =>
    first(node, request, namespace === '' ? [''] : ['', namespace], anyName ? undefined : (rule) => ruleAllows(rule, request));
  // which nodes can take a step into a namespace ('' for cluster-wide rules), and which can impersonate users or groups
  const byNamespace = new Map<string, Node[]>();
  const impersonators: Node[] = [];
  for (const node of nodes.values()) {
    for (const namespace of new Set(node.holdings.map(({ binding }) => binding.namespace ?? ''))) {
      const list = byNamespace.get(namespace);
      if (list) list.push(node);
      else byNamespace.set(namespace, [node]);
    }
    if (['users', 'groups'].some((resource) => (rulesOf(node, { verb: 'impersonate', apiGroup: '', resource }).get('') ?? []).length > 0)) impersonators.push(node);
  }
  const clusterAdminRoles = [...model.roles.values()].filter((role) => role.kind === 'ClusterRole' && role.rules.some((rule) => ruleAllows(rule.rule, { verb: UNLISTED, apiGroup: UNLISTED, resource: UNLISTED, name: UNLISTED })));
  const bindableAdminRoles = [...new Set([CLUSTER_ADMIN, ...clusterAdminRoles.map((role) => role.name)])];

  const accountKey = (account: ServiceAccountInfo) => `serviceaccount:${account.namespace}:${account.name}`;
  const accountOf = (node: Node): ServiceAccountInfo =>
    model.serviceAccounts.get(serviceAccountKey(node.subject.namespace ?? '', node.subject.name)) ?? { namespace: node.subject.namespace ?? '', name: node.subject.name, tokenSecrets: [], workloads: [] };

  // identity key -> chain from it to the goal, found breadth-first so chains are shortest
  let reached = new Map<string, EscalationStep[]>();
  let queue: Node[] = [];
  const reach = (node: Node, steps: EscalationStep[]) => {
    reached.set(node.key, steps);
    queue.push(node);
  };

  /** Steps that end at cluster-admin without another identity. */
  const terminalStep = (node: Node): EscalationStep[] | undefined => {
    const admin = isClusterAdminEquivalent(model, node.identity);
    if (admin) return [{ action: 'cluster-admin', from: node.key, to: 'cluster-admin', text: admin === 'superuser' ? `${node.key} is in ${SUPERUSER_GROUP}` : `${node.key} may do everything cluster-wide`, ...(admin === 'superuser' ? {} : { via: viaText(admin), ...bindingOf(admin) }) }];
    if (node.holdings.length === 0) return undefined;
    const masters = allowing(node, '', { verb: 'impersonate', apiGroup: '', resource: 'groups', name: SUPERUSER_GROUP });
    if (masters) return [{ action: 'impersonate', from: node.key, to: 'cluster-admin', text: `impersonate group ${SUPERUSER_GROUP} (a superuser)`, via: viaText(masters), ...bindingOf(masters) }];
    const crbWrite = allowing(node, '', { verb: 'create', apiGroup: RBAC_API_GROUP, resource: 'clusterrolebindings' });
    if (crbWrite) {
      for (const name of bindableAdminRoles) {
        const bind = allowing(node, '', { verb: 'bind', apiGroup: RBAC_API_GROUP, resource: 'clusterroles', name });
        if (bind) return [{ action: 'bind', from: node.key, to: 'cluster-admin', text: `create a ClusterRoleBinding to ClusterRole "${name}" for itself`, via: `${viaText(crbWrite)}; bind: ${viaText(bind)}`, ...bindingOf(crbWrite) }];
      }
    }
    if ((rulesOf(node, { verb: 'escalate', apiGroup: RBAC_API_GROUP, resource: 'clusterroles' }).get('') ?? []).length > 0) {
      const bound = new Set(model.bindingsFor(node.identity).flatMap(({ binding }) => (binding.kind === 'ClusterRoleBinding' && binding.role ? [binding.role.name] : [])));
      for (const name of bound) {
        const named = { apiGroup: RBAC_API_GROUP, resource: 'clusterroles', name };
        const escalate = allowing(node, '', { verb: 'escalate', ...named });
        const update = escalate && (allowing(node, '', { verb: 'update', ...named }) ?? allowing(node, '', { verb: 'patch', ...named }));
        if (escalate && update) return [{ action: 'escalate', from: node.key, to: 'cluster-admin', text: `escalate and update ClusterRole "${name}", bound to it cluster-wide, to allow everything`, via: viaText(escalate), ...bindingOf(escalate) }];
      }
    }
    const csrCreate = allowing(node, '', { verb: 'create', apiGroup: 'certificates.k8s.io', resource: 'certificatesigningrequests' });
    const csrApprove = csrCreate && allowing(node, '', { verb: 'update', apiGroup: 'certificates.k8s.io', resource: 'certificatesigningrequests', subresource: 'approval' }, true);
    const signer = csrApprove && (allowing(node, '', { verb: 'approve', apiGroup: 'certificates.k8s.io', resource: 'signers', name: 'kubernetes.io/kube-apiserver-client' }) ?? allowing(node, '', { verb: 'approve', apiGroup: 'certificates.k8s.io', resource: 'signers', name: 'kubernetes.io/*' }));
    if (csrCreate && csrApprove && signer) return [{ action: 'csr-approval', from: node.key, to: 'cluster-admin', text: `create and approve a CertificateSigningRequest for signer kubernetes.io/kube-apiserver-client with organization ${SUPERUSER_GROUP}`, via: viaText(signer), ...bindingOf(signer) }];
    return undefined;
  };

  /** A step from the node to a reached service account, or undefined. */
  const stepTo = (node: Node, account: ServiceAccountInfo): EscalationStep[] | undefined => {
    const target = accountKey(account);
    const onward = reached.get(target) ?? [];
    const step = (action: StepAction, text: string, rule: EffectiveRule): EscalationStep[] => [{ action, from: node.key, to: target, text, via: viaText(rule), ...bindingOf(rule) }, ...onward];
    /** a rule applying in the account's namespace (or cluster-wide) that allows the request for some name and passes `accept` */
    const find = (request: ResourceRequest, accept?: (rule: PolicyRule) => boolean, clusterOnly = false): EffectiveRule | undefined =>
      first(node, request, clusterOnly ? [''] : ['', account.namespace], accept);
    const pods = find({ verb: 'create', apiGroup: '', resource: 'pods' });
    if (pods) return step('create-pods', `create a pod in namespace "${account.namespace}" running as ${target}`, pods);
    for (const [apiGroup, resource] of WORKLOAD_WRITES) {
      for (const verb of ['create', 'update', 'patch']) {
        const write = find({ verb, apiGroup, resource });
        if (write) return step('edit-workloads', `${verb} ${resource} in namespace "${account.namespace}" with a pod template running as ${target}`, write);
      }
    }
    const tokenRequest = { verb: 'create', apiGroup: '', resource: 'serviceaccounts', subresource: 'token', name: account.name };
    const token = find(tokenRequest, (rule) => ruleAllows(rule, tokenRequest));
    if (token) return step('token-request', `create a token for ${target} (serviceaccounts/token)`, token);
    if (account.tokenSecrets.length > 0) {
      const list = find({ verb: 'list', apiGroup: '', resource: 'secrets' }, (rule) => ruleAllows(rule, { verb: 'list', apiGroup: '', resource: 'secrets' }));
      if (list) return step('read-token-secret', `list the Secrets of namespace "${account.namespace}", token Secret "${account.tokenSecrets[0]}" of ${target} included`, list);
      for (const secret of account.tokenSecrets) {
        const request = { verb: 'get', apiGroup: '', resource: 'secrets', name: secret };
        const get = find(request, (rule) => ruleAllows(rule, request));
        if (get) return step('read-token-secret', `read the token Secret "${account.namespace}/${secret}" of ${target}`, get);
      }
    }
    const create = find({ verb: 'create', apiGroup: '', resource: 'secrets' }, (rule) => ruleAllows(rule, { verb: 'create', apiGroup: '', resource: 'secrets' }));
    if (create && allowing(node, account.namespace, { verb: 'get', apiGroup: '', resource: 'secrets', name: UNLISTED })) {
      return step('create-token-secret', `create a kubernetes.io/service-account-token Secret for ${target} and read the token the controller puts in it`, create);
    }
    const workload = account.shown;
    if (workload) {
      for (const verb of ['create', 'get']) {
        const exec = find({ verb, apiGroup: '', resource: 'pods', subresource: 'exec' });
        if (exec) return step('exec', `${verb} pods/exec in namespace "${account.namespace}" into ${workload.ref.kind} "${workload.ref.name}", which runs as ${target}${verb === 'get' ? ' (get suffices over WebSocket before 1.35)' : ''}`, exec);
      }
      const proxy = find({ verb: 'get', apiGroup: '', resource: 'nodes', subresource: 'proxy' }, undefined, true) ?? find({ verb: 'create', apiGroup: '', resource: 'nodes', subresource: 'proxy' }, undefined, true);
      if (proxy) return step('nodes-proxy', `use nodes/proxy to run commands through the kubelet in a pod of ${workload.ref.kind} "${workload.ref.name}", which runs as ${target}`, proxy);
    }
    const impersonation = { verb: 'impersonate', apiGroup: '', resource: 'serviceaccounts', name: account.name };
    const impersonate = find(impersonation, (rule) => ruleAllows(rule, impersonation));
    if (impersonate) return step('impersonate', `impersonate ${target}`, impersonate);
    const rebind = find({ verb: 'create', apiGroup: RBAC_API_GROUP, resource: 'rolebindings' }, (rule) => ruleAllows(rule, { verb: 'create', apiGroup: RBAC_API_GROUP, resource: 'rolebindings' }));
    if (rebind && allowing(node, account.namespace, { verb: 'bind', apiGroup: RBAC_API_GROUP, resource: 'clusterroles', name: CLUSTER_ADMIN })) {
      return step('bind', `bind ClusterRole "${CLUSTER_ADMIN}" to itself in namespace "${account.namespace}", then run a pod as ${target}`, rebind);
    }
    return undefined;
  };

  /** Breadth-first search backwards from the identities the terminal step accepts; `skip` are left out. */
  const search = (terminal: (node: Node) => EscalationStep[] | undefined, skip: ReadonlySet<string>): Map<string, EscalationStep[]> => {
    reached = new Map();
    queue = [];
    for (const node of nodes.values()) {
      if (skip.has(node.key)) continue;
      const steps = terminal(node);
      if (steps) reach(node, steps);
    }
    for (let index = 0; index < queue.length; index++) {
      const target = queue[index]!;
      if (target.subject.kind === 'ServiceAccount') {
        const account = accountOf(target);
        for (const namespace of ['', account.namespace]) {
          for (const node of byNamespace.get(namespace) ?? []) {
            if (reached.has(node.key) || skip.has(node.key)) continue;
            const steps = stepTo(node, account);
            if (steps) reach(node, steps);
          }
        }
      } else {
        const resource = target.subject.kind === 'Group' ? 'groups' : 'users';
        for (const node of impersonators) {
          if (reached.has(node.key) || skip.has(node.key)) continue;
          const rule = allowing(node, '', { verb: 'impersonate', apiGroup: '', resource, name: target.subject.name });
          if (rule) reach(node, [{ action: 'impersonate', from: node.key, to: target.key, text: `impersonate ${target.key}`, via: viaText(rule), ...bindingOf(rule) }, ...(reached.get(target.key) ?? [])]);
        }
      }
    }
    return reached;
  };

  const admins = search(terminalStep, new Set());
  // second goal: every secret of the cluster, for those that do not reach cluster-admin
  const secretReaders = search((node) => {
    const grant = model.authorize(node.identity, { verb: 'list', apiGroup: '', resource: 'secrets', namespace: '' }).grants[0];
    if (!grant) return undefined;
    const rule = { ...grant, namespace: '' };
    return [{ action: 'read-all-secrets', from: node.key, to: 'all-secrets', text: `${node.key} may list every secret in the cluster`, via: viaText(rule), ...bindingOf(rule) }];
  }, new Set(admins.keys()));
  const paths: EscalationPath[] = [];
  for (const [key, steps] of admins) if (steps[0]?.action !== 'cluster-admin') paths.push({ subject: key, reaches: 'cluster-admin', steps });
  for (const [key, steps] of secretReaders) if (steps[0]?.action !== 'read-all-secrets') paths.push({ subject: key, reaches: 'all-secrets', steps });
  return paths.sort((a, b) => a.subject.localeCompare(b.subject));
}

export interface EscalationsView {
  /** Inputs that failed to load: paths through what they held are missing. */
  incomplete?: string[];
  apiVersion: string;
  kind: 'Escalations';
  paths: EscalationPath[];
}

export function escalationsView(paths: EscalationPath[]): EscalationsView {
  return { apiVersion: RBAC_VIEW_API_VERSION, kind: 'Escalations', paths };
}
