/**
 * Semantic Versioning 2.0.0 precedence (semver.org §11), used by npm and Cargo: numeric
 * major.minor.patch, then a pre-release sorts before its release, pre-release identifiers
 * compare numerically when numeric, by ASCII otherwise, numeric before alphanumeric, a
 * shorter list first when one is a prefix of the other. Build metadata is ignored.
 */

export interface SemVer {
  major: bigint;
  minor: bigint;
  patch: bigint;
  prerelease: string[];
  build: string[];
}

const PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** Parses a strict SemVer 2.0.0 version; a leading `v` or `=` is accepted, as npm does. */
export function parse(version: string): SemVer | undefined {
  const match = PATTERN.exec(version.trim().replace(/^[v=]/, ''));
  if (!match) return undefined;
  return {
    major: BigInt(match[1]!),
    minor: BigInt(match[2]!),
    patch: BigInt(match[3]!),
    prerelease: match[4] === undefined ? [] : match[4].split('.'),
    build: match[5] === undefined ? [] : match[5].split('.'),
  };
}

export function valid(version: string): boolean {
  return parse(version) !== undefined;
}

const NUMERIC = /^\d+$/;

export function compareIdentifiers(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xNumeric = NUMERIC.test(x);
    const yNumeric = NUMERIC.test(y);
    if (xNumeric && yNumeric) return BigInt(x) < BigInt(y) ? -1 : 1;
    if (xNumeric) return -1;
    if (yNumeric) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export function compareParsed(a: SemVer, b: SemVer): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  return compareIdentifiers(a.prerelease, b.prerelease);
}

export function compare(a: string, b: string): number {
  const left = parse(a);
  const right = parse(b);
  if (!left) throw new Error(`invalid semantic version "${a}"`);
  if (!right) throw new Error(`invalid semantic version "${b}"`);
  return compareParsed(left, right);
}
