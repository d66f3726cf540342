import jsyaml from 'js-yaml';
import { encodePosition, LOCATIONS, packMappingLocations } from '../../core/model/location.js';
import { fastParse, NOT_FAST } from './fast-yaml.js';

/**
 * YAML with exact positions at js-yaml's speed. js-yaml reports an 'open' and a
 * 'close' event for every node it composes; from those we record where each
 * mapping key and each sequence item starts and attach the table to the
 * parsed object under a symbol. The `yaml` package keeps positions too, but
 * its document model is 3-5x slower on real manifests (see bench/yaml-parsers).
 *
 * Scalars resolve as Kubernetes' YAML library (go-yaml v2, YAML 1.1) resolves
 * them: `yes`/`on` are true, `0644` is octal, timestamps stay strings.
 */

const BOOLEANS: Record<string, boolean> = {
  y: true, Y: true, yes: true, Yes: true, YES: true, on: true, On: true, ON: true, true: true, True: true, TRUE: true,
  n: false, N: false, no: false, No: false, NO: false, off: false, Off: false, OFF: false, false: false, False: false, FALSE: false,
};

const yaml11Bool = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && Object.prototype.hasOwnProperty.call(BOOLEANS, data),
  construct: (data: string) => BOOLEANS[data],
  predicate: (value: unknown) => typeof value === 'boolean',
  represent: { lowercase: (value: object) => (value ? 'true' : 'false') },
  defaultStyle: 'lowercase',
});

const INT = /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|0|[1-9][0-9_]*)$/;

function parseYaml11Int(data: string): number {
  let text = data.replace(/_/g, '');
  let sign = 1;
  if (text[0] === '-' || text[0] === '+') {
    if (text[0] === '-') sign = -1;
    text = text.slice(1);
  }
  if (text === '0') return 0;
  if (text.startsWith('0b')) return sign * parseInt(text.slice(2), 2);
  if (text.startsWith('0x')) return sign * parseInt(text.slice(2), 16);
  if (text.startsWith('0o')) return sign * parseInt(text.slice(2), 8);
  if (text.startsWith('0')) return sign * parseInt(text.slice(1), 8);
  return sign * parseInt(text, 10);
}

const yaml11Int = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && INT.test(data) && /[0-9]/.test(data),
  construct: parseYaml11Int,
  predicate: (value: unknown) => typeof value === 'number' && Number.isInteger(value),
  represent: { decimal: (value: object) => String(value) },
  defaultStyle: 'decimal',
});

const jsTypes = (jsyaml as unknown as { types: Record<string, jsyaml.Type> }).types;
export const KUBERNETES_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [jsTypes.null!, yaml11Bool, yaml11Int, jsTypes.float!, jsTypes.merge!],
  explicit: [jsTypes.binary!],
});

export interface ParsedDocument {
  /** 0-based index among the file's documents */
  index: number;
  /** 0-based line of the document's first line (its `---` marker when it has one) */
  startLine: number;
  /** 0-based line of the document's first content (not a marker, comment or blank) */
  contentLine: number;
  value?: unknown;
  error?: { message: string; line: number; column: number; code: 'yaml-syntax' | 'alias-limit' | 'depth-limit' };
}

export interface ParseLimits {
  /** maximum nesting depth of a document */
  maxDepth: number;
  /** maximum number of nodes a document may expand to through aliases */
  maxExpandedNodes: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxDepth: 100, maxExpandedNodes: 1_000_000 };

interface Frame {
  position: number;
  keys: Map<string, number> | undefined;
  items: number[] | undefined;
}

interface LoaderState {
  position: number;
  line: number;
  lineStart: number;
  input: string;
  result: unknown;
}

/** Splits a YAML stream at `---` lines, keeping each document's first line. */
export function splitDocuments(text: string): Array<{ text: string; startLine: number; contentLine: number }> {
  const out: Array<{ text: string; startLine: number; contentLine: number }> = [];
  let start = 0;
  let startLine = 0;
  let line = 0;
  let position = 0;
  while (position <= text.length) {
    const end = text.indexOf('\n', position);
    const lineEnd = end < 0 ? text.length : end;
    if (text.startsWith('---', position) && (lineEnd === position + 3 || text[position + 3] === ' ' || text[position + 3] === '\t' || text[position + 3] === '\r')) {
      if (position > start) out.push({ text: text.slice(start, position), startLine, contentLine: startLine });
      start = position;
      startLine = line;
    }
    if (end < 0) break;
    position = end + 1;
    line++;
  }
  if (start < text.length) out.push({ text: text.slice(start), startLine, contentLine: startLine });
  return out.filter((chunk) => {
    const offset = firstContentLine(chunk.text);
    chunk.contentLine = chunk.startLine + offset;
    return offset >= 0;
  });
}

