import { DOCUMENT_POSITIONS, encodePosition, hasInsertionOrder } from '../../core/model/location.js';

/**
 * A fast path for the YAML that manifests are made of: block mappings and
 * sequences, plain and quoted single-line scalars, single-line flow
 * collections, literal block scalars and comments. It records positions as it
 * goes. Anything outside that subset (anchors, aliases, tags, folded or
 * multi-line scalars, explicit keys, duplicate keys, syntax errors) makes it
 * give up, and the caller parses the document with js-yaml, which stays the
 * reference: tests require both to agree on values and positions.
 */

/** Returned when the document is outside the fast subset. */
export const NOT_FAST: unique symbol = Symbol('not-fast');

class GiveUp extends Error {}
const giveUp = (): never => {
  throw new GiveUp();
};

export type ResolvePlain = (text: string) => unknown;

interface Located {
  [DOCUMENT_POSITIONS]?: Float64Array;
}

const MAX_DEPTH = 100;

function isSpaceOrEnd(line: string, index: number): boolean {
  const code = line.charCodeAt(index);
  return Number.isNaN(code) || code === 0x20 || code === 0x09;
}

/** Indicators that start something this fast path does not handle. */
const UNSUPPORTED_START = new Set(['&', '*', '!', '?', '%', '@', '`', '>', ',', ']', '}', '#']);

class FastParser {
  private readonly lines: string[];
  private line = 0;
  /** a column that replaces the indentation of one line (for `- key: value`) */
  private overrideLine = -1;
  private overrideColumn = 0;
  private depth = 0;
  /** every entry's position, in document pre-order */
  readonly table: number[] = [];

  constructor(
    text: string,
    private readonly lineBase: number,
    private readonly resolvePlain: ResolvePlain,
  ) {
    this.lines = text.split('\n');
    for (let i = 0; i < this.lines.length; i++) {
      const line = this.lines[i]!;
      if (line.endsWith('\r')) this.lines[i] = line.slice(0, -1);
    }
  }

