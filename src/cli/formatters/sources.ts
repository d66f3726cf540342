import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The SARIF base id that relative artifact URIs resolve against (the scan's working directory). */
export const SRCROOT = '%SRCROOT%';

export interface ArtifactUri {
  uri: string;
  /** set when `uri` is relative to the working directory */
  uriBaseId?: typeof SRCROOT;
}

/**
 * A file path as a URI reference: relative to `cwd` with forward slashes and
 * percent-encoded segments when the file is inside `cwd`, an absolute file: URI otherwise.
 */
export function artifactUri(file: string, cwd: string, directory = false): ArtifactUri {
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  if (outside) {
    const href = pathToFileURL(absolute).href;
    return { uri: directory && !href.endsWith('/') ? `${href}/` : href };
  }
  if (relative === '') return { uri: directory ? './' : '.', uriBaseId: SRCROOT };
  const uri = relative.split(path.sep).map(encodeURIComponent).join('/');
  return { uri: directory ? `${uri}/` : uri, uriBaseId: SRCROOT };
}

/** The working directory as the absolute file: URI SARIF's originalUriBaseIds wants (ends with a slash). */
export function directoryUri(cwd: string): string {
  const href = pathToFileURL(path.resolve(cwd)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * A path that names no file (standard input, an object read from a cluster) as a relative URI
 * reference: each segment percent-encoded, so a colon never reads as a URI scheme (GitHub
 * code scanning rejects any scheme but file:) and a slash inside a segment never splits it.
 */
export function virtualUri(segments: readonly string[]): ArtifactUri {
  return { uri: segments.map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

/** The names kubectl kustomize accepts, in the order it looks for them. */
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** The kustomization file of a directory (the one present, else `kustomization.yaml`). */
export function kustomizationFile(directory: string, cwd: string): string {
  const name = KUSTOMIZATION_FILES.find((file) => existsSync(path.resolve(cwd, directory, file))) ?? KUSTOMIZATION_FILES[0]!;
  return path.join(directory, name);
}
