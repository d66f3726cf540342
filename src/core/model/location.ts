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
 * The position of the deepest element of `path` that exists in `root`:
 * a finding about a missing field points at its nearest present parent.
 */
export function locate(root: unknown, path: Path): { position?: Position; resolvedDepth: number } {
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

/** `spec.template.spec.containers[1].securityContext` */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
