/**
 * Source positions travel with parsed objects under a symbol, so the plain
 * Kubernetes objects stay plain (JSON.stringify and Object.keys ignore it).
 * Mappings carry a Map from key to the key's position; sequences an array
 * with each item's position. Positions are encoded as one number
 * (line * 2^20 + column, both 0-based) to keep parsing allocation-free.
 */
export const LOCATIONS: unique symbol = Symbol.for('palisade.locations');

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface Position {
  /** 1-based line */
  line: number;
  /** 1-based column */
  column: number;
}

const COLUMN_BITS = 2 ** 20;

export function encodePosition(line0: number, column0: number): number {
  return line0 * COLUMN_BITS + Math.min(column0, COLUMN_BITS - 1);
}

export function decodePosition(encoded: number): Position {
  const line0 = Math.floor(encoded / COLUMN_BITS);
  return { line: line0 + 1, column: encoded - line0 * COLUMN_BITS + 1 };
}

/**
 * A mapping's key positions: an array aligned with Object.keys() order (one
 * allocation, unboxed doubles), or a Map where that order cannot be relied on
 * (integer-like keys, which JavaScript enumerates first).
 */
export type MappingLocations = number[] | Map<string, number>;

interface LocatedMapping {
  [LOCATIONS]?: MappingLocations;
}

const INTEGER_LIKE = /^(?:0|[1-9][0-9]{0,8})$/;

/** Whether key order in Object.keys() equals insertion order for these keys. */
export function hasInsertionOrder(keys: Iterable<string>): boolean {
  for (const key of keys) if (INTEGER_LIKE.test(key)) return false;
  return true;
}

/** Packs key positions (in insertion order) for a mapping. */
export function packMappingLocations(keys: Map<string, number>): MappingLocations {
  return hasInsertionOrder(keys.keys()) ? [...keys.values()] : keys;
}

export function keyPosition(node: object, key: string): number | undefined {
  const table = (node as LocatedMapping)[LOCATIONS];
  if (table === undefined) return undefined;
  if (table instanceof Map) return table.get(key);
  const index = Object.keys(node).indexOf(key);
  return index < 0 ? undefined : table[index];
}
interface LocatedSequence {
  [LOCATIONS]?: number[];
}

/**
 * The compact form, used by the fast parser: one Float64Array per document on
 * its root, holding every entry's position in pre-order (a mapping's keys in
 * Object.keys order, each followed by its value's entries; a sequence's items,
 * each followed by its entries). No per-node tables: the index of an entry is
 * computed when a finding needs it, from the sizes of the subtrees before it.
 */
export const DOCUMENT_POSITIONS: unique symbol = Symbol.for('palisade.document-positions');

interface WithDocumentPositions {
  [DOCUMENT_POSITIONS]?: Float64Array;
}

const SUBTREE_SIZES = new WeakMap<object, number>();

/** Number of entries (keys and items, at every depth) below a node. */
export function subtreeSize(node: unknown): number {
  if (node === null || typeof node !== 'object' || ArrayBuffer.isView(node)) return 0;
  const cached = SUBTREE_SIZES.get(node);
  if (cached !== undefined) return cached;
  let size = 0;
  if (Array.isArray(node)) for (const item of node) size += 1 + subtreeSize(item);
  else for (const key of Object.keys(node)) size += 1 + subtreeSize((node as Record<string, unknown>)[key]);
  SUBTREE_SIZES.set(node, size);
  return size;
}

/** Index in the document table of the entry that `segment` names below a node whose entries start at `start`. */
function entryIndex(node: object, start: number, segment: PathSegment): number | undefined {
  let index = start;
  if (Array.isArray(node)) {
    if (typeof segment !== 'number' || segment >= node.length) return undefined;
    for (let item = 0; item < segment; item++) index += 1 + subtreeSize(node[item]);
    return index;
  }
  const key = String(segment);
  if (!Object.prototype.hasOwnProperty.call(node, key)) return undefined;
  for (const other of Object.keys(node)) {
    if (other === key) return index;
    index += 1 + subtreeSize((node as Record<string, unknown>)[other]);
  }
  return undefined;
}

function locateFlat(root: object, table: Float64Array, path: Path): { position?: Position; resolvedDepth: number } {
  let node: unknown = root;
  let start = 0;
  let best: number | undefined;
  let depth = 0;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') break;
    const index = entryIndex(node, start, segment);
    if (index === undefined) break;
    const here = table[index];
    if (here !== undefined && here >= 0) best = here;
    node = (node as Record<string | number, unknown>)[segment];
    start = index + 1;
    depth++;
  }
  return { position: best === undefined ? undefined : decodePosition(best), resolvedDepth: depth };
}

/**
 * Gives a node taken out of its document (a List item) positions of its own:
 * a view of the document table over its subtree. Returns the node's own position.
 */
export function detachWithPositions(root: unknown, path: Path): number | undefined {
  if (root === null || typeof root !== 'object') return undefined;
  const table = (root as WithDocumentPositions)[DOCUMENT_POSITIONS];
  if (!table) {
    // Per-node tables travel with the node; read its position from its parent.
    let parent: unknown = root;
    for (const segment of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)?.[segment];
    const last = path[path.length - 1];
    if (parent === null || typeof parent !== 'object' || last === undefined) return undefined;
    return Array.isArray(parent) ? (parent as LocatedSequence)[LOCATIONS]?.[last as number] : keyPosition(parent, String(last));
  }
  let node: unknown = root;
  let start = 0;
  let index: number | undefined;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    index = entryIndex(node, start, segment);
    if (index === undefined) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
    start = index + 1;
  }
  if (index === undefined) return undefined;
  if (node !== null && typeof node === 'object') (node as WithDocumentPositions)[DOCUMENT_POSITIONS] = table.subarray(start, start + subtreeSize(node));
  const own = table[index];
  return own !== undefined && own >= 0 ? own : undefined;
}

/**
 * The position of the deepest element of `path` that exists in `root`:
 * a finding about a missing field points at its nearest present parent.
 */
export function locate(root: unknown, path: Path): { position?: Position; resolvedDepth: number } {
  const table = root !== null && typeof root === 'object' ? (root as WithDocumentPositions)[DOCUMENT_POSITIONS] : undefined;
  if (table) return locateFlat(root as object, table, path);
  let node: unknown = root;
  let best: number | undefined;
  let depth = 0;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') break;
    let here: number | undefined;
    let next: unknown;
    if (Array.isArray(node)) {
      if (typeof segment !== 'number') break;
      here = (node as LocatedSequence)[LOCATIONS]?.[segment];
      next = node[segment];
      if (segment >= node.length) break;
    } else {
      const key = String(segment);
      if (!Object.prototype.hasOwnProperty.call(node, key)) break;
      here = keyPosition(node, key);
      next = (node as Record<string, unknown>)[key];
    }
    if (here !== undefined) best = here;
    depth++;
    node = next;
  }
  return { position: best === undefined ? undefined : decodePosition(best), resolvedDepth: depth };
}

/** `/^[A-Za-z_$][\w$-]*$/`, without a regular expression: every finding formats its path. */
function isPlainKey(segment: string): boolean {
  if (segment.length === 0) return false;
  for (let index = 0; index < segment.length; index++) {
    const code = segment.charCodeAt(index);
    const letter = (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36;
    if (letter || (index > 0 && ((code >= 48 && code <= 57) || code === 45))) continue;
    return false;
  }
  return true;
}

/** `spec.template.spec.containers[1].securityContext` */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (isPlainKey(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
