/**
 * Palisade as a library: the engine, the model, the check contract and the use cases.
 * The RBAC, network and image models are behind subpath exports (palisade/rbac,
 * palisade/network, palisade/images), and the SQLite adapters of the ports behind
 * palisade/sqlite. Nothing from the command line is exported.
 */

// Use cases: what the CLI, the webhook, the watcher and the server call.
export { scanResources, planScan, parseScanConfig, loadImageResults, ScanConfigError, EmptyScanError, type ScanInput, type ScanConfig, type ScanRequest, type ScanResult } from './app/scan.js';
export { verdict, exitCodeOf, type Verdict, type VerdictInput } from './app/verdict.js';
export {
  scanImages,
  imageVerdict,
  filterVulnerabilities,
  IMAGE_INVENTORY_API_VERSION,
  type ImageSources,
  type ImageScanOptions,
  type ImageScanEvent,
  type ImageScanResult,
  type ImageScanError,
  type ImageFindingSource,
} from './app/image.js';
export { answerRbac, type RbacQuestion, type RbacAnswer } from './app/rbac.js';
export {
  buildNetworkContext,
  connectionMatrix,
  explainConnection,
  exposureOf,
  proposePolicies,
  proposalChanges,
  NetworkQueryError,
  type NetworkContext,
  type Explanation,
  type ExplainedConnection,
  type ProposalRequest,
  type ConnectionChange,
} from './app/netpol.js';
export { recordScan } from './app/findings.js';
export { detectDrift, driftExitCode, type DriftInput, type DriftReport } from './app/drift.js';
export { compareDesired, type DriftResult, type DriftStatus, type DriftOptions, type ObjectDrift } from './core/drift/drift.js';
export { compareObject, quantityValue, type FieldDrift, type ObjectComparison } from './core/drift/compare.js';
export { fixManifests, type FixRequest, type FixResult, type FixOutcome, type FixStatus, type FileChange, type KustomizePatch } from './app/fix.js';
export type { ImageResultsStore, StoredImageScan, VulnerabilityDatabase, DataFreshness, FindingStore, FindingQuery, FindingRecord, SavedRun, ScanRun, StoredFinding, FindingHistory, FindingEvent, FindingEventKind, FindingCause, DecisionStore, DecisionRecord, DecisionCheck, DecisionImage, DecisionQuery } from './app/ports.js';

// The engine.
export { ALL_CHECKS } from './core/checks/index.js';
export { resolvePlan, describeProblem, type PalisadeConfig, type PlanRequest, type ScanPlan, type PlannedCheck, type ConfigProblem } from './core/engine/config.js';
export { buildInventory, createIncrementalInventory, type Inventory, type IncrementalInventory, type InventoryContext, type ObjectIdentity } from './core/inventory/inventory.js';
export { defineAnalysis, ANY_KIND, type Analysis, type AnyAnalysis, type ReadScope } from './core/inventory/analysis.js';
export { checkNeeds, kindsToRead, type CheckNeeds } from './core/inventory/reads.js';
export { KIND_CATALOG, kindInfo, type KindInfo } from './core/kinds/catalog.js';
export { compilePlan, evaluateResource, evaluateAll, compareFindings, type CompiledPlan, type Evaluation } from './core/engine/run.js';
export { buildReport, reportFinding, reportedSource, reportFindingKey, SCAN_SCHEMA_VERSION, type ScanReport, type ControlResult, type ControlSummary, type CheckInfo, type ReportFinding, type ReportLocation, type ReportSuppression } from './core/engine/report.js';
export type { NotEvaluated, UnevaluatedCheck, UnevaluatedReason } from './core/engine/coverage.js';
export { parseInlineExceptions, INLINE_EXCEPTION_PREFIX, type ExceptionRule, type InlineException, type ExpiredException } from './core/engine/exceptions.js';

// The model, and the check contract.
export { defineCheck, CATEGORIES, type AnyCheck, type CheckDefinition, type CheckContext, type CheckReads, type Violation, type Category, type OptionSpec, type CheckFix, type FixEdit, type FixContext, type FixTarget, type FixValue } from './core/model/check.js';
export type { Finding, FindingLocation, Suppression, InputError, InputErrorCode, SkippedDocument } from './core/model/finding.js';
export { findingKey, findingKeyString, fingerprintTextV1, fingerprintTextV2, groupOf, type FindingKey, type KeyedFinding } from './core/model/finding-key.js';
export { sourceLabel, artifactOf, fileSource, STDIN, type Source, type SourceKind, type Renderer, type AdmissionOperation } from './core/model/source.js';
export { locate, formatPath, type Path, type Position } from './core/model/location.js';
export { refToString, type KubeObject, type ObjectRef, type Resource, type Origin } from './core/model/resource.js';
export { SEVERITIES, atLeast, isSeverity, type Severity } from './core/model/severity.js';
export { STANDARD_IDS, controlsIn, type StandardId, type StandardsMapping } from './core/model/standards.js';
export { extractWorkload, isWorkloadKind, WORKLOAD_KINDS, type Workload, type ContainerView, type EffectiveSecurityContext } from './core/kinds/pod-spec.js';

// Objects in: manifests from text, files, directories, Kustomize and Helm.
export { loadText, type LoadResult, type TextLoadOptions } from './adapters/manifests/documents.js';
export { loadSources, type SourceOptions } from './adapters/manifests/files.js';
