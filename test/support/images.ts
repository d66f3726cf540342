import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { sha256Digest, type TestRegistry } from './registry.js';

/**
 * Builds container images without a Docker engine: layers are tar streams written with
 * tar-stream, compressed with zlib (gzip) or the zstd program, pushed to a registry over
 * the Distribution API, or written as an OCI layout directory or a `docker save` tarball.
 */

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export interface FileEntry {
  path: string;
  content?: Buffer | string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  linkname?: string;
  mode?: number;
  /** header size different from the content (hostile layers) */
  size?: number;
}

/** A tar archive of the entries, in order. */
export async function tarOf(entries: FileEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const content = entry.content === undefined ? undefined : Buffer.from(entry.content);
    await new Promise<void>((resolve, reject) => {
      const header = { name: entry.path, type, mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644), mtime: new Date(0), ...(entry.linkname ? { linkname: entry.linkname } : {}) };
      if (type === 'file') pack.entry({ ...header, size: content?.length ?? 0 }, content ?? Buffer.alloc(0), (error) => (error ? reject(error) : resolve()));
      else pack.entry(header, (error) => (error ? reject(error) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export type Compression = 'gzip' | 'zstd' | 'none';

export interface BuiltLayer {
  blob: Buffer;
  digest: string;
  diffId: string;
  mediaType: string;
  createdBy: string;
}

export function zstdCompress(data: Buffer): Buffer {
  const result = spawnSync('zstd', ['-q', '-c', '-3'], { input: data, maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`zstd failed: ${result.stderr.toString()}`);
  return result.stdout;
}

export async function buildLayer(entries: FileEntry[], options: { compression?: Compression; createdBy?: string; docker?: boolean } = {}): Promise<BuiltLayer> {
  return layerFromTar(await tarOf(entries), options);
}

export function layerFromTar(tarData: Buffer, options: { compression?: Compression; createdBy?: string; docker?: boolean } = {}): BuiltLayer {
  const compression = options.compression ?? 'gzip';
  const blob = compression === 'gzip' ? gzipSync(tarData) : compression === 'zstd' ? zstdCompress(tarData) : tarData;
  const mediaType = options.docker ? MEDIA.dockerLayer : compression === 'gzip' ? MEDIA.ociLayerGzip : compression === 'zstd' ? MEDIA.ociLayerZstd : MEDIA.ociLayer;
  return { blob, digest: sha256Digest(blob), diffId: sha256Digest(tarData), mediaType, createdBy: options.createdBy ?? 'COPY . /' };
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface ImageSpec {
  layers: BuiltLayer[];
  platform?: Platform;
  /** extra config.config fields (User, ExposedPorts, Labels, Env...) */
  runtime?: Record<string, unknown>;
  created?: string;
  /** extra empty_layer history entries inserted before each layer, by layer index */
  emptyHistory?: Record<number, string>;
  /** Docker v2 schema2 media types instead of OCI */
  docker?: boolean;
}

export interface BuiltImage {
  config: Buffer;
  configDigest: string;
  manifest: Buffer;
  manifestDigest: string;
  manifestMediaType: string;
  layers: BuiltLayer[];
  platform: Platform;
}

export function buildImage(spec: ImageSpec): BuiltImage {
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const history: Record<string, unknown>[] = [];
  spec.layers.forEach((layer, index) => {
    const empty = spec.emptyHistory?.[index];
    if (empty) history.push({ created: spec.created ?? '2024-05-01T10:00:00Z', created_by: empty, empty_layer: true });
    history.push({ created: spec.created ?? '2024-05-01T10:00:00Z', created_by: layer.createdBy });
  });
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      created: spec.created ?? '2024-05-01T10:00:00Z',
      config: spec.runtime ?? {},
      rootfs: { type: 'layers', diff_ids: spec.layers.map((layer) => layer.diffId) },
      history,
    }),
  );
  const configDigest = sha256Digest(config);
  const manifestMediaType = spec.docker ? MEDIA.dockerManifest : MEDIA.ociManifest;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: manifestMediaType,
      config: { mediaType: spec.docker ? MEDIA.dockerConfig : MEDIA.ociConfig, digest: configDigest, size: config.length },
      layers: spec.layers.map((layer) => ({ mediaType: layer.mediaType, digest: layer.digest, size: layer.blob.length })),
    }),
  );
  return { config, configDigest, manifest, manifestDigest: sha256Digest(manifest), manifestMediaType, layers: spec.layers, platform };
}

function headers(registry: TestRegistry, repository: string, extra: Record<string, string> = {}): Record<string, string> {
  const authorization = registry.adminAuthorization(repository);
  return authorization ? { authorization, ...extra } : extra;
}

