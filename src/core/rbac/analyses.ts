/**
 * The RBAC model of an inventory and what is derived from it, as analyses: built once,
 * shared by the RBAC checks, rebuilt when an object they read changes.
 */
import { ANY_KIND, defineAnalysis } from '../inventory/analysis.js';
import { topController } from '../engine/ownership.js';
import { WORKLOAD_KINDS } from '../kinds/pod-spec.js';
import { findEscalations, type EscalationPath } from './escalation.js';
import { buildRbacModel, rbacModelMember, rbacModelReads, type BindingInfo, type RbacModel } from './model.js';
import type { Resource } from '../model/resource.js';

/** What the RBAC model is built from; it also collects every namespace in use, hence ANY_KIND. */
export const RBAC_MODEL_KINDS: readonly string[] = ['ClusterRole', 'ClusterRoleBinding', 'Namespace', 'Role', 'RoleBinding', 'Secret', 'ServiceAccount', ...WORKLOAD_KINDS];

export const rbacModel = defineAnalysis<RbacModel>({
  id: 'rbac/model',
  reads: [...RBAC_MODEL_KINDS, ANY_KIND],
  scope: 'cluster',
  significant: rbacModelReads,
  member: (resource, inventory) => rbacModelMember(resource, (workload) => topController(workload, inventory), (item) => inventory.workloadOf(item)),
  build: (inventory) => buildRbacModel(inventory.resources, { workloadOf: (resource) => inventory.workloadOf(resource), standsFor: (resource) => topController(resource, inventory) }),
});

/** Escalation paths by the subject they start from (`user:alice`, `serviceaccount:ns:name`). */
export const rbacEscalations = defineAnalysis<ReadonlyMap<string, EscalationPath>>({
  id: 'rbac/escalations',
  reads: [],
  uses: [rbacModel],
  scope: 'cluster',
  build: (inventory) => new Map(findEscalations(inventory.get(rbacModel)).map((path) => [path.subject, path])),
});

/** Role key -> the aggregated ClusterRoles that hold some of its rules. */
export const rbacAggregators = defineAnalysis<ReadonlyMap<string, readonly string[]>>({
  id: 'rbac/aggregators',
  reads: [],
  uses: [rbacModel],
  scope: 'cluster',
  build(inventory) {
    const out = new Map<string, string[]>();
    for (const aggregated of inventory.get(rbacModel).roles.values()) {
      if (!aggregated.aggregatedFrom) continue;
      for (const source of new Set(aggregated.rules.map((rule) => rule.source))) {
        const list = out.get(source);
        if (list) list.push(aggregated.key);
        else out.set(source, [aggregated.key]);
      }
    }
    return out;
  },
});

/** The model's binding for each scanned binding object. */
export const rbacBindingsByResource = defineAnalysis<ReadonlyMap<Resource, BindingInfo>>({
  id: 'rbac/bindings-by-resource',
  reads: [],
  uses: [rbacModel],
  scope: 'cluster',
  build: (inventory) => new Map(inventory.get(rbacModel).bindings.map((info) => [info.resource, info])),
});

/** Keys of the roles some binding uses, directly or through aggregation. */
export const rbacUsedRoles = defineAnalysis<ReadonlySet<string>>({
  id: 'rbac/used-roles',
  reads: [],
  uses: [rbacModel],
  scope: 'cluster',
  build(inventory) {
    const out = new Set<string>();
    for (const binding of inventory.get(rbacModel).bindings) {
      if (!binding.role) continue;
      out.add(binding.role.key);
      for (const rule of binding.role.rules) out.add(rule.source);
      for (const selected of binding.role.aggregatedFrom ?? []) out.add(selected);
    }
    return out;
  },
});
