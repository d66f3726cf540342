/**
 * The effective-permission model for relational checks: built once per inventory,
 * with what a service account can do and how exposed the pods running as it are.
 */
import type { Inventory } from '../../inventory/inventory.js';
import { defineAnalysis, keyed } from '../../inventory/analysis.js';
import type { CheckReads } from '../../model/check.js';
import type { Workload } from '../../kinds/pod-spec.js';
import { metadataOf, type Resource } from '../../model/resource.js';
import { matchesMapSelector } from '../../model/selectors.js';
import { asRecord, asStringRecord } from '../../model/values.js';
import { isClusterAdminEquivalent, viaText, type EscalationPath } from '../../rbac/escalation.js';
import { rbacAggregators, rbacEscalations, rbacModel } from '../../rbac/analyses.js';
import { roleKey, type RbacModel } from '../../rbac/model.js';
import { formatSubject, identityOf } from '../../rbac/subjects.js';
import { exposureOf } from './network.js';
import { ingressBackends } from '../../network/exposure.js';

export function rbacModelOf(inventory: Inventory): RbacModel {
  return inventory.get(rbacModel);
}

/** Escalation paths by the subject they start from (`user:alice`, `serviceaccount:ns:name`). */
export function escalationsOf(inventory: Inventory): ReadonlyMap<string, EscalationPath> {
  return inventory.get(rbacEscalations);
}

export function pathText(path: EscalationPath): string {
  return path.steps.map((step, index) => `(${index + 1}) ${step.text}${step.via ? ` [${step.via}]` : ''}`).join(', ');
}

/** How a service account holds its power, each with its own sentence (POWER_PHRASES). */
export type PowerHow = 'clusterAdmin' | 'reachesClusterAdmin' | 'readsSecrets' | 'reachesSecrets';

const POWER_PHRASES: Record<PowerHow, string> = {
  clusterAdmin: 'is cluster-admin equivalent ({{detail}})',
  reachesClusterAdmin: 'can reach cluster-admin: {{detail}}',
  readsSecrets: 'can read every secret in the cluster ({{detail}})',
  reachesSecrets: 'can reach every secret in the cluster: {{detail}}',
};

/** The templates of a check naming a service account's power: `before` + what it can do + `after`, one per PowerHow (data `detail`). */
export function powerMessages(before: string, after: string): Record<PowerHow, string> {
  return {
    clusterAdmin: `${before}${POWER_PHRASES.clusterAdmin}${after}`,
    reachesClusterAdmin: `${before}${POWER_PHRASES.reachesClusterAdmin}${after}`,
    readsSecrets: `${before}${POWER_PHRASES.readsSecrets}${after}`,
    reachesSecrets: `${before}${POWER_PHRASES.reachesSecrets}${after}`,
  };
}

export interface ServiceAccountPower {
  /** reads-all-secrets: directly or through an escalation path */
  level: 'cluster-admin' | 'reaches-cluster-admin' | 'reads-all-secrets';
  /** what it can do: the message id of powerMessages */
  how: PowerHow;
  /** the binding or escalation path that grants it */
  detail: string;
}

/** What a service account can do that makes a pod running as it a prize, strongest first; undefined when nothing such. */
export function serviceAccountPower(inventory: Inventory, namespace: string, name: string): ServiceAccountPower | undefined {
  return inventory.get(serviceAccountPowers)(`${namespace}/${name}`);
}

