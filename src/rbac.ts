/** palisade/rbac: the effective-permissions model (API server semantics), who-can, escalation paths and their views. */
export { buildRbacModel, roleKey, type RbacModel, type AccessRequest, type NamespacedRequest, type Decision, type Grant, type EffectiveRule, type RoleInfo, type BindingInfo, type ServiceAccountInfo } from './core/rbac/model.js';
export { ruleAllows, rulesAllow, toPolicyRule, type PolicyRule, type ResourceRequest, type NonResourceRequest } from './core/rbac/rules.js';
export { parseSubject, formatSubject, identityOf, type Subject, type Identity } from './core/rbac/subjects.js';
export { parseRequest, resolveRequest, resourceCatalog, describeRequest, BUILTIN_RESOURCES, type ApiResource, type ResourceCatalog, type RequestSpec, type ResolvedRequest } from './core/rbac/resources.js';
export { findEscalations, escalationsView, isClusterAdminEquivalent, type EscalationPath, type EscalationStep, type EscalationsView } from './core/rbac/escalation.js';
export { whoCanView, canView, permissionsView, graphView, graphDot, RBAC_VIEW_API_VERSION, type WhoCanView, type CanView, type PermissionsView, type GraphView } from './core/rbac/views.js';
export { rbacModel, rbacEscalations, rbacAggregators, rbacBindingsByResource, rbacUsedRoles } from './core/rbac/analyses.js';
