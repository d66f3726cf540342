import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { MANIFEST_ACCEPT, MEDIA_TYPES, parseManifestDocument, parseWwwAuthenticate, type Challenge, type Descriptor, type ImageIndex, type ImageManifest } from '../../core/images/oci.js';
import type { ImageReference } from '../../core/images/reference.js';
import { findCredential, type Credential, type CredentialEntry } from './credentials.js';

/**
 * An OCI Distribution client over fetch (undici): manifests and blobs, the bearer-token
 * flow from WWW-Authenticate (anonymous or with credentials), Basic auth, redirects
 * followed by hand so Authorization never reaches another host, digests verified on
 * the bytes received, retries with exponential backoff for transient failures.
 */

export type RegistryErrorCode = 'UNAUTHORIZED' | 'DENIED' | 'NOT_FOUND' | 'DIGEST_MISMATCH' | 'SIZE_MISMATCH' | 'TOO_LARGE' | 'HTTP' | 'NETWORK' | 'REDIRECT';

export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RegistryClientOptions {
  credentials?: CredentialEntry[];
  /** registries (host[:port]) reached over plain HTTP */
  insecureRegistries?: string[];
  /** attempts after the first, for network errors, 429 and 5xx (default 3) */
  retries?: number;
  /** first backoff delay in ms, doubled per attempt (default 250) */
  backoffMs?: number;
  userAgent?: string;
  fetch?: typeof fetch;
}

/** A manifest document with the bytes it was parsed from and their verified digest. */
export interface FetchedManifest {
  bytes: Buffer;
  digest: string;
  document: ImageManifest | ImageIndex;
}

export interface RegistryClient {
  getManifest(reference: ImageReference, tagOrDigest: string): Promise<FetchedManifest>;
  /**
   * The digest a tag names now: a HEAD of the manifest (`Docker-Content-Digest`, with the same
   * auth as a pull), or a GET and the hash of its bytes when the registry sends no digest.
   */
  headDigest(reference: ImageReference, tag: string): Promise<string>;
  /** The blob as a stream that fails (DIGEST_MISMATCH, SIZE_MISMATCH) unless the bytes match the descriptor. */
  openBlob(reference: ImageReference, descriptor: Descriptor): Promise<Readable>;
  /** A small blob (a config) read whole, at most `limit` bytes. */
  readBlob(reference: ImageReference, descriptor: Descriptor, limit: number): Promise<Buffer>;
  /**
   * The manifests that refer to `digest` (OCI 1.1 referrers API, `GET /v2/<name>/referrers/<digest>`),
   * with their artifact types; a registry without the API (404) is asked for the tag-schema
   * fallback, the index at tag `sha256-<hex>`. No referrers: an empty list.
   */
  getReferrers(reference: ImageReference, digest: string): Promise<ReferrerDescriptor[]>;
}

/** A descriptor in a referrers index: artifactType says what the referring manifest is. */
export interface ReferrerDescriptor extends Descriptor {
  artifactType?: string;
}

/** Manifests larger than this are refused (containerd uses 4 MiB too). */
export const MANIFEST_LIMIT = 4 << 20;
const MAX_REDIRECTS = 5;

/** The API host of a registry name: Docker Hub's API lives at registry-1.docker.io. */
export function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