/** Service account powers, computed per account on demand (`namespace/name`). */
export const serviceAccountPowers = defineAnalysis({
  id: 'rbac/service-account-power',
  reads: [],
  uses: [rbacModel, rbacEscalations],
  scope: 'cluster',
  build: (inventory) =>
    keyed((key: string): ServiceAccountPower | undefined => {
      const slash = key.indexOf('/');
      const namespace = key.slice(0, slash);
      const name = key.slice(slash + 1);
      const model = inventory.get(rbacModel);
      const identity = identityOf({ kind: 'ServiceAccount', namespace, name });
      let power: ServiceAccountPower | undefined;
      const admin = isClusterAdminEquivalent(model, identity);
      if (admin && admin !== 'superuser') power = { level: 'cluster-admin', how: 'clusterAdmin', detail: viaText(admin) };
      const path = power ? undefined : inventory.get(rbacEscalations).get(formatSubject({ kind: 'ServiceAccount', namespace, name }));
      if (path?.reaches === 'cluster-admin') power = { level: 'reaches-cluster-admin', how: 'reachesClusterAdmin', detail: pathText(path) };
      if (!power) {
        const secrets = model.authorize(identity, { verb: 'list', apiGroup: '', resource: 'secrets', namespace: '' }).grants[0];
        if (secrets) power = { level: 'reads-all-secrets', how: 'readsSecrets', detail: viaText({ ...secrets, namespace: '' }) };
        else if (path) power = { level: 'reads-all-secrets', how: 'reachesSecrets', detail: pathText(path) };
      }
      return power;
    }),
});

/** Why a pod is easier to break into or out of: privileged or host-namespace settings, and Services or Ingresses exposing it outside the cluster. */
export function podExposure(workload: Workload, resource: Resource, inventory: Inventory): string[] {
  const reasons: string[] = [];
  for (const container of workload.containers) {
    if (container.securityContext.privileged === true) reasons.push(`container "${container.name}" is privileged`);
  }
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (workload.podSpec[field] === true) reasons.push(`it uses ${field}`);
  const labels = asStringRecord(workload.podMetadata.labels);
  const namespace = resource.ref.namespace ?? 'default';
  const selecting = inventory.ofKindIn('Service', namespace).filter((service) => matchesMapSelector(asRecord(service.object.spec)?.selector, labels));
  for (const service of selecting) {
    const exposure = exposureOf(service);
    if (exposure) reasons.push(`Service "${service.ref.name}" ${exposure.how}`);
  }
  const names = new Set(selecting.map((service) => service.ref.name));
  for (const ingress of inventory.ofKindIn('Ingress', namespace)) {
    if (ingressBackends(asRecord(ingress.object.spec) ?? {}).some((backend) => names.has(backend.name))) reasons.push(`Ingress "${metadataOf(ingress.object).name ?? ingress.ref.name}" routes to it`);
  }
  return reasons;
}

/**
 * `serviceaccount:ci:deployer by RoleBinding ci/deploy, group:devs by ...`: who holds a
 * role's rules, through bindings to it or to aggregated ClusterRoles that include them;
 * undefined when nobody among the scanned objects does. `permissions`: what the finding is
 * about; a RoleBinding grants only in its namespace, so it holds none of them when every one
 * is cluster-scoped (a request that carries no namespace).
 */
export function grantedTo(role: Resource, inventory: Inventory, permissions: ReadonlyArray<{ clusterScoped?: boolean }> = []): string | undefined {
  const model = rbacModelOf(inventory);
  // role key -> aggregated ClusterRoles holding some of its rules
  const aggregators = inventory.get(rbacAggregators);
  const key = roleKey(role.ref.kind, role.ref.namespace, role.ref.name);
  const holders = new Set<string>();
  for (const holderRole of [key, ...(aggregators.get(key) ?? [])]) {
    for (const binding of model.bindingsOfRole(holderRole)) {
      if (!binding.role) continue;
      if (binding.kind === 'RoleBinding' && permissions.length > 0 && permissions.every((permission) => permission.clusterScoped)) continue;
      const where = binding.namespace ? `RoleBinding ${binding.namespace}/${binding.name}` : `ClusterRoleBinding ${binding.name}`;
      const via = holderRole === key ? where : `${where} → ${binding.role.kind} ${binding.role.name}`;
      for (const subject of binding.subjects) if (subject.principal) holders.add(`${formatSubject(subject)} by ${via}`);
    }
  }
  if (holders.size === 0) return undefined;
  const list = [...holders];
  return `${list.slice(0, 3).join(', ')}${list.length > 3 ? ` and ${list.length - 3} more` : ''}`;
}

/** What the checks that name a role's holders (grantedTo) read. */
export const GRANT_HOLDER_READS: CheckReads = { analyses: [rbacModel, rbacAggregators], scope: 'cluster' };
