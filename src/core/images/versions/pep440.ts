/**
 * Python versions, ordered as PEP 440 and `packaging.version.Version` order them:
 * `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, with the spelling variants PEP 440
 * normalises (`alpha`, `c`, `pre`, `preview`, `rev`, `r`, `1.0-1` as a post release,
 * separators `.`, `-`, `_`, a leading `v`, any case). Order: epoch, release (trailing zeros
 * ignored), then `1.0.dev0 < 1.0a0 < 1.0a0.post0 < 1.0 < 1.0.post0`, and a local version
 * sorts after its public one (numeric local segments after alphanumeric ones). Numbers are
 * BigInts: Python's integers have no limit, so `1.9007199254740993 > 1.9007199254740992`.
 */

export interface Pep440Version {
  epoch: bigint;
  release: bigint[];
  pre?: { kind: 'a' | 'b' | 'rc'; number: bigint };
  post?: bigint;
  dev?: bigint;
  local?: (string | bigint)[];
}

const PATTERN = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>[0-9]+)?)?' +
    '(?<post>(?:-(?<postN1>[0-9]+))|(?:[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$',
  'i',
);

export function parse(version: string): Pep440Version | undefined {
  const match = PATTERN.exec(version);
  const groups = match?.groups;
  if (!groups) return undefined;
  const parsed: Pep440Version = {
    epoch: groups.epoch === undefined ? 0n : BigInt(groups.epoch),
    release: groups.release!.split('.').map((part) => BigInt(part)),
  };
  if (groups.preL !== undefined) {
    const label = groups.preL.toLowerCase();
    const kind = label === 'alpha' || label === 'a' ? 'a' : label === 'beta' || label === 'b' ? 'b' : 'rc';
    parsed.pre = { kind, number: BigInt(groups.preN ?? 0) };
  }
  if (groups.post !== undefined) parsed.post = BigInt(groups.postN1 ?? groups.postN2 ?? 0);
  if (groups.devL !== undefined) parsed.dev = BigInt(groups.devN ?? 0);
  if (groups.local !== undefined) {
    parsed.local = groups.local.toLowerCase().split(/[-_.]/).map((part) => (/^[0-9]+$/.test(part) ? BigInt(part) : part));
  }
  return parsed;
}

export function valid(version: string): boolean {
  return parse(version) !== undefined;
}

const PRE_ORDER = { a: 0, b: 1, rc: 2 } as const;

function compareNumbers(a: bigint, b: bigint): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function compareRelease(a: bigint[], b: bigint[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = compareNumbers(a[i] ?? 0n, b[i] ?? 0n);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** packaging's _cmpkey for the pre-release: a bare dev release sorts before any pre-release. */
function preKey(version: Pep440Version): [bigint, bigint] {
  if (version.pre) return [BigInt(PRE_ORDER[version.pre.kind]), version.pre.number];
  if (version.post === undefined && version.dev !== undefined) return [-1n, 0n];
  return [3n, 0n];
}

function compareLocal(a: (string | bigint)[] | undefined, b: (string | bigint)[] | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'bigint' && typeof y === 'bigint') {
      if (x !== y) return compareNumbers(x, y);
    } else if (typeof x === 'bigint') return 1;
    else if (typeof y === 'bigint') return -1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** No dev part sorts after any dev part (packaging's Infinity). */
function compareDev(a: bigint | undefined, b: bigint | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  return compareNumbers(a, b);
}

export function compareParsed(a: Pep440Version, b: Pep440Version): number {
  const [aPre, aPreNumber] = preKey(a);
  const [bPre, bPreNumber] = preKey(b);
  return (
    compareNumbers(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    compareNumbers(aPre, bPre) ||
    compareNumbers(aPreNumber, bPreNumber) ||
    compareNumbers(a.post ?? -1n, b.post ?? -1n) ||
    compareDev(a.dev, b.dev) ||
    compareLocal(a.local, b.local)
  );
}

export function compare(a: string, b: string): number {
  const left = parse(a);
  const right = parse(b);
  if (!left) throw new Error(`invalid PEP 440 version "${a}"`);
  if (!right) throw new Error(`invalid PEP 440 version "${b}"`);
  return compareParsed(left, right);
}