  parse(): unknown {
    // An optional bare `---` marker line starts the document.
    this.skipBlank();
    const first = this.lines[this.line];
    if (first !== undefined && first.startsWith('---')) {
      if (!/^---\s*(#.*)?$/.test(first)) giveUp();
      this.line++;
    }
    const indent = this.nextIndent();
    if (indent < 0) return null;
    if (indent !== 0) giveUp();
    const value = this.parseBlock(0);
    if (this.nextIndent() >= 0) giveUp();
    (value as Located)[DOCUMENT_POSITIONS] = Float64Array.from(this.table);
    return value;
  }

  /** Skips blank and comment-only lines; gives up on document markers and tabs in indentation. */
  private skipBlank(): void {
    while (this.line < this.lines.length) {
      const text = this.lines[this.line]!;
      let index = 0;
      while (text.charCodeAt(index) === 0x20) index++;
      if (index === text.length || text[index] === '#') {
        this.line++;
        continue;
      }
      if (text[index] === '\t') {
        // Tabs in blank lines are fine; as indentation they are an error js-yaml reports.
        if (text.trim() === '' || text.trim().startsWith('#')) {
          this.line++;
          continue;
        }
        giveUp();
      }
      return;
    }
  }

  /** Indentation of the next content line, or -1 at the end. */
  private nextIndent(): number {
    this.skipBlank();
    if (this.line >= this.lines.length) return -1;
    if (this.line === this.overrideLine) return this.overrideColumn;
    const text = this.lines[this.line]!;
    if (text.startsWith('...') || (text.startsWith('---') && isSpaceOrEnd(text, 3))) giveUp();
    let index = 0;
    while (text.charCodeAt(index) === 0x20) index++;
    return index;
  }

  private position(line: number, column: number): number {
    return encodePosition(this.lineBase + line, column);
  }

  private parseBlock(indent: number): unknown {
    if (++this.depth > MAX_DEPTH) giveUp();
    const text = this.lines[this.line]!;
    const value = text[indent] === '-' && isSpaceOrEnd(text, indent + 1) ? this.parseSequence(indent) : this.parseMapping(indent);
    this.depth--;
    return value;
  }

  private parseSequence(indent: number): unknown[] {
    const items: unknown[] = [];
    const positions = this.table;
    while (true) {
      const current = this.nextIndent();
      if (current < indent) break;
      if (current > indent) giveUp();
      const line = this.line;
      const text = this.lines[line]!;
      if (!(text[indent] === '-' && isSpaceOrEnd(text, indent + 1))) break;
      let column = indent + 1;
      while (text.charCodeAt(column) === 0x20) column++;
      if (column >= text.length || text[column] === '#') {
        // `-` alone: the item is on the following lines, or null.
        this.line++;
        const next = this.nextIndent();
        if (next > indent) {
          positions.push(this.position(this.line, next));
          items.push(this.parseBlock(next));
        } else {
          positions.push(this.position(line, indent));
          items.push(null);
        }
        continue;
      }
      if (text[column] === '\t') giveUp();
      positions.push(this.position(line, column));
      if (text[column] === '-' && isSpaceOrEnd(text, column + 1)) giveUp();
      if (this.startsMappingEntry(text, column)) {
        this.overrideLine = line;
        this.overrideColumn = column;
        this.depth++;
        items.push(this.parseMapping(column));
        this.depth--;
        if (this.overrideLine === line) this.overrideLine = -1;
      } else {
        items.push(this.parseInlineValue(line, column, indent));
      }
    }
    return items;
  }

  /** Whether the text at `column` is `key: ...` (plain or quoted key). */
  private startsMappingEntry(text: string, column: number): boolean {
    const first = text[column];
    if (first === '"' || first === "'") {
      const end = quotedEnd(text, column);
      if (end < 0) return false;
      let index = end;
      while (text.charCodeAt(index) === 0x20) index++;
      return text[index] === ':' && isSpaceOrEnd(text, index + 1);
    }
    if (first === '[' || first === '{') return false;
    const colon = this.plainKeyEnd(text, column);
    return colon >= 0;
  }

  /** Index of the ':' ending a plain key starting at `column`, or -1. */
  private plainKeyEnd(text: string, column: number): number {
    for (let index = column; index < text.length; index++) {
      const char = text.charCodeAt(index);
      if (char === 0x3a && isSpaceOrEnd(text, index + 1)) return index;
      if (char === 0x23 && (text.charCodeAt(index - 1) === 0x20 || text.charCodeAt(index - 1) === 0x09)) return -1;
    }
    return -1;
  }

  private parseMapping(indent: number): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    const keys: string[] = [];
    const positions = this.table;
    while (true) {
      const current = this.nextIndent();
      if (current < indent) break;
      if (current > indent) giveUp();
      const line = this.line;
      const text = this.lines[line]!;
      if (text[indent] === '-' && isSpaceOrEnd(text, indent + 1)) break;
      let key: string;
      let after: number;
      const first = text[indent];
      if (first === '"' || first === "'") {
        const end = quotedEnd(text, indent);
        if (end < 0) giveUp();
        key = decodeQuoted(text.slice(indent, end));
        after = end;
        while (text.charCodeAt(after) === 0x20) after++;
        if (text[after] !== ':' || !isSpaceOrEnd(text, after + 1)) giveUp();
      } else {
        if (first === undefined || UNSUPPORTED_START.has(first) || first === '[' || first === '{' || first === '|' || first === '\t') giveUp();
        after = this.plainKeyEnd(text, indent);
        if (after < 0) giveUp();
        const raw = text.slice(indent, after).trimEnd();
        if (raw === '<<' || raw === '') giveUp();
        key = String(this.resolvePlain(raw));
      }
      if (key === '__proto__' || Object.prototype.hasOwnProperty.call(object, key)) giveUp();
      keys.push(key);
      positions.push(this.position(line, indent));
      let column = after + 1;
      while (text.charCodeAt(column) === 0x20) column++;
      if (column >= text.length || text[column] === '#') {
        this.line++;
        const next = this.nextIndent();
        if (next > indent) object[key] = this.parseBlock(next);
        else if (next === indent && next >= 0 && this.isSequenceLine(indent)) object[key] = this.parseBlock(indent);
        else object[key] = null;
      } else {
        if (text[column] === '\t') giveUp();
        object[key] = this.parseInlineValue(line, column, indent);
      }
    }
    // The table follows Object.keys order, which puts integer-like keys first: js-yaml handles those.
    if (!hasInsertionOrder(keys)) giveUp();
    return object;
  }

  private isSequenceLine(indent: number): boolean {
    const text = this.lines[this.line]!;
    return text[indent] === '-' && isSpaceOrEnd(text, indent + 1);
  }

  /** A value that starts on the current line at `column`; `parentIndent` bounds continuation lines. */
  private parseInlineValue(line: number, column: number, parentIndent: number): unknown {
    const text = this.lines[line]!;
    const first = text[column]!;
    let value: unknown;
    let end: number;
    if (first === '"' || first === "'") {
      end = quotedEnd(text, column);
      if (end < 0) giveUp();
      value = decodeQuoted(text.slice(column, end));
    } else if (first === '[' || first === '{') {
      const flow = new FlowParser(text, column, (offset) => this.position(line, offset), this.resolvePlain, this.table);
      value = flow.parseValue();
      end = flow.index;
    } else if (first === '|') {
      this.line = line;
      return this.parseLiteral(text.slice(column + 1), parentIndent);
    } else if (UNSUPPORTED_START.has(first) || (first === '-' && isSpaceOrEnd(text, column + 1)) || (first === ':' && isSpaceOrEnd(text, column + 1))) {
      return giveUp();
    } else {
      // A plain scalar runs to the end of the line or to a comment.
      end = text.length;
      for (let index = column; index < text.length; index++) {
        const char = text.charCodeAt(index);
        if (char === 0x23 && (text.charCodeAt(index - 1) === 0x20 || text.charCodeAt(index - 1) === 0x09)) {
          end = index;
          break;
        }
        if (char === 0x3a && isSpaceOrEnd(text, index + 1)) giveUp();
      }
      const raw = text.slice(column, end).trimEnd();
      value = this.resolvePlain(raw);
      this.line = line + 1;
      // A more-indented line after a plain scalar continues it: not handled here.
      if (this.nextIndent() > parentIndent) giveUp();
      return value;
    }
    let rest = end;
    while (text.charCodeAt(rest) === 0x20 || text.charCodeAt(rest) === 0x09) rest++;
    if (rest < text.length && text[rest] !== '#') giveUp();
    if (rest < text.length && rest === end) giveUp(); // '#' must follow whitespace
    this.line = line + 1;
    if (this.nextIndent() > parentIndent) giveUp();
    return value;
  }

  /** `|`, `|-`, `|+` with an optional indentation indicator. */
  private parseLiteral(header: string, parentIndent: number): string {
    // Indentation indicators and keep-chomping are rare in manifests: js-yaml handles them.
    const match = /^(-?)[ \t]*(#.*)?$/.exec(header);
    if (!match) return giveUp();
    const chomping = match[1];
    const startLine = this.line + 1;
    let contentIndent = -1;
    const body: string[] = [];
    for (let index = startLine; index < this.lines.length; index++) {
      const text = this.lines[index]!;
      let spaces = 0;
      while (text.charCodeAt(spaces) === 0x20) spaces++;
      if (spaces === text.length) {
        if (contentIndent < 0 && spaces > 0) giveUp();
        body.push(text);
        continue;
      }
      if (contentIndent < 0) {
        if (spaces <= parentIndent) break;
        contentIndent = spaces;
      }
      if (spaces < contentIndent) break;
      body.push(text);
    }
    // Trailing blank lines belong to the scalar only for chomping; the next node starts after them.
    let last = body.length;
    while (last > 0 && body[last - 1]!.trim() === '') last--;
    if (contentIndent < 0) contentIndent = 0;
    const content = body.slice(0, last).map((text) => (text.length > contentIndent ? text.slice(contentIndent) : ''));
    this.line = startLine + last;
    let value = content.join('\n');
    if (chomping !== '-' && content.length > 0) value += '\n';
    return value;
  }

}

/** Index just after the closing quote of a quoted scalar starting at `column`, or -1 when it does not close on this line. */
function quotedEnd(text: string, column: number): number {
  const quote = text[column];
  for (let index = column + 1; index < text.length; index++) {
    const char = text[index];
    if (quote === '"' && char === '\\') {
      index++;
      continue;
    }
    if (char === quote) {
      if (quote === "'" && text[index + 1] === "'") {
        index++;
        continue;
      }
      return index + 1;
    }
  }
  return -1;
}

/** The value of a single- or double-quoted scalar, quotes included in `quoted`. */
function decodeQuoted(quoted: string): string {
  const inner = quoted.slice(1, -1);
  if (quoted[0] === "'") return inner.includes("''") ? inner.replace(/''/g, "'") : inner;
  if (!inner.includes('\\')) return inner;
  // JSON escapes are a subset of YAML's; anything else goes to js-yaml.
  if (/\\[^"\\/bfnrtu]/.test(inner.replace(/\\\\/g, ''))) giveUp();
  try {
    return JSON.parse(`"${inner}"`) as string;
  } catch {
    return giveUp();
  }
}

/** Single-line flow collections: `[a, "b", {c: 1}]`, `{}`. */
class FlowParser {
  index: number;

  constructor(
    private readonly text: string,
    start: number,
    private readonly position: (column: number) => number,
    private readonly resolvePlain: ResolvePlain,
    private readonly table: number[],
  ) {
    this.index = start;
  }

  private skipSpaces(): void {
    while (this.text.charCodeAt(this.index) === 0x20) this.index++;
    if (this.index >= this.text.length || this.text[this.index] === '#') giveUp(); // multi-line flow
  }

  private depth = 0;

  parseValue(): unknown {
    this.skipSpaces();
    const char = this.text[this.index];
    if (char !== '[' && char !== '{') return this.parseScalar();
    if (++this.depth > MAX_DEPTH) giveUp();
    const value = char === '[' ? this.parseSequence() : this.parseMapping();
    this.depth--;
    return value;
  }

  private parseScalar(): unknown {
    const text = this.text;
    const char = text[this.index]!;
    if (char === '"' || char === "'") {
      const end = quotedEnd(text, this.index);
      if (end < 0) giveUp();
      const value = decodeQuoted(text.slice(this.index, end));
      this.index = end;
      return value;
    }
    if (UNSUPPORTED_START.has(char) || char === '[' || char === '{' || char === '|') giveUp();
    const start = this.index;
    while (this.index < text.length) {
      const code = text.charCodeAt(this.index);
      if (code === 0x2c || code === 0x5d || code === 0x7d) break;
      if (code === 0x3a && (isSpaceOrEnd(text, this.index + 1) || ',[]{}'.includes(text[this.index + 1]!))) break;
      if (code === 0x23 && text.charCodeAt(this.index - 1) === 0x20) giveUp();
      if (code === 0x5b || code === 0x7b) giveUp();
      this.index++;
    }
    return this.resolvePlain(text.slice(start, this.index).trimEnd());
  }

  /** Reads `[`/`{`, entries separated by commas (a trailing one allowed), then `close`, all on this line. */
  private entries(close: ']' | '}', entry: () => void): void {
    this.index++;
    this.skipSpaces();
    if (this.text[this.index] === close) {
      this.index++;
      return;
    }
    for (;;) {
      this.skipSpaces();
      entry();
      this.skipSpaces();
      const separator = this.text[this.index++];
      if (separator === close) return;
      if (separator !== ',') giveUp();
      this.skipSpaces();
      if (this.text[this.index] === close) {
        this.index++;
        return;
      }
    }
  }

  private parseSequence(): unknown[] {
    const items: unknown[] = [];
    this.entries(']', () => {
      this.table.push(this.position(this.index));
      const start = this.index;
      const value = this.parseValue();
      this.skipSpaces();
      if (this.text[this.index] === ':') giveUp(); // single-pair mapping inside a sequence
      if (this.index === start) giveUp();
      items.push(value);
    });
    return items;
  }

  private parseMapping(): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    const keys: string[] = [];
    this.entries('}', () => {
      const keyStart = this.index;
      const char = this.text[this.index];
      if (char === '[' || char === '{') giveUp();
      const key = String(this.parseScalar());
      if (this.index === keyStart || key === '__proto__' || Object.prototype.hasOwnProperty.call(object, key)) giveUp();
      keys.push(key);
      this.table.push(this.position(keyStart));
      this.skipSpaces();
      let value: unknown = null;
      if (this.text[this.index] === ':') {
        this.index++;
        this.skipSpaces();
        const next = this.text[this.index];
        if (next !== ',' && next !== '}') value = this.parseValue();
      }
      object[key] = value;
    });
    // The table follows Object.keys order, which puts integer-like keys first: js-yaml handles those.
    if (!hasInsertionOrder(keys)) giveUp();
    return object;
  }
}

/** The parsed document, or NOT_FAST when it needs the full parser. */
export function fastParse(text: string, lineBase: number, resolvePlain: ResolvePlain): unknown {
  try {
    return new FastParser(text, lineBase, resolvePlain).parse();
  } catch (error) {
    if (error instanceof GiveUp) return NOT_FAST;
    throw error;
  }
}
