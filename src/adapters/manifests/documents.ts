import { configzRef, isKubeletConfigz } from '../../core/kinds/kubelet.js';
import { isClusterScoped } from '../../core/kinds/scope.js';
import type { InputError, SkippedDocument } from '../../core/model/finding.js';
import { decodePosition, detachWithPositions } from '../../core/model/location.js';
import { refOf, type KubeObject, type Resource } from '../../core/model/resource.js';
import { fileSource, sourceLabel, type Source } from '../../core/model/source.js';
import { asRecord } from '../../core/model/values.js';
import { DEFAULT_PARSE_LIMITS, parseStream, type ParseLimits } from './yaml.js';

export interface LoadResult {
  resources: Resource[];
  errors: InputError[];
  skipped: SkippedDocument[];
}

export interface TextLoadOptions {
  limits?: ParseLimits;
  /** namespace given to namespaced objects that name none (kubectl's -n) */
  defaultNamespace?: string;
}

/**
 * Turns one source's text into objects; one broken document never hides the others.
 * A string names a file.
 */
export function loadText(text: string, from: Source | string, options: TextLoadOptions = {}, into?: LoadResult): LoadResult {
  const out = into ?? { resources: [], errors: [], skipped: [] };
  const source = typeof from === 'string' ? fileSource(from) : from;
  const file = sourceLabel(source);
  for (const document of parseStream(text, options.limits ?? DEFAULT_PARSE_LIMITS)) {
    if (document.error) {
      out.errors.push({ code: document.error.code, message: document.error.message, file, source, document: document.index, line: document.error.line, column: document.error.column });
      continue;
    }
    const position = { line: document.contentLine + 1, column: 1 };
    const value = document.value;
    if (value === null || value === undefined) continue;
    const object = asRecord(value);
    if (!object) {
      out.skipped.push({ file, source, document: document.index, line: position.line, reason: `not a mapping (a ${Array.isArray(value) ? 'list' : typeof value})` });
      continue;
    }
    addObject(object as KubeObject, { source, document: document.index, position }, options, out);
  }
  return out;
}

function addObject(object: KubeObject, origin: Resource['origin'], options: TextLoadOptions, out: LoadResult): void {
  const kind = object.kind;
  const apiVersion = object.apiVersion;
  // A saved kubelet /configz answer: scanned whole, as a KubeletConfiguration (checks read under `kubeletconfig`).
  if (isKubeletConfigz(object)) {
    out.resources.push({ ref: configzRef(), object, origin });
    return;
  }
  if (typeof kind !== 'string' || kind === '' || typeof apiVersion !== 'string' || apiVersion === '') {
    const missing = [typeof apiVersion !== 'string' || apiVersion === '' ? 'apiVersion' : '', typeof kind !== 'string' || kind === '' ? 'kind' : ''].filter(Boolean).join(' and ');
    out.skipped.push({ file: sourceLabel(origin.source), source: origin.source, document: origin.document, ...(origin.position ? { line: origin.position.line } : {}), reason: `no ${missing}: not a Kubernetes object` });
    return;
  }
  // `kind: List` and every `*List` (PodList, ...) wrap their objects in items.
  if (kind.endsWith('List') && Array.isArray(object.items)) {
    const items = object.items as unknown[];
    items.forEach((item, listIndex) => {
      const encoded = detachWithPositions(object, ['items', listIndex]);
      const itemOrigin = { ...origin, listIndex, ...(encoded !== undefined ? { position: decodePosition(encoded) } : {}) };
      const record = asRecord(item);
      if (!record) {
        out.skipped.push({ file: sourceLabel(origin.source), source: origin.source, document: origin.document, ...(itemOrigin.position ? { line: itemOrigin.position.line } : {}), reason: `${kind} item ${listIndex} is not a mapping` });
        return;
      }
      addObject(record as KubeObject, itemOrigin, options, out);
    });
    return;
  }
  const ref = refOf(object, isClusterScoped);
  if (options.defaultNamespace && ref.namespace !== undefined && !asRecord(object.metadata)?.namespace) ref.namespace = options.defaultNamespace;
  out.resources.push({ ref, object, origin });
}
