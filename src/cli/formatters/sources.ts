import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where a report's `file` came from. The loader labels rendered output
 * `<directory> (helm template)` or `<directory> (kustomize)` (adapters/manifests/render.ts)
 * and standard input `<stdin>`: their line numbers point into rendered text or a
 * stream, not into a file a reader can open.
 */
export type Source =
  | { kind: 'file'; path: string }
  | { kind: 'rendered'; directory: string; renderer: string }
  | { kind: 'stdin' };

const RENDERED = /^(.*) \((helm template|kustomize)\)$/;

export function sourceOf(file: string): Source {
  if (file === '<stdin>') return { kind: 'stdin' };
  const match = RENDERED.exec(file);
  if (match) return { kind: 'rendered', directory: match[1]!, renderer: match[2]! };
  return { kind: 'file', path: file };
}

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
