import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { formatImageReference, type ImageReference } from '../../core/images/reference.js';
import { ImageFormatError, parseManifestDocument, selectPlatform, type Descriptor, type ImageConfig, type ImageIndex, type ImageManifest, type Platform } from '../../core/images/oci.js';
import { digestOf, RegistryError, verifyingStream, type RegistryClient } from '../registry/client.js';

/**
 * Where an image comes from: a registry, an OCI image layout directory, or a `docker
 * save` tarball. Each resolves to the same shape: the manifest digest, the config and
 * the layers, opened one at a time as verified streams of their compressed bytes.
 */

export interface OpenedLayer {
  descriptor: Descriptor;
  /** uncompressed digest from config rootfs.diff_ids */
  diffId?: string;
}

export interface OpenedImage {
  /** the reference as resolved: registry/repository:tag@digest, or the path */
  reference: string;
  /** manifest digest (docker save without a manifest: the config digest, Docker's image id) */
  digest: string;
  platform?: Platform;
  config: ImageConfig;
  layers: OpenedLayer[];
  /** the layer's compressed bytes; the stream fails unless size and digest match */
  openLayer(index: number): Promise<Readable>;
}

/** Image configs larger than this are refused. */
export const CONFIG_LIMIT = 16 << 20;

function parseConfig(bytes: Buffer, where: string): ImageConfig {
  try {
    const config = JSON.parse(bytes.toString('utf8')) as ImageConfig;
    if (!config || typeof config !== 'object') throw new Error('not an object');
    return config;
  } catch (error) {
    throw new ImageFormatError(`${where}: image config is not valid JSON: ${(error as Error).message}`);
  }
}

function layersOf(manifest: ImageManifest, config: ImageConfig): OpenedLayer[] {
  const diffIds = config.rootfs?.diff_ids ?? [];
  return manifest.layers.map((descriptor, index) => (diffIds[index] ? { descriptor, diffId: diffIds[index] } : { descriptor }));
}

export async function openRegistryImage(client: RegistryClient, reference: ImageReference, platform: Platform, onResolve?: (message: string) => void): Promise<OpenedImage> {
  const first = await client.getManifest(reference, reference.digest ?? reference.tag ?? 'latest');
  let fetched = first;
  if (first.document.kind === 'index') {
    const entry = selectPlatform(first.document, platform);
    onResolve?.(`${formatImageReference(reference)}: index ${first.digest}, platform ${platform.os}/${platform.architecture} -> ${entry.digest}`);
    fetched = await client.getManifest(reference, entry.digest);
    if (fetched.document.kind !== 'manifest') throw new ImageFormatError(`${entry.digest}: an index inside an index is not supported`);
  }
  const manifest = fetched.document as ImageManifest;
  const config = parseConfig(await client.readBlob(reference, manifest.config, CONFIG_LIMIT), formatImageReference(reference));
  const resolved: ImageReference = { ...reference, digest: fetched.digest };
  const opened: OpenedImage = {
    reference: formatImageReference(resolved),
    digest: fetched.digest,
    config,
    layers: layersOf(manifest, config),
    openLayer: (index) => client.openBlob(reference, manifest.layers[index]!),
  };
  if (config.os && config.architecture) opened.platform = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
  return opened;
}

/** Blobs addressed by digest, read from somewhere local (a layout directory or entries of a tarball). */
interface BlobStore {
  read(digest: string, limit: number): Promise<Buffer>;
  open(descriptor: Descriptor): Promise<Readable>;
}

async function resolveFromStore(store: BlobStore, index: ImageIndex, tag: string | undefined, platform: Platform, where: string): Promise<{ manifest: ImageManifest; digest: string }> {
  let candidates = index.manifests;
  if (tag !== undefined) {
    candidates = candidates.filter((entry) => entry.annotations?.['org.opencontainers.image.ref.name'] === tag || entry.annotations?.['io.containerd.image.name']?.endsWith(`:${tag}`));
    if (candidates.length === 0) throw new ImageFormatError(`${where}: no image tagged "${tag}" in index.json`);
  }
  let descriptor: Descriptor | undefined = candidates.length === 1 ? candidates[0] : undefined;
  if (!descriptor) descriptor = selectPlatform({ ...index, manifests: candidates }, platform);
  for (let depth = 0; depth < 4; depth++) {
    const bytes = await store.read(descriptor.digest, 4 << 20);
    const document = parseManifestDocument(bytes.toString('utf8'), descriptor.mediaType);
    if (document.kind === 'manifest') return { manifest: document, digest: descriptor.digest };
    descriptor = selectPlatform(document, platform);
  }
  throw new ImageFormatError(`${where}: indexes nested too deeply`);
}

