/**
 * Container image references, parsed and normalised exactly as Docker's
 * distribution/reference (ParseNormalizedNamed) does, which is what the
 * kubelet and container runtimes use:
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ domain "/" ] path-component { "/" path-component }
 *
 * - The first component is a registry (domain) only when it contains `.` or
 *   `:`, is `localhost`, or has an upper-case letter; otherwise the image is
 *   on Docker Hub: `nginx` is docker.io/library/nginx, `foo/bar` is
 *   docker.io/foo/bar. `index.docker.io` is the same registry as docker.io.
 * - Repository paths are lower case and at most 255 characters; tags at
 *   most 128. Digests are `algorithm:hex` with sha256 (64 lower-case hex
 *   digits), sha384 (96) or sha512 (128); a bare 64-hex string is an image id.
 * - The tag defaults to `latest` only when there is neither tag nor digest;
 *   with a digest, the digest alone decides what is pulled.
 *
 * Checked against the library itself: test/oracles/image-reference records
 * its answers for a corpus, and test/image-reference.test.ts compares.
 */
import { memoizeByString } from '../model/memo.js';

export const DEFAULT_REGISTRY = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';
const OFFICIAL_REPOSITORY_PREFIX = 'library/';
const REPOSITORY_LENGTH_MAX = 255;

export interface ImageReference {
  /** registry host, with port when given: docker.io, ghcr.io, localhost:5000 */
  registry: string;
  /** path within the registry: library/nginx, foo/bar */
  repository: string;
  /** the tag as written; undefined when absent */
  tag?: string;
  /** the digest as written (algorithm:hex); undefined when absent */
  digest?: string;
}

