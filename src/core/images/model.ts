/**
 * The image inventory: what the puller and the analyzers produce, and what vulnerability
 * matching, SBOM export and the store consume. Shared vocabulary between those stages.
 */

/**
 * OSV ecosystem names (https://ossf.github.io/osv-schema/#affectedpackage-field). OS
 * packages carry the release too, as OSV writes it: `Debian:12`, `Alpine:v3.20`,
 * `Ubuntu:22.04`, `Red Hat`, `Rocky Linux:9`, `AlmaLinux:9`.
 */
export type Ecosystem = string;

/** The version ordering a package's versions follow. */
export type VersionScheme = 'dpkg' | 'apk' | 'rpm' | 'semver' | 'go' | 'pep440' | 'maven' | 'rubygems' | 'nuget' | 'composer' | 'cargo' | 'npm' | 'pub';

export interface LayerRef {
  /** Position in the image, 0 = base. */
  index: number;
  /** Compressed blob digest (manifest layer digest). */
  digest: string;
  /** Uncompressed digest (config rootfs.diff_ids), when known. */
  diffId?: string;
  /** history[].created_by of the non-empty history entry matching this layer. */
  createdBy?: string;
}

export interface InstalledPackage {
  /** OSV ecosystem, with the release for OS packages (`Debian:12`). */
  ecosystem: Ecosystem;
  scheme: VersionScheme;
  /** The name the package manager uses (npm: `@scope/name`; Maven: `group:artifact`; Go: module path). */
  name: string;
  version: string;
  /** OS packages: the source package and its version (dpkg Source:, rpm SOURCERPM, apk origin). */
  sourceName?: string;
  sourceVersion?: string;
  /** OS packages: the architecture (dpkg Architecture, rpm ARCH, apk A:). */
  arch?: string;
  /** Package URL (https://github.com/package-url/purl-spec). */
  purl?: string;
  licenses?: string[];
  /** The file in the image that records the package. */
  path: string;
  /** The layer that introduced this version of the package. */
  layer?: LayerRef;
  /**
   * Maven: the group was inferred (from the manifest's Bundle-SymbolicName), not read from
   * Maven metadata (pom.properties) or Implementation-Vendor-Id.
   */
  groupGuessed?: boolean;
  /** Language packages installed by an OS package are marked, not double counted. */
  ownedByOsPackage?: string;
}

export interface OperatingSystem {
  /** os-release ID: debian, ubuntu, alpine, rhel, rocky, almalinux, distroless... */
  id: string;
  /** os-release VERSION_ID. */
  versionId?: string;
  prettyName?: string;
}

export interface ImageMetadata {
  /** The reference as given, and resolved (registry/repository:tag@digest). */
  reference: string;
  /** Manifest digest the scan read. */
  digest: string;
  platform?: { os: string; architecture: string; variant?: string };
  /** Config `created`, ISO 8601; absent or epoch zero (reproducible builds) means unknown. */
  created?: string;
  user?: string;
  exposedPorts?: string[];
  labels?: Record<string, string>;
  layers: LayerRef[];
}

export interface ImageInventory {
  image: ImageMetadata;
  os?: OperatingSystem;
  packages: InstalledPackage[];
  /** Files an analyzer could not parse: reported, never fatal. */
  problems: { path: string; layer?: string; message: string }[];
}