/** Lines before the first content; -1 for a document of only comments, blank lines and markers. */
function firstContentLine(text: string): number {
  let line = 0;
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    let first = start;
    while (first < end && (text.charCodeAt(first) === 0x20 || text.charCodeAt(first) === 0x09 || text.charCodeAt(first) === 0x0d)) first++;
    if (first < end && text[first] !== '#') {
      const rest = text.slice(first, end).trimEnd();
      if (rest !== '---' && rest !== '...') return line;
    }
    if (newline < 0) break;
    start = newline + 1;
    line++;
  }
  return -1;
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/** Parses one document's text; positions are made absolute with `lineBase`. */
export function parseDocument(text: string, lineBase: number, limits: ParseLimits = DEFAULT_PARSE_LIMITS): { value?: unknown; error?: ParsedDocument['error'] } {
  const fast = fastParse(text, lineBase, resolvePlain);
  if (fast !== NOT_FAST) return { value: fast };
  return parseDocumentWithJsYaml(text, lineBase, limits);
}

const IMPLICIT_TYPES = (KUBERNETES_SCHEMA as unknown as { compiledImplicit: jsyaml.Type[] }).compiledImplicit;
const MAY_RESOLVE = /^[-+.0-9~nNyYtTfFoO<]/;

/** Resolves a plain scalar exactly as js-yaml does with KUBERNETES_SCHEMA. */
export function resolvePlain(text: string): unknown {
  if (text === '') return null;
  const first = text.charCodeAt(0);
  // A plain scalar starting with a letter is a string unless it is a YAML 1.1 boolean or null.
  if ((first >= 0x61 && first <= 0x7a) || (first >= 0x41 && first <= 0x5a)) {
    if (text.length > 5) return text;
    if (Object.prototype.hasOwnProperty.call(BOOLEANS, text)) return BOOLEANS[text];
    if (text === 'null' || text === 'Null' || text === 'NULL') return null;
    return text;
  }
  if (!MAY_RESOLVE.test(text)) return text;
  for (const type of IMPLICIT_TYPES) {
    const typed = type as unknown as { resolve(data: string): boolean; construct(data: string): unknown };
    if (typed.resolve(text)) return typed.construct(text);
  }
  return text;
}

/** The reference path: js-yaml with positions from its listener events. */
export function parseDocumentWithJsYaml(text: string, lineBase: number, limits: ParseLimits = DEFAULT_PARSE_LIMITS): { value?: unknown; error?: ParsedDocument['error'] } {
  const stack: Frame[] = [];
  const listener = (event: 'open' | 'close', state: LoaderState) => {
    if (event === 'open') {
      stack.push({ position: encodePosition(lineBase + state.line, state.position - state.lineStart), keys: undefined, items: undefined });
      return;
    }
    const frame = stack.pop();
    if (!frame) return;
    const result = state.result;
    // The innermost frame that produced a collection holds its entries; frames that
    // wrap it (js-yaml's attempts at an implicit key) must not overwrite them.
    if (result !== null && typeof result === 'object' && !(LOCATIONS in result)) {
      if (Array.isArray(result)) {
        if (frame.items && frame.items.length === result.length) (result as { [LOCATIONS]?: number[] })[LOCATIONS] = frame.items;
      } else if (frame.keys) {
        (result as { [LOCATIONS]?: unknown })[LOCATIONS] = packMappingLocations(frame.keys);
      }
    }
    const parent = stack[stack.length - 1];
    if (!parent) return;
    // A scalar followed by ':' was a mapping key; anything else is a value or an item.
    if (isScalar(result)) {
      const input = state.input;
      let index = state.position;
      while (input.charCodeAt(index) === 0x20 || input.charCodeAt(index) === 0x09) index++;
      if (input.charCodeAt(index) === 0x3a) {
        (parent.keys ??= new Map()).set(String(result), frame.position);
        return;
      }
    }
    (parent.items ??= []).push(frame.position);
  };
  try {
    const value = jsyaml.load(text, {
      schema: KUBERNETES_SCHEMA,
      listener: listener as unknown as jsyaml.LoadOptions['listener'],
      maxDepth: limits.maxDepth,
    } as jsyaml.LoadOptions);
    if (text.includes('*') && expandedSize(value, limits.maxExpandedNodes) > limits.maxExpandedNodes) {
      return { error: { code: 'alias-limit', message: `aliases expand this document past ${limits.maxExpandedNodes} nodes (a YAML alias bomb?)`, line: lineBase + 1, column: 1 } };
    }
    return { value };
  } catch (error) {
    const yamlError = error as { reason?: string; mark?: { line: number; column: number }; message: string };
    const reason = yamlError.reason ?? yamlError.message;
    return {
      error: {
        code: /maxDepth/.test(reason) ? 'depth-limit' : 'yaml-syntax',
        message: reason,
        line: lineBase + (yamlError.mark?.line ?? 0) + 1,
        column: (yamlError.mark?.column ?? 0) + 1,
      },
    };
  }
}

/** Counts nodes as a consumer walking the tree would see them, stopping past `limit`. */
function expandedSize(root: unknown, limit: number): number {
  let count = 0;
  const pending: unknown[] = [root];
  while (pending.length > 0 && count <= limit) {
    const node = pending.pop();
    count++;
    if (node !== null && typeof node === 'object') {
      for (const child of Array.isArray(node) ? node : Object.values(node)) pending.push(child);
    }
  }
  return count;
}

export function parseStream(text: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ParsedDocument[] {
  return splitDocuments(text).map((chunk, index) => ({ index, startLine: chunk.startLine, contentLine: chunk.contentLine, ...parseDocument(chunk.text, chunk.startLine, limits) }));
}
