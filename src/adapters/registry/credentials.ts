/**
 * Registry credentials from a Docker config.json (`auths`) and from Kubernetes
 * imagePullSecrets (`kubernetes.io/dockerconfigjson`, and the legacy `dockercfg`).
 * Keys are matched the way the kubelet does: host (with port), optional path prefix,
 * `*.` wildcards on the host; the most specific key wins. Docker Hub's historical keys
 * (`https://index.docker.io/v1/`) mean docker.io.
 */

export interface Credential {
  username?: string;
  password?: string;
  /** an OAuth2 refresh token (`identitytoken`), exchanged at the token realm */
  identityToken?: string;
}

export interface CredentialEntry {
  /** normalised key: host[/path] */
  key: string;
  credential: Credential;
  /** where it came from, for messages (never the secret) */
  source: string;
}

const DOCKER_HUB_ALIASES = new Set(['index.docker.io', 'registry-1.docker.io', 'docker.io', 'registry.hub.docker.com']);

export class CredentialError extends Error {
  override name = 'CredentialError';
}

function normaliseKey(raw: string): string {
  let key = raw.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  const slash = key.indexOf('/');
  let host = (slash === -1 ? key : key.slice(0, slash)).toLowerCase();
  let rest = slash === -1 ? '' : key.slice(slash + 1);
  if (DOCKER_HUB_ALIASES.has(host)) {
    host = 'docker.io';
    if (/^v[12]$/.test(rest)) rest = '';
  }
  key = rest ? `${host}/${rest}` : host;
  return key;
}

function decodeEntry(value: unknown, where: string): Credential {
  const entry = (value ?? {}) as { auth?: unknown; username?: unknown; password?: unknown; identitytoken?: unknown };
  const credential: Credential = {};
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw new CredentialError(`${where}: "auth" is not base64 of user:password`);
    credential.username = decoded.slice(0, colon);
    credential.password = decoded.slice(colon + 1);
  }
  if (typeof entry.username === 'string') credential.username = entry.username;
  if (typeof entry.password === 'string') credential.password = entry.password;
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') credential.identityToken = entry.identitytoken;
  return credential;
}

/** Entries of a config.json (`{auths: {...}}`) or a legacy .dockercfg (the map itself). */
export function parseDockerConfig(text: string, source: string): CredentialEntry[] {
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    // V8's message quotes the text around the error, which here may be a credential: give the position only.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new CredentialError(`${source}: not valid JSON${position !== undefined ? ` (at character ${position})` : ''}`);
  }
  if (!document || typeof document !== 'object') throw new CredentialError(`${source}: not a JSON object`);
  const auths = (document.auths && typeof document.auths === 'object' ? document.auths : 'auths' in document || 'credsStore' in document || 'credHelpers' in document ? {} : document) as Record<string, unknown>;
  return Object.entries(auths).map(([key, value]) => ({ key: normaliseKey(key), credential: decodeEntry(value, `${source}: auths["${key}"]`), source }));
}

/** Entries of a Secret manifest (object) of type kubernetes.io/dockerconfigjson or dockercfg. */
export function parsePullSecret(secret: unknown, source: string): CredentialEntry[] {
  const object = secret as { kind?: string; type?: string; metadata?: { name?: string; namespace?: string }; data?: Record<string, string>; stringData?: Record<string, string> };
  if (object?.kind !== 'Secret') throw new CredentialError(`${source}: not a Secret`);
  const name = `${source}: Secret ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name ?? ''}`;
  const field = object.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
  if (object.type !== undefined && object.type !== 'kubernetes.io/dockerconfigjson' && object.type !== 'kubernetes.io/dockercfg') {
    throw new CredentialError(`${name}: type ${object.type} is not an image pull secret`);
  }
  const text = object.stringData?.[field] ?? (object.data?.[field] !== undefined ? Buffer.from(object.data[field]!, 'base64').toString('utf8') : undefined);
  if (text === undefined) throw new CredentialError(`${name}: no data["${field}"]`);
  return parseDockerConfig(text, name);
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.split('.').length === pattern.split('.').length;
  return pattern === host;
}

/** The credential for registry/repository: the most specific matching key (longest path). */
export function findCredential(entries: CredentialEntry[], registry: string, repository: string): CredentialEntry | undefined {
  const host = normaliseKey(registry);
  let best: CredentialEntry | undefined;
  let bestLength = -1;
  for (const entry of entries) {
    const slash = entry.key.indexOf('/');
    const keyHost = slash === -1 ? entry.key : entry.key.slice(0, slash);
    const keyPath = slash === -1 ? '' : entry.key.slice(slash + 1);
    if (!hostMatches(keyHost, host)) continue;
    if (keyPath && repository !== keyPath && !repository.startsWith(`${keyPath}/`)) continue;
    if (keyPath.length > bestLength) {
      best = entry;
      bestLength = keyPath.length;
    }
  }
  return best;
}
