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

interface LocatedMapping {
  [LOCATIONS]?: Map<string, number>;
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
      here = (node as LocatedMapping)[LOCATIONS]?.get(key);
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
