/**
 * The cluster's posture for audit alerts (the `Correlate` port of app/audit.ts): for the
 * alert's object, its owner (an owner or team label or annotation on it, its controllers or
 * its namespace), its open findings (on it and its controllers) and, for a pod, its service
 * account; for the pod's service account, or the alert's subject, what it may do that
 * matters (cluster-admin, reading Secrets, exec, impersonation...), from the RBAC model.
 * Built once from objects already read and their scan findings; pure.
 */
import type { ObjectRef as AuditObjectRef } from '../core/audit/event.js';
import type { Finding } from '../core/model/finding.js';
import type { Resource } from '../core/model/resource.js';
import { isClusterAdminEquivalent } from '../core/rbac/escalation.js';
import { buildRbacModel, type NamespacedRequest } from '../core/rbac/model.js';
import { BUILTIN_RESOURCES } from '../core/rbac/resources.js';
import { parseServiceAccountUser, type Identity } from '../core/rbac/subjects.js';
import type { AlertContext, Correlate } from './audit.js';

const OWNER_KEYS = ['owner', 'team', 'contact'];

/** What a subject may do that an alert's reader should know, as RBAC requests (namespace filled in per alert). */
const POWERS: readonly [string, Omit<NamespacedRequest, 'namespace'>][] = [
  ['read secrets', { verb: 'get', apiGroup: '', resource: 'secrets' }],
  ['list secrets', { verb: 'list', apiGroup: '', resource: 'secrets' }],
  ['create pods', { verb: 'create', apiGroup: '', resource: 'pods' }],
  ['exec into pods', { verb: 'create', apiGroup: '', resource: 'pods', subresource: 'exec' }],
  ['mint service account tokens', { verb: 'create', apiGroup: '', resource: 'serviceaccounts', subresource: 'token' }],
  ['impersonate users', { verb: 'impersonate', apiGroup: '', resource: 'users' }],
  ['impersonate service accounts', { verb: 'impersonate', apiGroup: '', resource: 'serviceaccounts' }],
  ['bind roles', { verb: 'bind', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles' }],
  ['escalate roles', { verb: 'escalate', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles' }],
  ['reach kubelets (nodes/proxy)', { verb: 'get', apiGroup: '', resource: 'nodes', subresource: 'proxy' }],
];

function key(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

function ownerOf(resource: Resource): string | undefined {
  const metadata = (resource.object.metadata ?? {}) as { labels?: Record<string, unknown>; annotations?: Record<string, unknown> };
  for (const map of [metadata.labels, metadata.annotations] as (Record<string, unknown> | undefined)[]) {
    for (const name of OWNER_KEYS) {
      const value = map?.[name];
      if (typeof value === 'string' && value.trim() !== '') return value;
    }
  }
  return undefined;
}

export function postureCorrelator(input: { resources: readonly Resource[]; findings: readonly Finding[] }): Correlate {
  const byKey = new Map<string, Resource>();
  for (const resource of input.resources) byKey.set(key(resource.ref.kind, resource.ref.namespace, resource.ref.name), resource);
  const findingsByKey = new Map<string, Set<string>>();
  for (const finding of input.findings) {
    const id = key(finding.object.kind, finding.object.namespace, finding.object.name);
    let set = findingsByKey.get(id);
    if (!set) findingsByKey.set(id, (set = new Set()));
    set.add(finding.checkId);
  }
  const kinds = new Map<string, string>();
  for (const api of BUILTIN_RESOURCES) if (!kinds.has(`${api.group}/${api.resource}`)) kinds.set(`${api.group}/${api.resource}`, api.kind);
  const model = buildRbacModel(input.resources);

  /** The object and its controllers (ownerReferences), nearest first, as far as they were read. */
  const chain = (resource: Resource): Resource[] => {
    const out = [resource];
    let current: Resource | undefined = resource;
    for (let depth = 0; depth < 4 && current; depth++) {
      type Reference = { kind?: string; name?: string; controller?: boolean };
      const references: Reference[] = (current.object.metadata as { ownerReferences?: Reference[] } | undefined)?.ownerReferences ?? [];
      const controller: Reference | undefined = references.find((reference) => reference.controller) ?? references[0];
      current = controller?.kind && controller.name ? byKey.get(key(controller.kind, current.ref.namespace, controller.name)) : undefined;
      if (current) out.push(current);
    }
    return out;
  };

  const powerOf = (identity: Identity, namespace: string | undefined): string[] => {
    if (isClusterAdminEquivalent(model, identity)) return ['cluster-admin'];
    const powers: string[] = [];
    for (const [name, request] of POWERS) {
      const here = model.authorize(identity, { ...request, namespace: namespace ?? '' } as NamespacedRequest).allowed;
      const everywhere = model.authorize(identity, { ...request, namespace: '' } as NamespacedRequest).allowed;
      if (everywhere) powers.push(`${name} (cluster-wide)`);
      else if (here && namespace) powers.push(`${name} (in ${namespace})`);
    }
    return powers;
  };

  const identityOfUser = (user: string): Identity => {
    const account = parseServiceAccountUser(user);
    return account ? { user, groups: ['system:serviceaccounts', `system:serviceaccounts:${account.namespace}`, 'system:authenticated'] } : { user, groups: user === 'system:anonymous' ? ['system:unauthenticated'] : ['system:authenticated'] };
  };

  return (object: AuditObjectRef | undefined, subject: string): AlertContext | undefined => {
    const context: { owner?: string; serviceAccount?: string; findings?: string[]; power?: string[] } = {};
    const kind = object?.resource ? kinds.get(`${object.apiGroup ?? ''}/${object.resource}`) : undefined;
    const resource = kind && object?.name ? byKey.get(key(kind, object.namespace, object.name)) : undefined;
    let powerSubject: string | undefined;
    if (resource) {
      const controllers = chain(resource);
      const owner = controllers.map(ownerOf).find((value) => value !== undefined) ?? (object?.namespace ? (() => { const namespace = byKey.get(key('Namespace', undefined, object.namespace)); return namespace ? ownerOf(namespace) : undefined; })() : undefined);
      if (owner) context.owner = owner;
      const findings = new Set<string>();
      for (const item of controllers) for (const id of findingsByKey.get(key(item.ref.kind, item.ref.namespace, item.ref.name)) ?? []) findings.add(id);
      if (findings.size > 0) context.findings = [...findings].sort();
      if (kind === 'Pod') {
        const spec = (resource.object as { spec?: { serviceAccountName?: string } }).spec;
        context.serviceAccount = spec?.serviceAccountName || 'default';
        powerSubject = `system:serviceaccount:${object!.namespace ?? ''}:${context.serviceAccount}`;
      }
    }
    if (powerSubject === undefined && !subject.startsWith('falco:')) powerSubject = subject;
    if (powerSubject !== undefined) {
      const power = powerOf(identityOfUser(powerSubject), object?.namespace);
      if (power.length > 0) context.power = power;
    }
    return Object.keys(context).length > 0 ? context : undefined;
  };
}
