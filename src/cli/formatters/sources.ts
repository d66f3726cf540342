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