export type ParseResult = { ok: true; reference: ImageReference } | { ok: false; error: string };

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN = new RegExp(`^(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** Digest algorithms go-digest accepts, with their hex lengths. */
const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

function checkDigest(digest: string): string | undefined {
  if (!DIGEST.test(digest)) return 'invalid digest';
  const [algorithm, hex] = digest.split(':') as [string, string];
  const expected = Object.prototype.hasOwnProperty.call(DIGEST_LENGTHS, algorithm) ? DIGEST_LENGTHS[algorithm] : undefined;
  if (expected === undefined) return `unsupported digest algorithm "${algorithm}"`;
  if (hex.length !== expected || !/^[0-9a-f]+$/.test(hex)) return `invalid ${algorithm} digest`;
  return undefined;
}

/** Splits `name` into registry and remainder the way splitDockerDomain does. */
function splitDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  let domain: string;
  let remainder: string;
  if (slash === -1) {
    domain = DEFAULT_REGISTRY;
    remainder = name;
  } else {
    const first = name.slice(0, slash);
    if (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first) {
      domain = DEFAULT_REGISTRY;
      remainder = name;
    } else {
      domain = first;
      remainder = name.slice(slash + 1);
    }
  }
  if (domain === LEGACY_DEFAULT_REGISTRY) domain = DEFAULT_REGISTRY;
  if (domain === DEFAULT_REGISTRY && !remainder.includes('/')) remainder = OFFICIAL_REPOSITORY_PREFIX + remainder;
  return [domain, remainder];
}

/** Parses and normalises an image reference; never throws. */
export function parseImageReference(input: string): ParseResult {
  if (input === '') return { ok: false, error: 'empty image reference' };
  if (input.trim() !== input) return { ok: false, error: 'leading or trailing whitespace' };
  if (/^[a-f0-9]{64}$/.test(input)) return { ok: false, error: 'a 64-character hexadecimal string is an image id, not a name' };
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = checkDigest(digest);
    if (problem) return { ok: false, error: problem };
  }
  let tag: string | undefined;
  // A tag follows the last ':' that comes after the last '/' (a ':' before it is a registry port).
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { ok: false, error: 'invalid tag' };
  }
  if (rest === '') return { ok: false, error: 'missing repository name' };
  const [registry, repository] = splitDomain(rest);
  // A first component read as a registry that is no valid host name but a valid path
  // component (my_registry.local) is kept by Docker's parser as part of the path with
  // an empty domain; the runtime still contacts it as the registry host, so do we.
  if (!DOMAIN.test(registry) && !PATH_COMPONENT.test(registry)) return { ok: false, error: 'invalid registry' };
  if (repository.length > REPOSITORY_LENGTH_MAX) return { ok: false, error: `repository path longer than ${REPOSITORY_LENGTH_MAX} characters` };
  for (const component of repository.split('/')) {
    if (PATH_COMPONENT.test(component)) continue;
    if (PATH_COMPONENT.test(component.toLowerCase())) return { ok: false, error: 'repository name must be lowercase' };
    return { ok: false, error: 'invalid repository name' };
  }
  const reference: ImageReference = { registry, repository };
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return { ok: true, reference };
}

/** The fully qualified form: docker.io/library/nginx:1.25@sha256:... */
export function formatImageReference(reference: ImageReference): string {
  return `${reference.registry}/${reference.repository}${reference.tag !== undefined ? `:${reference.tag}` : ''}${reference.digest !== undefined ? `@${reference.digest}` : ''}`;
}

/** The short form Docker prints: nginx:1.25, foo/bar, ghcr.io/x/y. */
export function familiarName(reference: ImageReference): string {
  let name = `${reference.registry}/${reference.repository}`;
  if (reference.registry === DEFAULT_REGISTRY) {
    name = reference.repository.startsWith(OFFICIAL_REPOSITORY_PREFIX) && reference.repository.split('/').length === 2
      ? reference.repository.slice(OFFICIAL_REPOSITORY_PREFIX.length)
      : reference.repository;
  }
  return `${name}${reference.tag !== undefined ? `:${reference.tag}` : ''}${reference.digest !== undefined ? `@${reference.digest}` : ''}`;
}

/**
 * The tag the runtime resolves: the written tag, or `latest` when there is
 * neither tag nor digest; undefined for a digest-only reference.
 */
export function effectiveTag(reference: ImageReference): string | undefined {
  if (reference.tag !== undefined) return reference.tag;
  return reference.digest === undefined ? DEFAULT_TAG : undefined;
}

/**
 * The pull policy Kubernetes assigns when imagePullPolicy is absent: Always
 * when the effective tag is `latest` (including an untagged reference),
 * IfNotPresent otherwise (pkg/apis/core/v1 SetDefaults_Container).
 */
export function defaultPullPolicy(reference: ImageReference): 'Always' | 'IfNotPresent' {
  return reference.tag === DEFAULT_TAG || (reference.tag === undefined && reference.digest === undefined) ? 'Always' : 'IfNotPresent';
}

/**
 * true when `reference` lies under `entry`: a registry (`ghcr.io`,
 * `localhost:5000`), a registry with a leading wildcard (`*.amazonaws.com`),
 * or a registry and repository prefix (`ghcr.io/acme`, `docker.io/library`),
 * matched on path component boundaries. Entries are normalised like images
 * (`index.docker.io` is `docker.io`); registries compare case-insensitively.
 */
export function matchesRegistryEntry(reference: ImageReference, entry: string): boolean {
  const text = entry.trim().replace(/\/+$/, '');
  if (text === '') return false;
  const slash = text.indexOf('/');
  let host = (slash === -1 ? text : text.slice(0, slash)).toLowerCase();
  const prefix = slash === -1 ? '' : text.slice(slash + 1);
  if (host === LEGACY_DEFAULT_REGISTRY) host = DEFAULT_REGISTRY;
  const registry = reference.registry.toLowerCase();
  const hostMatches = host.startsWith('*.') ? registry.endsWith(host.slice(1)) && registry.length > host.length - 1 : registry === host;
  if (!hostMatches) return false;
  if (prefix === '') return true;
  return reference.repository === prefix || reference.repository.startsWith(`${prefix}/`);
}

/**
 * The repository path of an image reference, lower-cased, without registry
 * host, tag or digest, split into segments:
 * `docker.io/kubernetesui/dashboard:v2.7.0` -> ['kubernetesui', 'dashboard'].
 * Worked out once per distinct image (five checks ask for it on every container).
 */
export const imagePathSegments: (image: string) => readonly string[] = memoizeByString((image) => Object.freeze(pathSegmentsOf(image)));

function pathSegmentsOf(image: string): string[] {
  let reference = image.trim().toLowerCase();
  const at = reference.indexOf('@');
  if (at >= 0) reference = reference.slice(0, at);
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  if (colon > slash) reference = reference.slice(0, colon);
  const segments = reference.split('/').filter((segment) => segment !== '');
  // A first segment with a dot or a port, or `localhost`, is a registry host.
  const first = segments[0];
  if (segments.length > 1 && first !== undefined && (first.includes('.') || first.includes(':') || first === 'localhost')) segments.shift();
  return segments;
}
