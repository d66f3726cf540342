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
import type { EffectiveRule, RbacModel, ServiceAccountInfo } from './model.js';
import { ruleAllows, ruleAllowsSomeName, type ResourceRequest } from './rules.js';
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
  | 'cluster-admin';

export interface EscalationStep {
  action: StepAction;
  /** the identity taking the step */
  from: string;
  /** the identity reached, or `cluster-admin` */
  to: string;
  text: string;
  /** binding → role → rule that grants the step */
  via?: string;
  /** the binding granting the step, and the index of the subject entry it matched */
  binding?: { kind: string; name: string; namespace?: string; subjectIndex: number };
}

export interface EscalationPath {
  subject: string;
  reaches: 'cluster-admin';
  steps: EscalationStep[];
}

interface Node {
  key: string;
  subject: Subject;
  identity: Identity;
  rules: EffectiveRule[];
}

function bindingOf(rule: EffectiveRule): Pick<EscalationStep, 'binding'> {
  return { binding: { ...objectView(rule.binding), subjectIndex: rule.subject.index } };
}

export function viaText(rule: EffectiveRule): string {
  return `${rule.binding.kind} ${qualified(objectView(rule.binding))} → ${rule.role.kind} ${qualified(objectView(rule.role))} ${rule.rule.source === rule.role.key ? '' : `(from ${rule.rule.source}) `}rules[${rule.rule.index}]`;
}

/** The first rule allowing the request in the namespace ('' only counts cluster-wide rules). */
function allowing(rules: readonly EffectiveRule[], namespace: string, request: ResourceRequest, anyName = false): EffectiveRule | undefined {
  return rules.find((rule) => (rule.namespace === '' || (namespace !== '' && rule.namespace === namespace)) && (anyName ? ruleAllowsSomeName(rule.rule.rule, request) : ruleAllows(rule.rule.rule, request)));
}

