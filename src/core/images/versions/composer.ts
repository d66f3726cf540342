/**
 * Composer (Packagist) versions, ordered as composer/semver orders them: normalised by
 * VersionParser::normalize (`v1.2` → `1.2.0.0`, `1.0-beta2` → `1.0.0.0-beta2`, `b` → `beta`,
 * `p`/`pl` → `patch`, `master` → `9999999-dev`) and then compared with PHP's
 * version_compare: `dev` < `alpha` = `a` < `beta` = `b` < `RC` = `rc` < number < `pl` = `p`,
 * unknown words before `dev`.
 */

const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?';
const CLASSICAL = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, 'i');
const DATE = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3})?)${MODIFIER}$`, 'i');

function expandStability(stability: string): string {
  const lower = stability.toLowerCase();
  if (lower === 'a') return 'alpha';
  if (lower === 'b') return 'beta';
  if (lower === 'p' || lower === 'pl') return 'patch';
  if (lower === 'rc') return 'RC';
  return lower;
}

/** composer/semver's normalised form, or undefined for branches and malformed versions. */
export function normalize(version: string): string | undefined {
  let text = version.trim();
  if (/^(?:dev-)?(?:master|trunk|default)$/i.test(text)) return '9999999-dev';
  text = text.replace(/\+[0-9A-Za-z.-]*$/, '');
  let base: string;
  let match = CLASSICAL.exec(text);
  if (match) {
    base = `${match[1]}${match[2] ?? '.0'}${match[3] ?? '.0'}${match[4] ?? '.0'}`;
  } else {
    match = DATE.exec(text);
    if (!match) return undefined;
    base = match[1]!.replace(/[:.-]/g, '.');
    match = [match[0], match[1]!, undefined, undefined, undefined, match[2], match[3], match[4]] as unknown as RegExpExecArray;
  }
  const [stability, number, dev] = [match[5], match[6], match[7]];
  if (stability !== undefined) {
    if (stability.toLowerCase() !== 'stable') base += `-${expandStability(stability)}${number ? number.replace(/^[.-]+/, '') : ''}`;
  }
  if (dev !== undefined) base += '-dev';
  return base;
}

export function valid(version: string): boolean {
  return normalize(version) !== undefined;
}

const SPECIAL_FORMS: [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];
const NUMBER_FORM = 4;

function specialForm(part: string): number {
  return SPECIAL_FORMS.find(([name]) => part.startsWith(name))?.[1] ?? -1;
}

/** PHP's php_canonicalize_version: separators become dots, a dot between digits and letters. */
function canonicalize(version: string): string {
  const isDigit = (c: string): boolean => c >= '0' && c <= '9';
  const isNonDigit = (c: string): boolean => !isDigit(c) && c !== '.';
  const isAlnum = (c: string): boolean => /[A-Za-z0-9]/.test(c);
  let out = version[0] ?? '';
  for (let i = 1; i < version.length; i++) {
    const c = version[i]!;
    const previous = version[i - 1]!;
    if (c === '-' || c === '_' || c === '+') {
      if (!out.endsWith('.')) out += '.';
    } else if ((isNonDigit(previous) && isDigit(c)) || (isDigit(previous) && isNonDigit(c))) {
      if (!out.endsWith('.')) out += '.';
      out += c;
    } else if (!isAlnum(c)) {
      if (!out.endsWith('.')) out += '.';
    } else out += c;
  }
  return out;
}

/**
 * Two runs of digits as integers, exactly (leading zeros dropped, then the longer is greater).
 * PHP's strtol saturates at PHP_INT_MAX; Composer's own ordering is meant to be numeric, so
 * numbers past 2^63 are compared exactly here rather than as equal.
 */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x === y ? 0 : x < y ? -1 : 1;
}

/** PHP's version_compare on two strings. */
export function phpVersionCompare(a: string, b: string): number {
  const left = canonicalize(a).split('.');
  const right = canonicalize(b).split('.');
  const isNumber = (part: string): boolean => /^[0-9]/.test(part);
  let i = 0;
  for (; i < left.length && i < right.length; i++) {
    const x = left[i]!;
    const y = right[i]!;
    let result: number;
    if (isNumber(x) && isNumber(y)) result = compareDigits(x, y);
    else if (!isNumber(x) && !isNumber(y)) result = Math.sign(specialForm(x) - specialForm(y));
    else result = isNumber(x) ? Math.sign(NUMBER_FORM - specialForm(y)) : Math.sign(specialForm(x) - NUMBER_FORM);
    if (result !== 0) return result;
  }
  const rest = left[i] ?? right[i];
  if (rest === undefined) return 0;
  const sign = i < left.length ? 1 : -1;
  if (isNumber(rest)) return sign;
  return sign * Math.sign(specialForm(rest) - NUMBER_FORM);
}

export function compare(a: string, b: string): number {
  const left = normalize(a);
  const right = normalize(b);
  if (left === undefined) throw new Error(`invalid Composer version "${a}"`);
  if (right === undefined) throw new Error(`invalid Composer version "${b}"`);
  return phpVersionCompare(left, right);
}
