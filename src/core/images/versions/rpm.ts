/**
 * RPM versions, ordered as librpm orders them (rpmvercmp and rpmverCmp, rpm 4.18):
 * `[epoch:]version[-release]`, a missing epoch is 0. Alphanumeric segments are compared one
 * by one, separators ignored: numeric segments numerically (leading zeros dropped, so
 * `10.0001` = `10.1`), alphabetic ones by byte order, a numeric segment beats an alphabetic
 * one; `~` sorts before everything (even the end) and `^` after the end but before any
 * further segment.
 */

export interface RpmVersion {
  epoch: number;
  version: string;
  release: string;
}

const ALLOWED = /^[A-Za-z0-9._+~^]+$/;

export function parse(text: string): RpmVersion | undefined {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  let epoch = 0;
  let rest = trimmed;
  if (colon >= 0) {
    const epochText = trimmed.slice(0, colon);
    if (!/^[0-9]+$/.test(epochText)) return undefined;
    epoch = Number(epochText);
    rest = trimmed.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  const version = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const release = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (!ALLOWED.test(version) || (hyphen >= 0 && !ALLOWED.test(release))) return undefined;
  return { epoch, version, release };
}

export function valid(version: string): boolean {
  return parse(version) !== undefined;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isSeparator = (c: string | undefined): boolean => c !== undefined && !isDigit(c) && !isAlpha(c) && c !== '~' && c !== '^';

/** librpm's rpmvercmp on one version or release string. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (isSeparator(a[i])) i++;
    while (isSeparator(b[j])) j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    let endA = i;
    let endB = j;
    const numeric = isDigit(a[i]);
    const inSegment = numeric ? isDigit : isAlpha;
    while (endA < a.length && inSegment(a[endA])) endA++;
    while (endB < b.length && inSegment(b[endB])) endB++;
    // a numeric segment always beats an alphabetic one
    if (endB === j) return numeric ? 1 : -1;
    let segmentA = a.slice(i, endA);
    let segmentB = b.slice(j, endB);
    if (numeric) {
      segmentA = segmentA.replace(/^0+/, '');
      segmentB = segmentB.replace(/^0+/, '');
      if (segmentA.length !== segmentB.length) return segmentA.length > segmentB.length ? 1 : -1;
    }
    if (segmentA !== segmentB) return segmentA < segmentB ? -1 : 1;
    i = endA;
    j = endB;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export function compare(a: string, b: string): number {
  const left = parse(a);
  const right = parse(b);
  if (!left) throw new Error(`invalid rpm version "${a}"`);
  if (!right) throw new Error(`invalid rpm version "${b}"`);
  if (left.epoch !== right.epoch) return left.epoch < right.epoch ? -1 : 1;
  return rpmvercmp(left.version, right.version) || rpmvercmp(left.release, right.release);
}
