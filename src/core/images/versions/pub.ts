/**
 * Dart/Flutter package versions, ordered as pub_semver's `Version.compareTo` orders them:
 * SemVer 2.0.0 precedence for major.minor.patch and the pre-release, then, unlike SemVer,
 * build metadata too: a version without a build sorts before the same version with one
 * (`1.0.0 < 1.0.0+1`), and builds compare part by part like pre-releases (`1.2.3+1 <
 * 1.2.3+2`). Parts are numbers when they parse as integers (so `+01` equals `+1`), numbers
 * sort before strings, a missing part before a present one. Numbers compare exactly.
 */

// pub_semver's completeVersion pattern: no leading `v`, leading zeros allowed.
const PATTERN = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

type Part = bigint | string;

interface PubVersion {
  release: [bigint, bigint, bigint];
  preRelease: Part[];
  build: Part[];
}

// Dart's int.tryParse accepts a sign: `-1` is a number there.
const splitParts = (text: string | undefined): Part[] => (text === undefined ? [] : text.split('.').map((part) => (/^-?\d+$/.test(part) ? BigInt(part) : part)));

function parse(version: string): PubVersion | undefined {
  const match = PATTERN.exec(version);
  if (!match) return undefined;
  return { release: [BigInt(match[1]!), BigInt(match[2]!), BigInt(match[3]!)], preRelease: splitParts(match[4]), build: splitParts(match[5]) };
}

export function valid(version: string): boolean {
  return parse(version) !== undefined;
}

function compareLists(a: Part[], b: Part[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : 1;
    if (typeof x === 'bigint') return -1;
    if (typeof y === 'bigint') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export function compare(a: string, b: string): number {
  const left = parse(a);
  const right = parse(b);
  if (!left) throw new Error(`invalid Pub version "${a}"`);
  if (!right) throw new Error(`invalid Pub version "${b}"`);
  for (let i = 0; i < 3; i++) {
    if (left.release[i] !== right.release[i]) return left.release[i]! < right.release[i]! ? -1 : 1;
  }
  // A pre-release comes before no pre-release; a build comes after no build.
  if (left.preRelease.length === 0 && right.preRelease.length > 0) return 1;
  if (right.preRelease.length === 0 && left.preRelease.length > 0) return -1;
  const pre = compareLists(left.preRelease, right.preRelease);
  if (pre !== 0) return pre;
  if (left.build.length === 0 && right.build.length > 0) return -1;
  if (right.build.length === 0 && left.build.length > 0) return 1;
  return compareLists(left.build, right.build);
}
