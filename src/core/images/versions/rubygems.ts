/**
 * RubyGems versions, ordered as Gem::Version#<=> orders them: segments are runs of digits
 * (integers) or letters (strings), a `-` means `.pre.`; trailing zeros are dropped from the
 * numeric part and from the end; a string segment sorts before a number (so `1.0.a` <
 * `1.0` and any letter makes a prerelease), strings compare bytewise, numbers exactly (Ruby's
 * integers are unbounded).
 */

const PATTERN = /^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*$/;

export function valid(version: string): boolean {
  return version.trim() !== '' && PATTERN.test(version);
}

type Segment = bigint | string;

export function canonicalSegments(version: string): Segment[] {
  const text = version.trim().replace(/-/g, '.pre.');
  const segments: Segment[] = (text.match(/[0-9]+|[a-z]+/gi) ?? []).map((part) => (/^\d+$/.test(part) ? BigInt(part) : part));
  const firstString = segments.findIndex((segment) => typeof segment === 'string');
  const numeric = firstString === -1 ? segments : segments.slice(0, firstString);
  const strings = firstString === -1 ? [] : segments.slice(firstString);
  const dropTrailingZeros = (list: Segment[]): Segment[] => {
    let end = list.length;
    while (end > 0 && list[end - 1] === 0n) end--;
    return list.slice(0, end);
  };
  return [...dropTrailingZeros(numeric), ...dropTrailingZeros(strings)];
}

export function compare(a: string, b: string): number {
  if (!valid(a)) throw new Error(`invalid RubyGems version "${a}"`);
  if (!valid(b)) throw new Error(`invalid RubyGems version "${b}"`);
  const left = canonicalSegments(a);
  const right = canonicalSegments(b);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i] ?? 0n;
    const y = right[i] ?? 0n;
    if (x === y) continue;
    if (typeof x === 'string' && typeof y === 'bigint') return -1;
    if (typeof x === 'bigint' && typeof y === 'string') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