/** Namespaces where some rule could allow the request ('*' when a cluster-wide rule can). */
function namespacesFor(rules: readonly EffectiveRule[], request: ResourceRequest): Set<string> {
  const out = new Set<string>();
  for (const rule of rules) if (ruleAllowsSomeName(rule.rule.rule, request)) out.add(rule.namespace === '' ? '*' : rule.namespace);
  return out;
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

export function isClusterAdminEquivalent(model: RbacModel, identity: Identity): EffectiveRule | 'superuser' | undefined {
  const decision = model.authorize(identity, { verb: UNLISTED, apiGroup: UNLISTED, resource: UNLISTED, name: UNLISTED, namespace: '' });
  if (decision.superuser) return 'superuser';
  const grant = decision.grants[0];
  return grant ? { ...grant, namespace: '' } : undefined;
}

export function findEscalations(model: RbacModel): EscalationPath[] {
  const nodes = new Map<string, Node>();
  const addNode = (subject: Subject) => {
    const key = formatSubject(subject);
    if (nodes.has(key)) return;
    const identity = identityOf(subject);
    nodes.set(key, { key, subject, identity, rules: model.permissions(identity) });
  };
  for (const binding of model.bindings) {
    for (const subject of binding.subjects) {
      if (!subject.principal) continue;
      const serviceAccount = subject.kind === 'User' ? parseServiceAccountUser(subject.name) : undefined;
      addNode(serviceAccount ? { kind: 'ServiceAccount', ...serviceAccount } : subject.kind === 'ServiceAccount' ? { kind: 'ServiceAccount', namespace: subject.namespace ?? '', name: subject.name } : { kind: subject.kind, name: subject.name });
    }
  }
  for (const account of model.serviceAccounts.values()) addNode({ kind: 'ServiceAccount', namespace: account.namespace, name: account.name });

  // identity key -> chain from it to cluster-admin
  const reached = new Map<string, EscalationStep[]>();
  const reachedAccounts = new Map<string, ServiceAccountInfo[]>();
  const clusterAdminRoles = [...model.roles.values()].filter((role) => role.kind === 'ClusterRole' && role.rules.some((rule) => ruleAllows(rule.rule, { verb: UNLISTED, apiGroup: UNLISTED, resource: UNLISTED, name: UNLISTED })));
  const bindableAdminRoles = [...new Set([CLUSTER_ADMIN, ...clusterAdminRoles.map((role) => role.name)])];
  const reach = (node: Node, steps: EscalationStep[]) => {
    reached.set(node.key, steps);
    if (node.subject.kind === 'ServiceAccount') {
      const account = model.serviceAccounts.get(`${node.subject.namespace}/${node.subject.name}`) ?? { namespace: node.subject.namespace ?? '', name: node.subject.name, tokenSecrets: [], workloads: [] };
      const list = reachedAccounts.get(account.namespace) ?? [];
      list.push(account);
      reachedAccounts.set(account.namespace, list);
    }
  };
  for (const node of nodes.values()) {
    const admin = isClusterAdminEquivalent(model, node.identity);
    if (!admin) continue;
    reach(node, [{ action: 'cluster-admin', from: node.key, to: 'cluster-admin', text: admin === 'superuser' ? `${node.key} is in ${SUPERUSER_GROUP}` : `${node.key} may do everything cluster-wide`, ...(admin === 'superuser' ? {} : { via: viaText(admin), ...bindingOf(admin) }) }]);
  }
  const accountKey = (account: ServiceAccountInfo) => `serviceaccount:${account.namespace}:${account.name}`;
  const accountsIn = (namespaces: Set<string>): ServiceAccountInfo[] =>
    namespaces.has('*') ? [...reachedAccounts.values()].flat() : [...namespaces].flatMap((namespace) => reachedAccounts.get(namespace) ?? []);

  /** The first step from the node to an identity already reached, or to cluster-admin directly. */
  const stepFrom = (node: Node): EscalationStep[] | undefined => {
    const rules = node.rules;
    if (rules.length === 0) return undefined;
    const to = (account: ServiceAccountInfo, action: StepAction, text: string, rule: EffectiveRule): EscalationStep[] => [
      { action, from: node.key, to: accountKey(account), text, via: viaText(rule), ...bindingOf(rule) },
      ...(reached.get(accountKey(account)) ?? []),
    ];
    // pods and workload controllers
    for (const account of accountsIn(namespacesFor(rules, { verb: 'create', apiGroup: '', resource: 'pods' }))) {
      const rule = allowing(rules, account.namespace, { verb: 'create', apiGroup: '', resource: 'pods' });
      if (rule) return to(account, 'create-pods', `create a pod in namespace "${account.namespace}" running as ${accountKey(account)}`, rule);
    }
    for (const [apiGroup, resource] of WORKLOAD_WRITES) {
      for (const verb of ['create', 'update', 'patch']) {
        for (const account of accountsIn(namespacesFor(rules, { verb, apiGroup, resource }))) {
          const rule = allowing(rules, account.namespace, { verb, apiGroup, resource }, true);
          if (rule) return to(account, 'edit-workloads', `${verb} ${resource} in namespace "${account.namespace}" with a pod template running as ${accountKey(account)}`, rule);
        }
      }
    }
    // tokens
    for (const account of accountsIn(namespacesFor(rules, { verb: 'create', apiGroup: '', resource: 'serviceaccounts', subresource: 'token' }))) {
      const rule = allowing(rules, account.namespace, { verb: 'create', apiGroup: '', resource: 'serviceaccounts', subresource: 'token', name: account.name });
      if (rule) return to(account, 'token-request', `create a token for ${accountKey(account)} (serviceaccounts/token)`, rule);
    }
    const secretNamespaces = new Set([...namespacesFor(rules, { verb: 'get', apiGroup: '', resource: 'secrets' }), ...namespacesFor(rules, { verb: 'list', apiGroup: '', resource: 'secrets' })]);
    for (const account of accountsIn(secretNamespaces)) {
      for (const secret of account.tokenSecrets) {
        const rule = allowing(rules, account.namespace, { verb: 'get', apiGroup: '', resource: 'secrets', name: secret }) ?? allowing(rules, account.namespace, { verb: 'list', apiGroup: '', resource: 'secrets' });
        if (rule) return to(account, 'read-token-secret', `read the token Secret "${account.namespace}/${secret}" of ${accountKey(account)}`, rule);
      }
      const create = allowing(rules, account.namespace, { verb: 'create', apiGroup: '', resource: 'secrets' });
      const read = create && allowing(rules, account.namespace, { verb: 'get', apiGroup: '', resource: 'secrets', name: UNLISTED });
      if (create && read) return to(account, 'create-token-secret', `create a kubernetes.io/service-account-token Secret for ${accountKey(account)} and read the token the controller puts in it`, create);
    }
    // exec into running workloads, in a namespace or through the kubelet on every node
    for (const verb of ['create', 'get']) {
      for (const account of accountsIn(namespacesFor(rules, { verb, apiGroup: '', resource: 'pods', subresource: 'exec' }))) {
        const workload = account.workloads[0];
        if (!workload) continue;
        const rule = allowing(rules, account.namespace, { verb, apiGroup: '', resource: 'pods', subresource: 'exec' }, true);
        if (rule) return to(account, 'exec', `${verb} pods/exec in namespace "${account.namespace}" into ${workload.ref.kind} "${workload.ref.name}", which runs as ${accountKey(account)}${verb === 'get' ? ' (get suffices over WebSocket before 1.35)' : ''}`, rule);
      }
    }
    const proxy = allowing(rules, '', { verb: 'get', apiGroup: '', resource: 'nodes', subresource: 'proxy' }, true) ?? allowing(rules, '', { verb: 'create', apiGroup: '', resource: 'nodes', subresource: 'proxy' }, true);
    if (proxy) {
      const account = [...reachedAccounts.values()].flat().find((candidate) => candidate.workloads.length > 0);
      if (account) return to(account, 'nodes-proxy', `use nodes/proxy to run commands through the kubelet in a pod of ${account.workloads[0]!.ref.kind} "${account.workloads[0]!.ref.name}", which runs as ${accountKey(account)}`, proxy);
    }
    // impersonation
    const masters = allowing(rules, '', { verb: 'impersonate', apiGroup: '', resource: 'groups', name: SUPERUSER_GROUP });
    if (masters) return [{ action: 'impersonate', from: node.key, to: 'cluster-admin', text: `impersonate group ${SUPERUSER_GROUP} (a superuser)`, via: viaText(masters), ...bindingOf(masters) }];
    const impersonates = rules.some((rule) => rule.rule.rule.verbs.includes('impersonate') || rule.rule.rule.verbs.includes('*'));
    for (const [key, steps] of impersonates ? reached : []) {
      const target = nodes.get(key);
      if (!target) continue;
      const { subject } = target;
      const rule =
        subject.kind === 'User'
          ? allowing(rules, '', { verb: 'impersonate', apiGroup: '', resource: 'users', name: subject.name })
          : subject.kind === 'Group'
            ? allowing(rules, '', { verb: 'impersonate', apiGroup: '', resource: 'groups', name: subject.name })
            : allowing(rules, subject.namespace ?? '', { verb: 'impersonate', apiGroup: '', resource: 'serviceaccounts', name: subject.name });
      if (rule) return [{ action: 'impersonate', from: node.key, to: key, text: `impersonate ${key}`, via: viaText(rule), ...bindingOf(rule) }, ...steps];
    }
    // bind or escalate roles
    const crbWrite = allowing(rules, '', { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' });
    if (crbWrite) {
      for (const name of bindableAdminRoles) {
        const bind = allowing(rules, '', { verb: 'bind', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name });
        if (bind) return [{ action: 'bind', from: node.key, to: 'cluster-admin', text: `create a ClusterRoleBinding to ClusterRole "${name}" for itself`, via: `${viaText(crbWrite)}; bind: ${viaText(bind)}`, ...bindingOf(crbWrite) }];
      }
    }
    for (const rule of rules) {
      if (rule.namespace !== '' || rule.role.kind !== 'ClusterRole') continue;
      const escalate = allowing(rules, '', { verb: 'escalate', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: rule.role.name });
      const update = escalate && (allowing(rules, '', { verb: 'update', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: rule.role.name }) ?? allowing(rules, '', { verb: 'patch', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: rule.role.name }));
      if (escalate && update) return [{ action: 'escalate', from: node.key, to: 'cluster-admin', text: `escalate and update ClusterRole "${rule.role.name}", bound to it cluster-wide, to allow everything`, via: viaText(escalate), ...bindingOf(escalate) }];
    }
    for (const account of accountsIn(namespacesFor(rules, { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings' }))) {
      const write = allowing(rules, account.namespace, { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings' });
      const bind = write && allowing(rules, account.namespace, { verb: 'bind', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: CLUSTER_ADMIN });
      if (write && bind) return to(account, 'bind', `bind ClusterRole "${CLUSTER_ADMIN}" to itself in namespace "${account.namespace}", then run a pod as ${accountKey(account)}`, write);
    }
    const csrCreate = allowing(rules, '', { verb: 'create', apiGroup: 'certificates.k8s.io', resource: 'certificatesigningrequests' });
    const csrApprove = csrCreate && allowing(rules, '', { verb: 'update', apiGroup: 'certificates.k8s.io', resource: 'certificatesigningrequests', subresource: 'approval' }, true);
    const signer = csrApprove && (allowing(rules, '', { verb: 'approve', apiGroup: 'certificates.k8s.io', resource: 'signers', name: 'kubernetes.io/kube-apiserver-client' }) ?? allowing(rules, '', { verb: 'approve', apiGroup: 'certificates.k8s.io', resource: 'signers', name: 'kubernetes.io/*' }));
    if (csrCreate && csrApprove && signer) return [{ action: 'csr-approval', from: node.key, to: 'cluster-admin', text: `create and approve a CertificateSigningRequest for signer kubernetes.io/kube-apiserver-client with organization ${SUPERUSER_GROUP}`, via: viaText(signer), ...bindingOf(signer) }];
    return undefined;
  };

  for (let changed = true; changed; ) {
    changed = false;
    for (const node of nodes.values()) {
      if (reached.has(node.key)) continue;
      const steps = stepFrom(node);
      if (!steps) continue;
      reach(node, steps);
      changed = true;
    }
  }
  const paths: EscalationPath[] = [];
  for (const [key, steps] of reached) if (steps[0]?.action !== 'cluster-admin') paths.push({ subject: key, reaches: 'cluster-admin', steps });
  return paths.sort((a, b) => a.subject.localeCompare(b.subject));
}

export interface EscalationsView {
  apiVersion: string;
  kind: 'Escalations';
  paths: EscalationPath[];
}

export function escalationsView(paths: EscalationPath[]): EscalationsView {
  return { apiVersion: RBAC_VIEW_API_VERSION, kind: 'Escalations', paths };
}
