/**
 * Where an object was read from, typed: the adapter that creates a resource says what it
 * read, and every output derives what it prints from this (never by parsing a string).
 *
 * - `file`: a manifest file on disk.
 * - `rendered`: output of `helm template` or `kustomize build`; `directory` is the chart or
 *   kustomization directory, `template` the chart's template file the object came from (a
 *   path under `directory`, subcharts included), when Helm named one. Lines count in the
 *   rendered text, not in any file of the chart.
 * - `stdin`: standard input.
 * - `cluster`: the API server of a kubeconfig context; `uid` and `resourceVersion` name the
 *   object's state, `path` the resource read when it is no listed object (a kubelet's
 *   `/nodes/<node>/configz`).
 * - `admission`: an AdmissionReview request (its uid, operation and the requesting user).
 * - `image`: a file inside a container image (the package database a vulnerability is in).
 */
export type Source =
  | { kind: 'file'; path: string }
  | { kind: 'rendered'; renderer: Renderer; directory: string; template?: string }
  | { kind: 'stdin' }
  | { kind: 'cluster'; context: string; uid?: string; resourceVersion?: string; path?: string }
  | { kind: 'admission'; uid: string; operation: AdmissionOperation; user?: string }
  | { kind: 'image'; reference: string; path: string };

export type SourceKind = Source['kind'];
export type Renderer = 'helm' | 'kustomize';
export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export const STDIN: Source = { kind: 'stdin' };

export function fileSource(path: string): Source {
  return { kind: 'file', path };
}

const RENDERER_LABEL: Record<Renderer, string> = { helm: 'helm template', kustomize: 'kustomize' };

/**
 * The source as the reports print it in `file` (JSON `location.file`, table, Markdown,
 * JUnit): `deploy/web.yaml`, `<stdin>`, `charts/web/templates/deployment.yaml (helm template)`,
 * `overlays/prod (kustomize)`, `cluster:<context>`. The one place these strings are made.
 */
export function sourceLabel(source: Source): string {
  switch (source.kind) {
    case 'file':
      return source.path;
    case 'rendered':
      return `${source.renderer === 'helm' ? (source.template ?? source.directory) : source.directory} (${RENDERER_LABEL[source.renderer]})`;
    case 'stdin':
      return '<stdin>';
    case 'cluster':
      return `cluster:${source.context}${source.path ?? ''}`;
    case 'admission':
      return `admission:${source.uid}`;
    case 'image':
      return `${source.reference}/${source.path}`;
  }
}

/**
 * The artifact a finding can be tied to across runs and checkouts: the file, or for rendered
 * input the template (else the chart or kustomization directory); none for a stream, a cluster
 * or an admission request, whose objects are identified by what they are, not where they lie.
 */
export function artifactOf(source: Source): string | undefined {
  switch (source.kind) {
    case 'file':
      return source.path;
    case 'rendered':
      return source.template ?? source.directory;
    case 'image':
      return `${source.reference}/${source.path}`;
    case 'stdin':
    case 'cluster':
    case 'admission':
      return undefined;
  }
}
