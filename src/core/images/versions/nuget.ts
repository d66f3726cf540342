/**
 * NuGet versions, ordered as NuGet.Versioning's VersionComparer.Default: up to four numeric
 * parts (missing = 0), then a release after its pre-releases; pre-release labels compare
 * part by part, numeric parts numerically and before alphanumeric ones, alphanumeric parts
 * case-insensitively; build metadata (`+...`) is ignored.
 */

export interface NuGetVersion {
  parts: [bigint, bigint, bigint, bigint];
  release: string[];
}

const PATTERN = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\s*$/;

export function parse(version: string): NuGetVersion | undefined {
  const match = PATTERN.exec(version);
  if (!match) return undefined;
  const number = (text: string | undefined): bigint => BigInt(text ?? '0');
  return {
    parts: [number(match[1]), number(match[2]), number(match[3]), number(match[4])],
    release: match[5] === undefined ? [] : match[5].split('.'),
  };
}

export function valid(version: string): boolean {
  return parse(version) !== undefined;
}

function compareLabels(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xNumeric = /^\d+$/.test(x);
    const yNumeric = /^\d+$/.test(y);
    if (xNumeric && yNumeric) {
      const difference = BigInt(x) - BigInt(y);
      if (difference !== 0n) return difference < 0n ? -1 : 1;
    } else if (xNumeric) return -1;
    else if (yNumeric) return 1;
    else {
      const left = x.toUpperCase();
      const right = y.toUpperCase();
      if (left !== right) return left < right ? -1 : 1;
    }
  }
  return 0;
}

export function compare(a: string, b: string): number {
  const left = parse(a);
  const right = parse(b);
  if (!left) throw new Error(`invalid NuGet version "${a}"`);
  if (!right) throw new Error(`invalid NuGet version "${b}"`);
  for (let i = 0; i < 4; i++) {
    if (left.parts[i] !== right.parts[i]) return left.parts[i]! < right.parts[i]! ? -1 : 1;
  }
  return compareLabels(left.release, right.release);
}
