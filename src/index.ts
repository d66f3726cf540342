/**
 * Palisade as a library. The core is pure (objects in, findings out); the
 * adapters read manifests; the formatters render reports.
 */
export { ALL_CHECKS } from './core/checks/index.js';
export { resolvePlan, describeProblem, type PalisadeConfig, type PlanRequest, type ScanPlan, type PlannedCheck, type ConfigProblem } from './core/engine/config.js';
export { buildInventory, type Inventory } from './core/engine/inventory.js';
export { ownedByScannedController } from './core/engine/ownership.js';
export { compilePlan, evaluateResource, evaluateAll, compareFindings, type CompiledPlan, type Evaluation } from './core/engine/run.js';
export { buildReport, SCAN_SCHEMA_VERSION, type ScanReport, type ControlResult } from './core/engine/report.js';
export { parseInlineExceptions, INLINE_EXCEPTION_PREFIX, type ExceptionRule, type InlineException } from './core/engine/exceptions.js';
export { extractWorkload, isWorkloadKind, WORKLOAD_KINDS, type Workload, type ContainerView, type EffectiveSecurityContext } from './core/kinds/pod-spec.js';
export { defineCheck, CATEGORIES, type AnyCheck, type CheckDefinition, type CheckContext, type Violation, type Category, type OptionSpec } from './core/model/check.js';
export type { Finding, FindingLocation, Suppression, InputError, InputErrorCode, SkippedDocument } from './core/model/finding.js';
export { locate, formatPath, LOCATIONS, type Path, type Position } from './core/model/location.js';
export { refToString, type KubeObject, type ObjectRef, type Resource, type Origin } from './core/model/resource.js';
export { SEVERITIES, atLeast, isSeverity, type Severity } from './core/model/severity.js';
export { STANDARD_IDS, controlsIn, type StandardId, type StandardsMapping } from './core/model/standards.js';
export { buildRbacModel, roleKey, type RbacModel, type AccessRequest, type NamespacedRequest, type Decision, type Grant, type EffectiveRule, type RoleInfo, type BindingInfo, type ServiceAccountInfo } from './core/rbac/model.js';
export { ruleAllows, rulesAllow, toPolicyRule, type PolicyRule, type ResourceRequest, type NonResourceRequest } from './core/rbac/rules.js';
export { parseSubject, formatSubject, identityOf, type Subject, type Identity } from './core/rbac/subjects.js';
export { parseRequest, describeRequest } from './core/rbac/resources.js';
export { findEscalations, isClusterAdminEquivalent, type EscalationPath, type EscalationStep } from './core/rbac/escalation.js';
export { whoCanView, canView, permissionsView, graphView, graphDot, RBAC_VIEW_API_VERSION } from './core/rbac/views.js';
export { loadText, type LoadResult, type TextLoadOptions } from './adapters/manifests/documents.js';
export { loadSources, type SourceOptions } from './adapters/manifests/files.js';
export { parseStream, type ParsedDocument, type ParseLimits } from './adapters/manifests/yaml.js';
export { FORMATTERS } from './cli/formatters/index.js';
