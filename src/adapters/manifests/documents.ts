import { configzRef, isKubeletConfigz } from '../../core/kinds/kubelet.js';
import { isClusterScoped } from '../../core/kinds/scope.js';
import type { InputError, SkippedDocument } from '../../core/model/finding.js';
import { nonStringFields, type NotAString } from '../../core/kinds/string-fields.js';
import { decodePosition, detachWithPositions, formatPath, locate, type Position } from '../../core/model/location.js';
import { refOf, type KubeObject, type Resource } from '../../core/model/resource.js';
import { fileSource, sourceLabel, type Source } from '../../core/model/source.js';
import { asRecord } from '../../core/model/values.js';
import { DEFAULT_PARSE_LIMITS, parseStream, resolvePlain, type ParseLimits } from './yaml.js';

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
  let lines: string[] | undefined;
  const lineAt = (line: number): string => (lines ??= text.split('\n'))[line - 1] ?? '';
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
    addObject(object as KubeObject, { source, document: document.index, position }, options, out, lineAt);
  }
  return out;
}

/** A line of the source text, 1-based. */
type LineAt = (line: number) => string;

function addObject(object: KubeObject, origin: Resource['origin'], options: TextLoadOptions, out: LoadResult, lineAt: LineAt): void {
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
    // A typed list (PodList) holds only its item kind, and the API server leaves kind and
    // apiVersion off its items: fill them from the list, as Kubernetes' decoder does. A
    // plain List holds any kind, so its items must name theirs.
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    items.forEach((item, listIndex) => {
      const encoded = detachWithPositions(object, ['items', listIndex]);
      const itemOrigin = { ...origin, listIndex, ...(encoded !== undefined ? { position: decodePosition(encoded) } : {}) };
      const record = asRecord(item);
      if (!record) {
        out.skipped.push({ file: sourceLabel(origin.source), source: origin.source, document: origin.document, ...(itemOrigin.position ? { line: itemOrigin.position.line } : {}), reason: `${kind} item ${listIndex} is not a mapping` });
        return;
      }
      // Appended, so the item's position table (in key order) still lines up.
      if (itemKind && (typeof record.kind !== 'string' || record.kind === '')) record.kind = itemKind;
      if (itemKind && (typeof record.apiVersion !== 'string' || record.apiVersion === '')) record.apiVersion = apiVersion;
      addObject(record as KubeObject, itemOrigin, options, out, lineAt);
    });
    return;
  }
  // An object the API server would refuse for a field that is not a string is reported, not scanned.
  const notStrings = nonStringFields(object);
  if (notStrings.length > 0) {
    const file = sourceLabel(origin.source);
    const located = notStrings.map((field) => ({ field, ...describeNotAString(object, field, lineAt) }));
    located.sort((a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.column ?? 0) - (b.position?.column ?? 0));
    for (const { field, message, position } of located) {
      out.errors.push({ code: 'invalid-object', message, file, source: origin.source, document: origin.document, ...(position ? { line: position.line, column: position.column } : {}), field: formatPath(field.path) });
    }
    return;
  }
  const ref = refOf(object, isClusterScoped);
  if (options.defaultNamespace && ref.namespace !== undefined && !asRecord(object.metadata)?.namespace) ref.namespace = options.defaultNamespace;
  out.resources.push({ ref, object, origin });
}

/**
 * Names the value as it is written and the fix: `on` is read as the boolean true, quote it.
 * The text is taken from the source line after the field's key when it reads back to the
 * same value; otherwise the value is shown as parsed.
 */
function describeNotAString(object: KubeObject, field: NotAString, lineAt: LineAt): { message: string; position?: Position } {
  const name = formatPath(field.path);
  const value = field.value;
  const keyPosition = locate(object, field.path);
  const exact = keyPosition.resolvedDepth === field.path.length ? keyPosition.position : undefined;
  const goType = typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? 'number' : Array.isArray(value) ? 'array' : 'object';
  const refusal = `but Kubernetes wants a string here (kubectl refuses it: "cannot unmarshal ${goType} into ... of type string")`;
  if (typeof value !== 'boolean' && typeof value !== 'number') {
    return { message: `${name}: is ${Array.isArray(value) ? 'a list' : 'a mapping'}, ${refusal}`, ...(exact ? { position: exact } : {}) };
  }
  const written = exact ? scalarAfterKey(lineAt(exact.line), exact.column - 1) : undefined;
  const raw = written !== undefined && Object.is(resolvePlain(written.text), value) ? written : undefined;
  const text = raw?.text ?? String(value);
  const what = typeof value === 'boolean' ? `the boolean ${String(value)}` : `the number ${String(value)}`;
  const position = exact ? (raw ? { line: exact.line, column: raw.column + 1 } : exact) : undefined;
  return { message: `${name}: \`${text}\` is read as ${what}, ${refusal}; quote it: ${JSON.stringify(text)}`, ...(position ? { position } : {}) };
}

/** The plain scalar written after the key that starts at `column` (0-based) of `line`, block or flow style. */
function scalarAfterKey(line: string, column: number): { text: string; column: number } | undefined {
  let index = column;
  const quote = line[index];
  if (quote === '"' || quote === "'") {
    for (index++; index < line.length && line[index] !== quote; index++) if (quote === '"' && line[index] === '\\') index++;
    index++;
    while (line[index] === ' ' || line[index] === '\t') index++;
    if (line[index] !== ':') return undefined;
  } else {
    while (index < line.length && !(line[index] === ':' && (index + 1 === line.length || ' \t,}'.includes(line[index + 1]!)))) index++;
    if (index >= line.length) return undefined;
  }
  index++;
  while (line[index] === ' ' || line[index] === '\t') index++;
  const start = index;
  while (index < line.length && !',}]'.includes(line[index]!) && !(line[index] === '#' && (line[index - 1] === ' ' || line[index - 1] === '\t'))) index++;
  const text = line.slice(start, index).trimEnd();
  return text === '' ? undefined : { text, column: start };
}
