/**
 * palisade/images: the image model (OCI manifests, analyzers, layer merging, OS support,
 * version orderings, advisories and matching, scan results) and the adapters that read
 * images (registries, OCI layouts, docker save tarballs), inventory them and write SBOMs.
 */
export type { ImageInventory, InstalledPackage, LayerRef, ImageMetadata, OperatingSystem, Ecosystem, VersionScheme } from './core/images/model.js';
export { parseImageReference, formatImageReference, type ImageReference } from './core/images/reference.js';
export { parseManifestDocument, selectPlatform, parsePlatform, formatPlatform, parseWwwAuthenticate, MANIFEST_ACCEPT, type Platform, type Descriptor, type ImageManifest, type ImageIndex, type ImageConfig } from './core/images/oci.js';
export { ALL_ANALYZERS, compileSelector } from './core/images/analyzers/index.js';
export type { Analyzer, AnalyzerOutput, AnalyzerHelpers, FileMatch, DetectedPackage } from './core/images/analyzers/types.js';
export { createMergeState, applyLayer, finishInventory, shadowsTracked, osEcosystem, type LayerScan, type MergeState } from './core/images/layers.js';
export { imageMetadata, buildDate } from './core/images/metadata.js';
export { osSupport, osReleaseOf, describeOsSupport, OS_RELEASES, RELEASE_DATA_AS_OF as OS_RELEASE_DATA_AS_OF, type OsSupport, type OsSupportState, type OsRelease } from './core/images/os-support.js';
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
export { imageResultsFrom, imageKey, tagReference, type ImageResults, type ImageScanSummary, type VulnerabilitySummary } from './core/images/results.js';
export {
  parseSignaturePolicy,
  identityMatches,
  signatureResultsFrom,
  type SignaturePolicy,
  type KeylessIdentity,
  type SignatureVerdict,
  type SignatureStatus,
  type SignatureResults,
} from './core/images/signatures.js';
export type { SignatureVerifier } from './core/ports/signatures.js';
export { verifyImageSignatures, imagesOf, type SignatureReport } from './app/signatures.js';

// Adapters: reading images, inventorying them, SBOMs.
export { createRegistryClient, RegistryError, type RegistryClient, type RegistryClientOptions } from './adapters/registry/client.js';
export { createSignatureVerifier, type SignatureVerifierOptions, type VerificationKey } from './adapters/registry/signatures.js';
export { createSignatureCache, type SignatureCache } from './adapters/registry/signature-cache.js';
export { parseDockerConfig, parsePullSecret, findCredential, type CredentialEntry, type Credential } from './adapters/registry/credentials.js';
export { openRegistryImage, openOciLayout, openDockerArchive, locateImage, type OpenedImage } from './adapters/images/sources.js';
export type { ImageLocation } from './adapters/images/locate.js';
export { walkLayer, LayerError, type WalkLimits } from './adapters/images/walker.js';
export { inventoryImage, type InventoryOptions } from './adapters/images/scan.js';
export { scanImage, storedScan, storedReference, summaryOf, type ImageScanEntry, type PipelineContext } from './adapters/images/pipeline.js';
export { cycloneDxBom } from './adapters/sbom/cyclonedx.js';
export { spdxDocument } from './adapters/sbom/spdx.js';
