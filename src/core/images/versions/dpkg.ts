/**
 * Debian package versions, ordered as dpkg orders them (lib/dpkg/version.c):
 * `[epoch:]upstream[-revision]`, epoch numeric (missing = 0), the revision after the last
 * hyphen (missing = `0`, so `1.0` = `1.0-0`). Non-digit runs compare character by character
 * with `~` before everything, even the end of the string, then the end, then letters, then
 * other characters; digit runs compare numerically.
 */

export interface DpkgVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

const UPSTREAM = /^[0-9][A-Za-z0-9.+~:-]*$/;
const REVISION = /^[A-Za-z0-9.+~]+$/;

/** Splits and validates a version the way dpkg's parseversion does; undefined when invalid. */
export function parse(version: string): DpkgVersion | undefined {
  const text = version.trim();
  if (text === '' || /\s/.test(text)) return undefined;
  const colon = text.indexOf(':');
  let epoch = 0;
  let rest = text;
  if (colon >= 0) {
    const epochText = text.slice(0, colon);
    if (!/^[0-9]+$/.test(epochText)) return undefined;
    epoch = Number(epochText);
    if (epoch > 2147483647) return undefined;
    rest = text.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (!UPSTREAM.test(upstream)) return undefined;
  if (hyphen >= 0 && !REVISION.test(revision)) return undefined;
  if (colon < 0 && upstream.includes(':')) return undefined;
  return { epoch, upstream, revision };
}

export function valid(version: string): boolean {
  return parse(version) !== undefined;
}

function order(code: number): number {
  if (code >= 48 && code <= 57) return 0;
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return code;
  if (code === 126) return -1; // '~'
  if (code > 0) return code + 256;
  return 0;
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** dpkg's verrevcmp: compares one upstream version or revision. */
export function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDifference = 0;
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = i < a.length ? order(a.charCodeAt(i)) : 0;
      const bc = j < b.length ? order(b.charCodeAt(j)) : 0;
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    while (i < a.length && isDigit(a.charCodeAt(i)) && j < b.length && isDigit(b.charCodeAt(j))) {
      if (firstDifference === 0) firstDifference = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a.charCodeAt(i))) return 1;
    if (j < b.length && isDigit(b.charCodeAt(j))) return -1;
    if (firstDifference !== 0) return firstDifference;
  }
  return 0;
}

/** Negative, zero or positive as `a` sorts before, with or after `b`. Invalid versions throw. */
export function compare(a: string, b: string): number {
  const left = parse(a);
  const right = parse(b);
  if (!left) throw new Error(`invalid dpkg version "${a}"`);
  if (!right) throw new Error(`invalid dpkg version "${b}"`);
  if (left.epoch !== right.epoch) return left.epoch - right.epoch;
  return Math.sign(compareFragment(left.upstream, right.upstream)) || Math.sign(compareFragment(left.revision, right.revision));
}