export function digestOf(bytes: Uint8Array, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Verifies size and digest of a stream as it passes; fails early when it grows too long. */
export function verifyingStream(descriptor: Descriptor, what: string): Transform {
  const [algorithm] = descriptor.digest.split(':') as [string];
  const hash = createHash(algorithm);
  let received = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      received += chunk.length;
      if (received > descriptor.size) {
        callback(new RegistryError('SIZE_MISMATCH', `${what} ${descriptor.digest}: more than the ${descriptor.size} bytes its descriptor declares`));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (received !== descriptor.size) {
        callback(new RegistryError('SIZE_MISMATCH', `${what} ${descriptor.digest}: truncated, ${received} of ${descriptor.size} bytes`));
        return;
      }
      const actual = `${algorithm}:${hash.digest('hex')}`;
      if (actual !== descriptor.digest) callback(new RegistryError('DIGEST_MISMATCH', `${what} ${descriptor.digest}: the bytes received hash to ${actual}`));
      else callback();
    },
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function retryable(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status !== 501);
}

interface AuthState {
  /** header value to send, once a challenge was answered */
  header?: string;
}

export function createRegistryClient(options: RegistryClientOptions = {}): RegistryClient {
  const doFetch = options.fetch ?? fetch;
  const retries = options.retries ?? 3;
  const backoff = options.backoffMs ?? 250;
  const insecure = new Set((options.insecureRegistries ?? []).map((host) => host.toLowerCase()));
  const auth = new Map<string, AuthState>();
  const userAgent = options.userAgent ?? 'palisade';

  const baseUrl = (reference: ImageReference): string => `${insecure.has(reference.registry.toLowerCase()) ? 'http' : 'https'}://${apiHost(reference.registry)}`;
  const credentialFor = (reference: ImageReference): Credential | undefined => (options.credentials ? findCredential(options.credentials, reference.registry, reference.repository)?.credential : undefined);

  /** fetch with retries on network errors, 429 and 5xx (Retry-After honoured up to 10 s). */
  async function fetchWithRetries(url: string, init: RequestInit): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await doFetch(url, { ...init, redirect: 'manual' });
      } catch (error) {
        if (attempt >= retries) throw new RegistryError('NETWORK', `${init.method ?? 'GET'} ${url}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
        await sleep(backoff * 2 ** attempt);
        continue;
      }
      if (!retryable(response.status) || attempt >= retries) return response;
      const after = Number(response.headers.get('retry-after'));
      await response.body?.cancel();
      await sleep(Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 10_000) : backoff * 2 ** attempt);
    }
  }

  async function fetchToken(challenge: Challenge, reference: ImageReference): Promise<string> {
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryError('UNAUTHORIZED', `${reference.registry}: Bearer challenge without a realm`);
    const url = new URL(realm);
    const scope = challenge.params.scope ?? `repository:${reference.repository}:pull`;
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    const credential = credentialFor(reference);
    let response: Response;
    if (credential?.identityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.identityToken, client_id: userAgent, scope });
      if (challenge.params.service) form.set('service', challenge.params.service);
      response = await fetchWithRetries(url.origin + url.pathname, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': userAgent }, body: form });
    } else {
      url.searchParams.set('scope', scope);
      const headers: Record<string, string> = { 'user-agent': userAgent };
      if (credential?.username !== undefined) headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password ?? ''}`).toString('base64')}`;
      response = await fetchWithRetries(url.toString(), { headers });
    }
    const text = await response.text();
    if (response.status === 401 || response.status === 403) {
      throw new RegistryError('UNAUTHORIZED', `${reference.registry}: the token service ${url.host} refused ${credential ? `the credentials for user "${credential.username ?? '(identity token)'}"` : 'an anonymous token'} (HTTP ${response.status})`);
    }
    if (!response.ok) throw new RegistryError('HTTP', `${reference.registry}: token service ${url.host} answered HTTP ${response.status}`);
    let body: { token?: string; access_token?: string };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new RegistryError('HTTP', `${reference.registry}: token service ${url.host} answered with no JSON`);
    }
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError('HTTP', `${reference.registry}: token service ${url.host} returned no token`);
    return token;
  }

  /**
   * GET with auth and manual redirects. A 401 is answered once per repository with the
   * challenge's scheme; redirects to another origin drop Authorization.
   */
  async function get(reference: ImageReference, path: string, accept?: string, method: 'GET' | 'HEAD' = 'GET'): Promise<Response> {
    const key = `${reference.registry}/${reference.repository}`;
    const state = auth.get(key) ?? {};
    auth.set(key, state);
    let answered = false;
    for (;;) {
      let url = `${baseUrl(reference)}${path}`;
      const origin = new URL(url).origin;
      let response: Response | undefined;
      for (let hop = 0; ; hop++) {
        const headers: Record<string, string> = { 'user-agent': userAgent };
        if (accept) headers.accept = accept;
        if (state.header && new URL(url).origin === origin) headers.authorization = state.header;
        response = await fetchWithRetries(url, { method, headers });
        if (response.status < 300 || response.status >= 400 || response.status === 304) break;
        const location = response.headers.get('location');
        await response.body?.cancel();
        if (!location) throw new RegistryError('REDIRECT', `${url}: HTTP ${response.status} without Location`);
        if (hop >= MAX_REDIRECTS) throw new RegistryError('REDIRECT', `${reference.registry}${path}: more than ${MAX_REDIRECTS} redirects`);
        url = new URL(location, url).toString();
      }
      if (response.status !== 401 || answered) {
        if (response.status === 401) {
          await response.body?.cancel();
          throw new RegistryError('UNAUTHORIZED', `${reference.registry}/${reference.repository}: unauthorized${credentialFor(reference) ? ' with the configured credentials' : ' (no credentials configured: --username/--password-stdin or --docker-config)'}`);
        }
        return response;
      }
      answered = true;
      const challenge = parseWwwAuthenticate(response.headers.get('www-authenticate') ?? '');
      await response.body?.cancel();
      if (challenge?.scheme === 'bearer') {
        state.header = `Bearer ${await fetchToken(challenge, reference)}`;
      } else if (challenge?.scheme === 'basic') {
        const credential = credentialFor(reference);
        if (credential?.username === undefined) throw new RegistryError('UNAUTHORIZED', `${reference.registry}: Basic authentication required and no credentials configured`);
        state.header = `Basic ${Buffer.from(`${credential.username}:${credential.password ?? ''}`).toString('base64')}`;
      } else {
        throw new RegistryError('UNAUTHORIZED', `${reference.registry}: unauthorized, with no usable WWW-Authenticate challenge`);
      }
    }
  }

  async function failure(response: Response, what: string): Promise<RegistryError> {
    const text = (await response.text().catch(() => '')).slice(0, 300);
    if (response.status === 404) return new RegistryError('NOT_FOUND', `${what}: not found`);
    if (response.status === 403) return new RegistryError('DENIED', `${what}: access denied`);
    return new RegistryError('HTTP', `${what}: HTTP ${response.status}${text ? ` ${text.replace(/\s+/g, ' ')}` : ''}`);
  }

  async function readLimited(response: Response, limit: number, what: string): Promise<Buffer> {
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > limit) {
      await response.body?.cancel();
      throw new RegistryError('TOO_LARGE', `${what}: ${declared} bytes, over the ${limit}-byte limit`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += (chunk as Uint8Array).length;
      if (size > limit) throw new RegistryError('TOO_LARGE', `${what}: over the ${limit}-byte limit`);
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    return Buffer.concat(chunks);
  }

  return {
    async getManifest(reference, tagOrDigest) {
      const what = `${reference.registry}/${reference.repository}:${tagOrDigest}`.replace(/:(\w+:)/, '@$1');
      const response = await get(reference, `/v2/${reference.repository}/manifests/${tagOrDigest}`, MANIFEST_ACCEPT);
      if (!response.ok) throw await failure(response, what);
      const bytes = await readLimited(response, MANIFEST_LIMIT, `manifest ${what}`);
      const expected = tagOrDigest.includes(':') ? tagOrDigest : (response.headers.get('docker-content-digest') ?? undefined);
      const algorithm = expected?.split(':')[0] ?? 'sha256';
      const digest = digestOf(bytes, algorithm === 'sha512' ? 'sha512' : 'sha256');
      if (expected !== undefined && digest !== expected) throw new RegistryError('DIGEST_MISMATCH', `manifest ${what}: expected ${expected}, the bytes received hash to ${digest}`);
      return { bytes, digest, document: parseManifestDocument(bytes.toString('utf8'), response.headers.get('content-type') ?? undefined) };
    },

    async headDigest(reference, tag) {
      const what = `${reference.registry}/${reference.repository}:${tag}`;
      const response = await get(reference, `/v2/${reference.repository}/manifests/${tag}`, MANIFEST_ACCEPT, 'HEAD');
      await response.body?.cancel();
      if (!response.ok) throw await failure(response, what);
      const digest = response.headers.get('docker-content-digest');
      if (digest !== null && /^sha(256:[a-f0-9]{64}|512:[a-f0-9]{128})$/.test(digest)) return digest;
      return (await this.getManifest(reference, tag)).digest;
    },

    async openBlob(reference, descriptor) {
      const what = `blob ${reference.registry}/${reference.repository}@${descriptor.digest}`;
      const response = await get(reference, `/v2/${reference.repository}/blobs/${descriptor.digest}`);
      if (!response.ok || !response.body) throw await failure(response, what);
      const source = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
      const verified = verifyingStream(descriptor, 'blob');
      source.on('error', (error) => verified.destroy(new RegistryError('NETWORK', `${what}: ${error.message}`)));
      return source.pipe(verified);
    },

    async getReferrers(reference, digest) {
      const what = `referrers of ${reference.registry}/${reference.repository}@${digest}`;
      const response = await get(reference, `/v2/${reference.repository}/referrers/${digest}`, MEDIA_TYPES.ociIndex);
      let bytes: Buffer;
      // No referrers API (404; some registries answer 400, 405 or 501 to a path they do not
      // route): the tag schema, an index tagged with the digest as algorithm-hex.
      if ([400, 404, 405, 501].includes(response.status)) {
        await response.body?.cancel();
        const fallback = await get(reference, `/v2/${reference.repository}/manifests/${digest.replace(':', '-')}`, MEDIA_TYPES.ociIndex);
        if (fallback.status === 404) {
          await fallback.body?.cancel();
          return [];
        }
        if (!fallback.ok) throw await failure(fallback, what);
        bytes = await readLimited(fallback, MANIFEST_LIMIT, what);
      } else {
        if (!response.ok) throw await failure(response, what);
        bytes = await readLimited(response, MANIFEST_LIMIT, what);
      }
      let document: { manifests?: unknown };
      try {
        document = JSON.parse(bytes.toString('utf8')) as typeof document;
      } catch (error) {
        throw new RegistryError('HTTP', `${what}: not JSON (${(error as Error).message})`);
      }
      const out: ReferrerDescriptor[] = [];
      for (const item of Array.isArray(document.manifests) ? document.manifests : []) {
        const entry = item as Partial<ReferrerDescriptor> | null;
        if (!entry || typeof entry.digest !== 'string' || typeof entry.size !== 'number') continue;
        out.push({
          mediaType: typeof entry.mediaType === 'string' ? entry.mediaType : '',
          digest: entry.digest,
          size: entry.size,
          ...(typeof entry.artifactType === 'string' ? { artifactType: entry.artifactType } : {}),
          ...(entry.annotations && typeof entry.annotations === 'object' ? { annotations: entry.annotations } : {}),
        });
      }
      return out;
    },

    async readBlob(reference, descriptor, limit) {
      if (descriptor.size > limit) throw new RegistryError('TOO_LARGE', `blob ${descriptor.digest}: ${descriptor.size} bytes, over the ${limit}-byte limit`);
      const stream = await this.openBlob(reference, descriptor);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
  };
}
