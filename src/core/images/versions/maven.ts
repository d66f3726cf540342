/**
 * Maven versions, ordered as Maven's ComparableVersion orders them (maven-artifact,
 * "Version Order Specification" in the POM reference). A version is split into items at
 * `.`, at `-` and at every switch between digits and letters (the last two open a nested
 * list); null items (`0`, `""`, `final`, `ga`, `release`) are trimmed from the end of each
 * list. Qualifiers order `alpha` < `beta` < `milestone` < `rc` = `cr` < `snapshot` <
 * release < `sp` < any other (lexically); `a1`, `b1`, `m1` mean alpha, beta, milestone.
 * A number beats a qualifier, so `1-1` > `1-sp` and `1.0` = `1` = `1-0`.
 */

type Item = { kind: 'int'; value: bigint } | { kind: 'string'; value: string } | { kind: 'list'; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

function stringItem(text: string, followedByDigit: boolean): Item {
  let value = text;
  if (followedByDigit && text.length === 1) value = text === 'a' ? 'alpha' : text === 'b' ? 'beta' : text === 'm' ? 'milestone' : text;
  return { kind: 'string', value: ALIASES[value] ?? value };
}

function comparableQualifier(qualifier: string): string {
  const index = QUALIFIERS.indexOf(qualifier);
  return index === -1 ? `${QUALIFIERS.length}-${qualifier}` : String(index);
}

function parseItem(isDigit: boolean, text: string): Item {
  return isDigit ? { kind: 'int', value: BigInt(text) } : stringItem(text, false);
}

function isNull(item: Item): boolean {
  if (item.kind === 'int') return item.value === 0n;
  if (item.kind === 'string') return comparableQualifier(item.value) === RELEASE_INDEX;
  return item.items.length === 0;
}

function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const last = list[i]!;
    if (isNull(last)) list.splice(i, 1);
    else if (last.kind !== 'list') break;
  }
}

export function parse(version: string): Item {
  const text = version.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  let isDigit = false;
  let start = 0;
  const openList = (): void => {
    const nested: Item[] = [];
    list.push({ kind: 'list', items: nested });
    list = nested;
    stack.push(nested);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '.') {
      list.push(i === start ? { kind: 'int', value: 0n } : parseItem(isDigit, text.slice(start, i)));
      start = i + 1;
    } else if (c === '-') {
      list.push(i === start ? { kind: 'int', value: 0n } : parseItem(isDigit, text.slice(start, i)));
      start = i + 1;
      openList();
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        list.push(stringItem(text.slice(start, i), true));
        start = i;
        openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, text.slice(start, i)));
        start = i;
        openList();
      }
      isDigit = false;
    }
  }
  if (text.length > start) list.push(parseItem(isDigit, text.slice(start)));
  while (stack.length > 0) normalize(stack.pop()!);
  return { kind: 'list', items: root };
}

/** Any string is a Maven version; only the empty one is refused. */
export function valid(version: string): boolean {
  return version.trim() !== '' && !/\s/.test(version);
}

function compareItems(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -compareItems(b, undefined);
  switch (a.kind) {
    case 'int':
      if (b === undefined) return a.value === 0n ? 0 : 1;
      if (b.kind === 'int') return a.value === b.value ? 0 : a.value < b.value ? -1 : 1;
      return 1;
    case 'string': {
      if (b === undefined) {
        const qualifier = comparableQualifier(a.value);
        return qualifier === RELEASE_INDEX ? 0 : qualifier < RELEASE_INDEX ? -1 : 1;
      }
      if (b.kind === 'int' || b.kind === 'list') return -1;
      const x = comparableQualifier(a.value);
      const y = comparableQualifier(b.value);
      return x === y ? 0 : x < y ? -1 : 1;
    }
    case 'list':
      if (b === undefined) return a.items.length === 0 ? 0 : compareItems(a.items[0], undefined);
      if (b.kind === 'int') return -1;
      if (b.kind === 'string') return 1;
      for (let i = 0; i < Math.max(a.items.length, b.items.length); i++) {
        const left = a.items[i];
        const right = b.items[i];
        const result = left === undefined ? (right === undefined ? 0 : -compareItems(right, left)) : compareItems(left, right);
        if (result !== 0) return result;
      }
      return 0;
  }
}

export function compare(a: string, b: string): number {
  if (!valid(a)) throw new Error(`invalid Maven version "${a}"`);
  if (!valid(b)) throw new Error(`invalid Maven version "${b}"`);
  return Math.sign(compareItems(parse(a), parse(b)));
}
