/**
 * Palisade as a library. The core is pure (objects in, findings out); the
 * adapters read manifests; the formatters render reports.
 */
export { ALL_CHECKS } from './core/checks/index.js';
export { resolvePlan, describeProblem, type PalisadeConfig, type PlanRequest, type ScanPlan, type PlannedCheck, type ConfigProblem } from './core/engine/config.js';
export { buildInventory, type Inventory } from './core/engine/inventory.js';
export { ownedByScannedController } from './core/engine/ownership.js';
export { compilePlan, evaluateResource, evaluateAll, compareFindings, type CompiledPlan, type Evaluation } from './core/engine/run.js';
export { buildReport, reportFinding, reportedSource, reportFindingKey, SCAN_SCHEMA_VERSION, type ScanReport, type ControlResult, type CheckInfo, type ReportFinding, type ReportLocation, type ReportSuppression } from './core/engine/report.js';
export { parseInlineExceptions, INLINE_EXCEPTION_PREFIX, type ExceptionRule, type InlineException } from './core/engine/exceptions.js';
export { extractWorkload, isWorkloadKind, WORKLOAD_KINDS, type Workload, type ContainerView, type EffectiveSecurityContext } from './core/kinds/pod-spec.js';
export { defineCheck, CATEGORIES, type AnyCheck, type CheckDefinition, type CheckContext, type Violation, type Category, type OptionSpec } from './core/model/check.js';
export type { Finding, FindingLocation, Suppression, InputError, InputErrorCode, SkippedDocument } from './core/model/finding.js';
export { findingKey, findingKeyString, fingerprintTextV1, groupOf, type FindingKey, type KeyedFinding } from './core/model/finding-key.js';
export { sourceLabel, artifactOf, fileSource, STDIN, type Source, type SourceKind, type Renderer, type AdmissionOperation } from './core/model/source.js';
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
export type { ImageInventory, InstalledPackage, LayerRef, ImageMetadata, OperatingSystem, Ecosystem, VersionScheme } from './core/images/model.js';
export { parseManifestDocument, selectPlatform, parsePlatform, formatPlatform, parseWwwAuthenticate, MANIFEST_ACCEPT, type Platform, type Descriptor, type ImageManifest, type ImageIndex, type ImageConfig } from './core/images/oci.js';
export { ALL_ANALYZERS, compileSelector } from './core/images/analyzers/index.js';
export type { Analyzer, AnalyzerOutput, AnalyzerHelpers, FileMatch, DetectedPackage } from './core/images/analyzers/types.js';
export { createMergeState, applyLayer, finishInventory, shadowsTracked, osEcosystem, type LayerScan, type MergeState } from './core/images/layers.js';
export { imageMetadata, buildDate } from './core/images/metadata.js';
export { osSupport, osReleaseOf, describeOsSupport, OS_RELEASES, RELEASE_DATA_AS_OF as OS_RELEASE_DATA_AS_OF, type OsSupport, type OsSupportState, type OsRelease } from './core/images/os-support.js';
export { createRegistryClient, RegistryError, type RegistryClient, type RegistryClientOptions } from './adapters/registry/client.js';
export { parseDockerConfig, parsePullSecret, findCredential, type CredentialEntry, type Credential } from './adapters/registry/credentials.js';
export { openRegistryImage, openOciLayout, openDockerArchive, locateImage, type OpenedImage } from './adapters/images/sources.js';
export { walkLayer, LayerError, type WalkLimits } from './adapters/images/walker.js';
export { inventoryImage, type InventoryOptions } from './adapters/images/scan.js';
export { cycloneDxBom } from './adapters/sbom/cyclonedx.js';
export { spdxDocument } from './adapters/sbom/spdx.js';
export { IMAGE_INVENTORY_API_VERSION, runImageCommand, type ImageFindingSource } from './cli/commands/image.js';
export { VERSION_ORDERINGS, schemeForEcosystem, type VersionOrdering } from './core/images/versions/index.js';
export { scoreCvss, scoreV3, scoreV4, ratingOf, type CvssScore, type CvssVersion, type CvssRating } from './core/images/cvss.js';
export { FIX_STATUSES, ageInDays, type PackageAdvisory, type AdvisoryFeed, type FixStatus, type VersionRange, type RangeEvent, type SeverityEntry } from './core/images/advisory.js';
export { normalizePackageName, canonicalEcosystem } from './core/images/names.js';
export {
  matchPackages,
  matchIdentity,
  packageKey,
  evaluateRange,
  VULNERABILITY_SEVERITIES,
  type VulnerabilityFinding,
  type VulnerabilitySeverity,
  type FindingSeverity,
  type MatchResult,
  type MatchOptions,
  type MatchProblem,
  type PackageKey,
} from './core/images/match.js';
export {
  openVulnerabilityDatabase,
  defaultDatabasePath,
  importFrom,
  matchWithDatabase,
  keyString,
  DatabaseError,
  ImportError,
  DEFAULT_IMPORT_LIMITS,
  type VulnerabilityDatabase,
  type DatabaseStatus,
  type SourceStatus,
  type ImportSummary,
  type ImportLimits,
} from './adapters/vulndb/index.js';
export { buildNetworkModel, parsePolicy, defaultedPolicyTypes, type NetworkModel, type PodClass, type ParsedPolicy, type PolicyRule as NetworkPolicyRule, type PolicyPeer, type NetworkWorkload } from './core/network/model.js';
export { analyzeNetwork, type NetworkAnalysis, type Endpoint, type Verdict, type Side, type AllowingRule, type MatrixCell } from './core/network/analysis.js';
export { workloadMatrix, resolveEndpoint, type WorkloadConnection } from './core/network/workloads.js';
export { networkExposure, type ExposureItem } from './core/network/exposure.js';
export { generatePolicies, inferFlows, type Proposal, type ObservedFlow } from './core/network/generate.js';
export { formatPorts, type PortSet, type Protocol } from './core/network/ports.js';
export { parseCidr, addressesToCidrs, METADATA_ADDRESSES, type AddressSet } from './core/network/addresses.js';
