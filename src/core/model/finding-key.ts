import type { ObjectRef } from './resource.js';
import { artifactOf, type Source } from './source.js';

/**
 * A finding's identity, computed once in the core: which check, on which object (by API
 * group, kind, namespace and name; never by version, which changes on upgrade), where in
 * the object, for which container, and in which artifact (the file or the template) when
 * there is one. Never the line or the message, which move with unrelated edits. Outputs
 * (the SARIF fingerprint), baselines and stores all derive their identity from it.
 */
export interface FindingKey {
  checkId: string;
  object: { group: string; kind: string; namespace?: string; name: string };
  /** path into the object, as the report prints it */
  path: string;
  container?: string;
  /** the file or template the object came from; absent for stdin, a cluster, an admission request */
  artifact?: string;
}

/** What a key is computed from: an engine finding, or a report finding with its source. */
export interface KeyedFinding {
  checkId: string;
  object: ObjectRef;
  container?: string;
  location: { path: string };
  source: Source;
}

/** The API group of an apiVersion: `apps/v1` is `apps`, `v1` the core group `''`. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function findingKey(finding: KeyedFinding): FindingKey {
  const { apiVersion, kind, namespace, name } = finding.object;
  const key: FindingKey = {
    checkId: finding.checkId,
    object: { group: groupOf(apiVersion), kind, ...(namespace !== undefined ? { namespace } : {}), name },
    path: finding.location.path,
  };
  if (finding.container !== undefined) key.container = finding.container;
  const artifact = artifactOf(finding.source);
  if (artifact !== undefined) key.artifact = artifact;
  return key;
}

/**
 * The key as one string, for maps, baselines and store columns: a JSON array of every part
 * in a fixed order (absent parts as ''), so no two keys share a string.
 */
export function findingKeyString(key: FindingKey): string {
  const { group, kind, namespace, name } = key.object;
  return JSON.stringify([key.checkId, group, kind, namespace ?? '', name, key.path, key.container ?? '', key.artifact ?? '']);
}

/**
 * The text the SARIF fingerprint `palisadeFinding/v1` hashes (sha256): check, kind,
 * namespace, name and path. It leaves out the group, the container and the artifact, so the
 * same object in two files (envs/dev and envs/prod) had one fingerprint. SARIF output
 * publishes `palisadeFinding/v2` (`fingerprintTextV2`) instead; this stays for readers of
 * earlier logs and baselines.
 */
export function fingerprintTextV1(key: FindingKey): string {
  return JSON.stringify([key.checkId, key.object.kind, key.object.namespace ?? '', key.object.name, key.path]);
}

/**
 * The text the SARIF fingerprint `palisadeFinding/v2` hashes (sha256): the whole key
 * (`findingKeyString`), the group, the container and the artifact included. Outputs that
 * print the artifact differently from the loader (SARIF writes it relative to the working
 * directory) pass the key with the artifact as they print it, so one file named two ways
 * is one fingerprint.
 */
export function fingerprintTextV2(key: FindingKey): string {
  return findingKeyString(key);
}