/** Monolithic blob upload (POST then PUT ?digest=); a file path streams from disk. */
export async function pushBlob(registry: TestRegistry, repository: string, data: Buffer | { file: string; digest: string }): Promise<string> {
  const digest = Buffer.isBuffer(data) ? sha256Digest(data) : data.digest;
  const head = await fetch(`${registry.url}/v2/${repository}/blobs/${digest}`, { method: 'HEAD', headers: headers(registry, repository) });
  if (head.status === 200) return digest;
  const start = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: headers(registry, repository) });
  await start.arrayBuffer();
  if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location')!, registry.url);
  location.searchParams.set('digest', digest);
  const body = Buffer.isBuffer(data) ? data : (Readable.toWeb(createReadStream(data.file)) as ReadableStream);
  const length = Buffer.isBuffer(data) ? data.length : statSync(data.file).size;
  const put = await fetch(location, {
    method: 'PUT',
    headers: headers(registry, repository, { 'content-type': 'application/octet-stream', 'content-length': String(length) }),
    body,
    duplex: 'half',
  } as RequestInit);
  const text = await put.text();
  if (put.status !== 201) throw new Error(`blob upload ${digest}: HTTP ${put.status} ${text}`);
  return digest;
}

export async function pushManifest(registry: TestRegistry, repository: string, reference: string, body: Buffer, mediaType: string): Promise<string> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, { method: 'PUT', headers: headers(registry, repository, { 'content-type': mediaType }), body });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`manifest ${repository}:${reference}: HTTP ${response.status} ${text}`);
  return sha256Digest(body);
}

/** Pushes layers, config and manifest; tags it when `tag` is given. */
export async function pushImage(registry: TestRegistry, repository: string, tag: string | undefined, image: BuiltImage): Promise<string> {
  for (const layer of image.layers) await pushBlob(registry, repository, layer.blob);
  await pushBlob(registry, repository, image.config);
  return pushManifest(registry, repository, tag ?? image.manifestDigest, image.manifest, image.manifestMediaType);
}

export interface IndexEntry {
  digest: string;
  size: number;
  mediaType: string;
  platform: Platform;
  annotations?: Record<string, string>;
}

export function indexEntry(image: BuiltImage, annotations?: Record<string, string>): IndexEntry {
  return { digest: image.manifestDigest, size: image.manifest.length, mediaType: image.manifestMediaType, platform: image.platform, ...(annotations ? { annotations } : {}) };
}

export function buildIndex(entries: IndexEntry[], docker = false): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: docker ? MEDIA.dockerList : MEDIA.ociIndex, manifests: entries }));
}

/**
 * A multi-arch index as BuildKit writes it: one image per platform plus, for each, an
 * attestation manifest (platform unknown/unknown, annotated as such) that scanners skip.
 */
export async function pushIndex(registry: TestRegistry, repository: string, tag: string, images: BuiltImage[], options: { docker?: boolean; attestations?: boolean } = {}): Promise<string> {
  const entries: IndexEntry[] = [];
  for (const image of images) {
    await pushImage(registry, repository, undefined, image);
    entries.push(indexEntry(image));
    if (options.attestations) {
      const statement = await buildLayer([{ path: 'statement.json', content: '{"_type":"https://in-toto.io/Statement/v0.1"}' }], { compression: 'none' });
      const attestation = buildImage({ layers: [statement], platform: { os: 'unknown', architecture: 'unknown' } });
      await pushImage(registry, repository, undefined, attestation);
      entries.push({ ...indexEntry(attestation), annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': image.manifestDigest } });
    }
  }
  return pushManifest(registry, repository, tag, buildIndex(entries, options.docker), options.docker ? MEDIA.dockerList : MEDIA.ociIndex);
}

/** Writes an OCI image layout (oci-layout, index.json, blobs/sha256/...) with one tagged image. */
export function writeOciLayout(dir: string, image: BuiltImage, tag = 'latest'): void {
  const blobs = path.join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer): void => writeFileSync(path.join(blobs, sha256Digest(data).slice(7)), data);
  for (const layer of image.layers) put(layer.blob);
  put(image.config);
  put(image.manifest);
  writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: [{ ...indexEntry(image), annotations: { 'org.opencontainers.image.ref.name': tag } }] }),
  );
}

/** A `docker save` tarball (legacy layout: manifest.json, <id>.json config, <id>/layer.tar uncompressed). */
export async function dockerSaveTarball(image: BuiltImage, repoTag: string, layerTars: Buffer[]): Promise<Buffer> {
  const configName = `${image.configDigest.slice(7)}.json`;
  const entries: FileEntry[] = [{ path: configName, content: image.config }];
  const layerPaths: string[] = [];
  layerTars.forEach((data, index) => {
    const id = createHash('sha256').update(`${index}`).update(data).digest('hex');
    entries.push({ path: `${id}/`, type: 'directory' }, { path: `${id}/layer.tar`, content: data }, { path: `${id}/VERSION`, content: '1.0' });
    layerPaths.push(`${id}/layer.tar`);
  });
  entries.push({ path: 'manifest.json', content: JSON.stringify([{ Config: configName, RepoTags: [repoTag], Layers: layerPaths }]) });
  return tarOf(entries);
}