async function verifiedRead(read: () => Promise<Buffer>, digest: string, what: string): Promise<Buffer> {
  const bytes = await read();
  const actual = digestOf(bytes, digest.startsWith('sha512:') ? 'sha512' : 'sha256');
  if (actual !== digest) throw new RegistryError('DIGEST_MISMATCH', `${what} ${digest}: the bytes hash to ${actual}`);
  return bytes;
}

function imageFromStore(store: BlobStore, manifest: ImageManifest, digest: string, config: ImageConfig, reference: string): OpenedImage {
  const opened: OpenedImage = { reference, digest, config, layers: layersOf(manifest, config), openLayer: (index) => store.open(manifest.layers[index]!) };
  if (config.os && config.architecture) opened.platform = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
  return opened;
}

/** An OCI image layout directory (oci-layout, index.json, blobs/<alg>/<hex>); `tag` picks a ref.name. */
export async function openOciLayout(dir: string, tag: string | undefined, platform: Platform): Promise<OpenedImage> {
  const blobPath = (digest: string): string => {
    const [algorithm, hex] = digest.split(':') as [string, string];
    return path.join(dir, 'blobs', algorithm, hex);
  };
  const store: BlobStore = {
    async read(digest, limit) {
      const info = await stat(blobPath(digest));
      if (info.size > limit) throw new RegistryError('TOO_LARGE', `${dir}: blob ${digest} is ${info.size} bytes, over ${limit}`);
      return verifiedRead(() => readFile(blobPath(digest)), digest, `${dir}: blob`);
    },
    async open(descriptor) {
      await stat(blobPath(descriptor.digest));
      return createReadStream(blobPath(descriptor.digest)).pipe(verifyingStream(descriptor, 'blob'));
    },
  };
  let indexText: string;
  try {
    indexText = await readFile(path.join(dir, 'index.json'), 'utf8');
  } catch (error) {
    throw new ImageFormatError(`${dir}: not an OCI image layout (${(error as Error).message})`);
  }
  const index = parseManifestDocument(indexText, 'application/vnd.oci.image.index.v1+json');
  if (index.kind !== 'index') throw new ImageFormatError(`${dir}/index.json: not an image index`);
  const { manifest, digest } = await resolveFromStore(store, index, tag, platform, dir);
  const config = parseConfig(await store.read(manifest.config.digest, CONFIG_LIMIT), dir);
  return imageFromStore(store, manifest, digest, config, `oci:${dir}${tag ? `:${tag}` : ''}@${digest}`);
}

interface TarMember {
  offset: number;
  size: number;
}

