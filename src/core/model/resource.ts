import type { Position } from './location.js';
import type { Source } from './source.js';

/** A plain Kubernetes object as read from a file or the API. */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: unknown;
};

/** Where an object came from: its typed source (`sourceLabel` gives the string reports print) and where in it. */
export interface Origin {
  source: Source;
  /** 0-based index of the YAML document within the file (for a cluster, the object's place in what was read) */
  document: number;
  /** index within a List wrapper, when the object came from one */
  listIndex?: number;
  /** position of the document's (or list item's) first line */
  position?: Position;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** An object with its identity and provenance; the unit every check looks at. */
export interface Resource {
  ref: ObjectRef;
  object: KubeObject;
  origin: Origin;
}

export type Metadata = {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
};

export function metadataOf(object: KubeObject): Metadata {
  const metadata = object.metadata;
  return metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as Metadata) : {};
}

/** Namespaced kinds default to `default`; cluster-scoped kinds have none. */
export function refOf(object: KubeObject, clusterScoped: (kind: string) => boolean): ObjectRef {
  const metadata = metadataOf(object);
  const kind = String(object.kind ?? '');
  const ref: ObjectRef = {
    apiVersion: String(object.apiVersion ?? ''),
    kind,
    name: typeof metadata.name === 'string' ? metadata.name : typeof metadata.generateName === 'string' ? `${metadata.generateName}*` : '',
  };
  if (!clusterScoped(kind)) ref.namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
  return ref;
}

export function refToString(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
