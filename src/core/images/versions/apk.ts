/**
 * Alpine package versions, ordered as apk-tools 2 orders them (src/version.c): a token
 * machine over `digits{.digits}[letter]{_suffix[digits]}[-rN]`. Pre-release suffixes
 * (`_alpha` < `_beta` < `_pre` < `_rc`) sort before the bare version, post-release ones
 * (`_cvs` < `_svn` < `_git` < `_hg` < `_p`) after it; `-r1` = `-r01`; a component with
 * leading zeros compares as a fraction (`1.01` < `1.1`), as apk does.
 */

const enum Token {
  Invalid = -1,
  DigitOrZero = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNumber = 4,
  RevisionNumber = 5,
  End = 6,
}

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';

interface Cursor {
  text: string;
  at: number;
  type: Token;
}

function nextToken(cursor: Cursor): void {
  const c = cursor.text[cursor.at];
  let next = Token.Invalid;
  if (c === undefined) next = Token.End;
  else if ((cursor.type === Token.Digit || cursor.type === Token.DigitOrZero) && isLower(c)) next = Token.Letter;
  else if (cursor.type === Token.Letter && isDigit(c)) next = Token.Digit;
  else if (cursor.type === Token.Suffix && isDigit(c)) next = Token.SuffixNumber;
  else {
    if (c === '.') next = Token.DigitOrZero;
    else if (c === '_') next = Token.Suffix;
    else if (c === '-' && cursor.text[cursor.at + 1] === 'r') {
      next = Token.RevisionNumber;
      cursor.at++;
    }
    cursor.at++;
  }
  if (next < cursor.type) {
    const allowed =
      (next === Token.DigitOrZero && cursor.type === Token.Digit) ||
      (next === Token.Suffix && cursor.type === Token.SuffixNumber) ||
      (next === Token.Digit && cursor.type === Token.Letter);
    if (!allowed) next = Token.Invalid;
  }
  cursor.type = next;
}

function getToken(cursor: Cursor): bigint {
  const { text } = cursor;
  if (cursor.at >= text.length) {
    cursor.type = Token.End;
    return 0n;
  }
  let value = 0n;
  let length = 0;
  let forced = Token.Invalid;
  const leadingZero = cursor.type === Token.DigitOrZero && text[cursor.at] === '0';
  switch (leadingZero ? 'leading zero' : cursor.type) {
    case 'leading zero':
      // A component with leading zeros compares as a fraction: its value is minus their count.
      while (text[cursor.at + length] === '0') length++;
      forced = Token.Digit;
      value = BigInt(-length);
      break;
    case Token.DigitOrZero:
    case Token.Digit:
    case Token.SuffixNumber:
    case Token.RevisionNumber:
      while (isDigit(text[cursor.at + length])) {
        value = value * 10n + BigInt(text.charCodeAt(cursor.at + length) - 48);
        length++;
      }
      break;
    case Token.Letter:
      value = BigInt(text.charCodeAt(cursor.at));
      length = 1;
      break;
    case Token.Suffix: {
      const rest = text.slice(cursor.at);
      const pre = PRE_SUFFIXES.findIndex((suffix) => rest.startsWith(suffix));
      if (pre >= 0) {
        value = BigInt(pre - PRE_SUFFIXES.length);
        length = PRE_SUFFIXES[pre]!.length;
        break;
      }
      const post = POST_SUFFIXES.findIndex((suffix) => rest.startsWith(suffix));
      if (post >= 0) {
        value = BigInt(post);
        length = POST_SUFFIXES[post]!.length;
        break;
      }
      cursor.type = Token.Invalid;
      return -1n;
    }
    default:
      cursor.type = Token.Invalid;
      return -1n;
  }
  cursor.at += length;
  if (cursor.at >= text.length) cursor.type = Token.End;
  else if (forced !== Token.Invalid) cursor.type = forced;
  else nextToken(cursor);
  return value;
}

export function valid(version: string): boolean {
  if (!isDigit(version[0])) return false;
  const cursor: Cursor = { text: version, at: 0, type: Token.Digit };
  while (cursor.type !== Token.End && cursor.type !== Token.Invalid) getToken(cursor);
  return cursor.type === Token.End;
}

export function compare(a: string, b: string): number {
  if (!valid(a)) throw new Error(`invalid apk version "${a}"`);
  if (!valid(b)) throw new Error(`invalid apk version "${b}"`);
  const left: Cursor = { text: a, at: 0, type: Token.Digit };
  const right: Cursor = { text: b, at: 0, type: Token.Digit };
  let leftValue = 0n;
  let rightValue = 0n;
  while (left.type === right.type && left.type !== Token.End && left.type !== Token.Invalid && leftValue === rightValue) {
    leftValue = getToken(left);
    rightValue = getToken(right);
  }
  if (leftValue !== rightValue) return leftValue < rightValue ? -1 : 1;
  if (left.type === right.type) return 0;
  // Equal so far: the longer version is greater unless what follows is a pre-release suffix.
  if (left.type === Token.Suffix && getToken({ ...left }) < 0n) return -1;
  if (right.type === Token.Suffix && getToken({ ...right }) < 0n) return 1;
  if (left.type > right.type) return -1;
  if (right.type > left.type) return 1;
  return 0;
}