function octal(field: Buffer): number {
  // GNU base-256 for sizes over 8 GiB.
  if ((field[0]! & 0x80) !== 0) {
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return value;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** Offsets of the regular files of a tar file, read header by header (contents are skipped, never loaded). */
async function indexTar(file: string): Promise<Map<string, TarMember>> {
  const handle = await open(file, 'r');
  const members = new Map<string, TarMember>();
  try {
    const { size: total } = await handle.stat();
    const header = Buffer.alloc(512);
    let offset = 0;
    let longName: string | undefined;
    while (offset + 512 <= total) {
      await handle.read(header, 0, 512, offset);
      if (header.every((byte) => byte === 0)) break;
      const size = octal(header.subarray(124, 136));
      const type = String.fromCharCode(header[156]!);
      const dataOffset = offset + 512;
      if (dataOffset + size > total) throw new ImageFormatError(`${file}: truncated tar (member at ${offset} runs past the end)`);
      const readData = async (limit: number): Promise<Buffer> => {
        if (size > limit) throw new ImageFormatError(`${file}: tar header record of ${size} bytes`);
        const data = Buffer.alloc(size);
        await handle.read(data, 0, size, dataOffset);
        return data;
      };
      if (type === 'L') longName = (await readData(1 << 16)).toString('utf8').replace(/\0.*$/s, '');
      else if (type === 'x') {
        const pax = (await readData(1 << 20)).toString('utf8');
        const match = /\d+ path=([^\n]*)\n/.exec(pax);
        if (match) longName = match[1];
      } else {
        const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
        const name = longName ?? (prefix ? `${prefix}/` : '') + header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
        longName = undefined;
        if (type === '0' || type === '\0') members.set(name.replace(/^\.\//, ''), { offset: dataOffset, size });
      }
      offset = dataOffset + Math.ceil(size / 512) * 512;
    }
  } finally {
    await handle.close();
  }
  return members;
}

/**
 * A `docker save` tarball: the OCI layout that Docker 25+ writes (index.json, blobs/),
 * or the legacy layout (manifest.json, <config>.json, <id>/layer.tar). Legacy layers are
 * stored uncompressed: their digest is the diff_id and is verified against it.
 */
export async function openDockerArchive(file: string, platform: Platform): Promise<OpenedImage> {
  const members = await indexTar(file);
  const member = (name: string): TarMember => {
    const found = members.get(name);
    if (!found) throw new ImageFormatError(`${file}: no ${name} in the archive`);
    return found;
  };
  const readMember = async (name: string, limit: number): Promise<Buffer> => {
    const { offset, size } = member(name);
    if (size > limit) throw new RegistryError('TOO_LARGE', `${file}: ${name} is ${size} bytes, over ${limit}`);
    const handle = await open(file, 'r');
    try {
      const data = Buffer.alloc(size);
      await handle.read(data, 0, size, offset);
      return data;
    } finally {
      await handle.close();
    }
  };
  const openMember = (name: string, descriptor: Descriptor): Readable => {
    const { offset, size } = member(name);
    const stream = size === 0 ? Readable.from([]) : createReadStream(file, { start: offset, end: offset + size - 1 });
    return stream.pipe(verifyingStream(descriptor, 'layer'));
  };
  const blobName = (digest: string): string => `blobs/${digest.replace(':', '/')}`;
  const store: BlobStore = {
    read: (digest, limit) => verifiedRead(() => readMember(blobName(digest), limit), digest, `${file}: blob`),
    open: async (descriptor) => openMember(blobName(descriptor.digest), descriptor),
  };
  if (members.has('index.json') && !members.has('manifest.json')) {
    const index = parseManifestDocument((await readMember('index.json', 4 << 20)).toString('utf8'), 'application/vnd.oci.image.index.v1+json');
    if (index.kind !== 'index') throw new ImageFormatError(`${file}: index.json is not an image index`);
    const { manifest, digest } = await resolveFromStore(store, index, undefined, platform, file);
    const config = parseConfig(await store.read(manifest.config.digest, CONFIG_LIMIT), file);
    return imageFromStore(store, manifest, digest, config, `docker-archive:${file}@${digest}`);
  }
  let entries: { Config?: string; RepoTags?: string[]; Layers?: string[] }[];
  try {
    entries = JSON.parse((await readMember('manifest.json', 4 << 20)).toString('utf8')) as typeof entries;
  } catch (error) {
    if (error instanceof ImageFormatError || error instanceof RegistryError) throw error;
    throw new ImageFormatError(`${file}: manifest.json is not valid JSON`);
  }
  const entry = entries[0];
  if (!entry?.Config || !Array.isArray(entry.Layers)) throw new ImageFormatError(`${file}: manifest.json names no Config and Layers`);
  if (entries.length > 1) throw new ImageFormatError(`${file}: holds ${entries.length} images; save one image per archive`);
  const configBytes = await readMember(entry.Config, CONFIG_LIMIT);
  const config = parseConfig(configBytes, file);
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== entry.Layers.length) throw new ImageFormatError(`${file}: ${entry.Layers.length} layers but ${diffIds.length} diff_ids in the config`);
  const layerNames = entry.Layers;
  const layers: OpenedLayer[] = layerNames.map((name, index) => ({ descriptor: { mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest: diffIds[index]!, size: member(name).size }, diffId: diffIds[index]! }));
  const digest = digestOf(configBytes);
  const opened: OpenedImage = {
    reference: `docker-archive:${file}${entry.RepoTags?.[0] ? `:${entry.RepoTags[0]}` : ''}`,
    digest,
    config,
    layers,
    openLayer: async (index) => openMember(layerNames[index]!, layers[index]!.descriptor),
  };
  if (config.os && config.architecture) opened.platform = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
  return opened;
}

export { locateImage, type ImageLocation } from './locate.js';
