/**
 * OCI image and Docker v2 schema2 documents: media types, manifest/index parsing,
 * platform selection and WWW-Authenticate parsing. Pure: bytes and text in, values out.
 */

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

/** Every manifest media type we read, for Accept (some registries 404 OCI content otherwise). */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.dockerManifest].join(', ');

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  kind: 'manifest';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  kind: 'index';
  mediaType: string;
  manifests: Descriptor[];
}

/** The parts of an image config (OCI image-spec config.md) a scan reads. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: { User?: string; ExposedPorts?: Record<string, unknown>; Labels?: Record<string, string> | null; Env?: string[] };
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: { created?: string; created_by?: string; empty_layer?: boolean; comment?: string }[];
}

export class ImageFormatError extends Error {
  override name = 'ImageFormatError';
}

const DIGEST = /^sha256:[0-9a-f]{64}$|^sha512:[0-9a-f]{128}$/;

function descriptor(value: unknown, where: string): Descriptor {
  const item = value as Partial<Descriptor> | null;
  if (!item || typeof item !== 'object') throw new ImageFormatError(`${where}: not an object`);
  if (typeof item.digest !== 'string' || !DIGEST.test(item.digest)) throw new ImageFormatError(`${where}: invalid digest ${JSON.stringify(item.digest)}`);
  if (typeof item.size !== 'number' || !Number.isSafeInteger(item.size) || item.size < 0) throw new ImageFormatError(`${where}: invalid size`);
  const result: Descriptor = { mediaType: typeof item.mediaType === 'string' ? item.mediaType : '', digest: item.digest, size: item.size };
  if (item.platform && typeof item.platform === 'object') result.platform = item.platform;
  if (item.annotations && typeof item.annotations === 'object') result.annotations = item.annotations;
  return result;
}

/**
 * Parses a manifest or an index. The media type comes from the document's own
 * `mediaType` field, else the Content-Type header, else its shape (`manifests` or `layers`).
 */
export function parseManifestDocument(text: string, contentType?: string): ImageManifest | ImageIndex {
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ImageFormatError(`manifest is not JSON: ${(error as Error).message}`);
  }
  if (!document || typeof document !== 'object') throw new ImageFormatError('manifest is not a JSON object');
  const mediaType = typeof document.mediaType === 'string' ? document.mediaType : (contentType?.split(';')[0]?.trim() ?? '');
  if (document.schemaVersion === 1 || mediaType.startsWith('application/vnd.docker.distribution.manifest.v1')) throw new ImageFormatError('Docker schema 1 manifests are not supported (deprecated since 2017); re-push the image');
  const isIndex = mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList || (!mediaType && Array.isArray(document.manifests));
  if (isIndex) {
    if (!Array.isArray(document.manifests)) throw new ImageFormatError('index without manifests');
    return { kind: 'index', mediaType: mediaType || MEDIA_TYPES.ociIndex, manifests: document.manifests.map((item, index) => descriptor(item, `manifests[${index}]`)) };
  }
  if (!Array.isArray(document.layers)) throw new ImageFormatError(`unsupported manifest media type "${mediaType}"`);
  const manifest: ImageManifest = {
    kind: 'manifest',
    mediaType: mediaType || MEDIA_TYPES.ociManifest,
    config: descriptor(document.config, 'config'),
    layers: document.layers.map((item, index) => descriptor(item, `layers[${index}]`)),
  };
  if (document.annotations && typeof document.annotations === 'object') manifest.annotations = document.annotations as Record<string, string>;
  return manifest;
}

/** `linux/arm64/v8` -> { os, architecture, variant }. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, extra] = text.split('/');
  if (!os || !architecture || extra !== undefined) throw new ImageFormatError(`invalid platform "${text}" (want os/arch[/variant], e.g. linux/amd64)`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(platform: Platform): string {
  return `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}`;
}

/** BuildKit provenance/SBOM attestations sit in indexes as pseudo-images: never scanned. */
export function isAttestation(entry: Descriptor): boolean {
  return entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || (entry.platform?.os === 'unknown' && entry.platform.architecture === 'unknown');
}

/** arm64 images without a variant are v8; arm without one are v7 (containerd's normalisation). */
function normalVariant(platform: Platform): string | undefined {
  if (platform.variant) return platform.variant;
  if (platform.architecture === 'arm64') return 'v8';
  if (platform.architecture === 'arm') return 'v7';
  return undefined;
}

/** The index entry for `wanted`: os and architecture equal, variant equal after normalisation. */
export function selectPlatform(index: ImageIndex, wanted: Platform): Descriptor {
  const candidates = index.manifests.filter((entry) => !isAttestation(entry));
  const match = candidates.find(
    (entry) => entry.platform?.os === wanted.os && entry.platform.architecture === wanted.architecture && (wanted.variant === undefined || normalVariant(entry.platform) === normalVariant(wanted)),
  );
  if (match) return match;
  const available = candidates.map((entry) => (entry.platform ? formatPlatform(entry.platform) : '(no platform)'));
  throw new ImageFormatError(`no image for platform ${formatPlatform(wanted)} in the index (available: ${available.join(', ') || 'none'})`);
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="https://auth",service="registry",scope="repository:x:pull"` (RFC 7235 auth-params). */
export function parseWwwAuthenticate(header: string): Challenge | undefined {
  const match = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const pattern = /([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?\s*/gy;
  const rest = match[2] ?? '';
  pattern.lastIndex = 0;
  let item: RegExpExecArray | null;
  while (pattern.lastIndex < rest.length && (item = pattern.exec(rest)) !== null) {
    params[item[1]!.toLowerCase()] = item[2] !== undefined ? item[2].replace(/\\(.)/g, '$1') : (item[3] ?? '');
  }
  return { scheme: match[1]!.toLowerCase(), params };
}

/** Reproducible builds write the epoch (1970) or Go's zero time (0001): such dates are unknown, not old. */
export function meaningfulDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time) || time <= 0) return undefined;
  return value;
}
