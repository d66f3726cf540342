/**
 * Writes the checks' fixes into manifest text, keeping what a person wrote: comments, key
 * order, flow or block style, quoting, indentation and the untouched documents as they are.
 *
 * The `yaml` package's Document API makes the edits (setIn on the parsed document, comments
 * on its nodes). Its printer normalizes some formatting (indentation, spaces in flow
 * collections), so the new text is not the printed document: the printed document before and
 * after the edits are diffed, and that diff, which holds only the edits, is applied to the
 * original text. The result is parsed again and must equal the edited document, value for
 * value; a file where that cannot be done is refused, never reformatted.
 */
import { isDeepStrictEqual } from 'node:util';
import { applyPatch, structuredPatch } from 'diff';
import { Document, parse, isAlias, isCollection, isMap, isScalar, isSeq, parseAllDocuments, Scalar, YAMLMap, type Node, type ToStringOptions } from 'yaml';
import type { FixEdit } from '../../core/model/check.js';
import { withEdits } from '../../core/engine/fixes.js';
import type { KubeObject } from '../../core/model/resource.js';
import type { Path } from '../../core/model/location.js';
import { formatPath } from '../../core/model/location.js';

/** The edits for one object of a file: its document (Palisade's 0-based count), and its List index. */
export interface ObjectEdits {
  document: number;
  listIndex?: number;
  /** the object's kind and name, checked against the document before it is edited */
  kind: string;
  name: string;
  edits: readonly FixEdit[];
}

/** An edit that was not made, and why. */
export interface EditRefusal {
  document: number;
  listIndex?: number;
  edit?: FixEdit;
  reason: string;
}

export interface EditedText {
  /** the new text (the input unchanged when nothing was edited) */
  text: string;
  /** edits made, as given */
  applied: Array<{ document: number; listIndex?: number; edit: FixEdit }>;
  refused: EditRefusal[];
}

type YamlDocument = Document.Parsed;

/** Palisade counts only documents with content (a document of comments alone is not one). */
function contentDocuments(documents: YamlDocument[]): YamlDocument[] {
  return documents.filter((document) => document.contents !== null);
}

/** The node at `path`, or why it cannot be edited there; `undefined` node: the path ends before. */
function walk(document: YamlDocument, path: Path): { node?: unknown; parent?: unknown; depth: number; problem?: string } {
  let node: unknown = document.contents;
  let parent: unknown;
  for (let depth = 0; depth < path.length; depth++) {
    if (isAlias(node)) return { depth, problem: `${formatPath(path.slice(0, depth)) || 'the document'} is an alias (*${node.source}): editing it would edit what it points to as well` };
    if ((isCollection(node) || isScalar(node)) && node.anchor) return { depth, problem: `${formatPath(path.slice(0, depth)) || 'the document'} has an anchor (&${node.anchor}): its aliases would change too` };
    const segment = path[depth]!;
    if (isMap(node)) {
      if (typeof segment !== 'string') return { depth, problem: `${formatPath(path.slice(0, depth))} is a mapping, not a list` };
      parent = node;
      node = node.get(segment, true);
      if (node === undefined) return { parent, depth };
    } else if (isSeq(node)) {
      if (typeof segment !== 'number' || segment >= node.items.length) return { depth, problem: `${formatPath(path.slice(0, depth + 1))} is not in the list` };
      parent = node;
      node = node.get(segment, true);
    } else if (isScalar(node) && node.value === null) {
      return { parent, node, depth };
    } else {
      return { depth, problem: `${formatPath(path.slice(0, depth))} is not a mapping` };
    }
  }
  if (isAlias(node)) return { depth: path.length, problem: `${formatPath(path)} is an alias (*${node.source}): editing it would edit what it points to as well` };
  if ((isCollection(node) || isScalar(node)) && node.anchor) return { depth: path.length, problem: `${formatPath(path)} has an anchor (&${node.anchor}): its aliases would change too` };
  return { node, parent, depth: path.length };
}

/**
 * The comment lines that follow a mapping in the source: a comment written after a mapping's
 * last entry is read back as the next node's comment (`containers:` after `initContainers`),
 * not the mapping's, so the text is what says whether a TODO is already there.
 */
function commentsAfter(map: YAMLMap, source: string): string {
  const last = map.items[map.items.length - 1];
  const node = (last?.value ?? last?.key) as Node | null | undefined;
  const end = node?.range?.[1] ?? map.range?.[1];
  if (end === undefined) return '';
  const lines: string[] = [];
  let at = source.indexOf('\n', Math.max(0, end - 1));
  while (at >= 0 && at < source.length) {
    const next = source.indexOf('\n', at + 1);
    const line = source.slice(at + 1, next < 0 ? source.length : next).trim();
    if (line !== '' && !line.startsWith('#')) break;
    if (line.startsWith('#')) lines.push(line.slice(1));
    at = next;
  }
  return lines.join('\n');
}

function hasComment(existing: string | null | undefined, comment: string): boolean {
  return existing !== null && existing !== undefined && existing.split('\n').some((line) => line.trim() === comment.trim());
}

/** Makes one edit on a document; a reason when it cannot be made, 'unchanged' when it is already there. */
function applyEdit(document: YamlDocument, prefix: Path, edit: FixEdit, source: string): string | 'unchanged' | undefined {
  const path = [...prefix, ...edit.path];
  const found = walk(document, path);
  if (found.problem) return found.problem;
  if (edit.kind === 'todo') {
    if (!isMap(found.node)) return `${formatPath(path)} is not a mapping`;
    const map = found.node as YAMLMap;
    if (map.flow) return `${formatPath(path)} is written in flow style ({...}), where a comment cannot go: add it by hand`;
    if (hasComment(map.comment, edit.comment) || hasComment(commentsAfter(map, source), edit.comment)) return 'unchanged';
    map.comment = map.comment ? `${map.comment}\n ${edit.comment}` : ` ${edit.comment}`;
    return undefined;
  }
  if (found.node !== undefined && isScalar(found.node) && found.node.value === edit.value) return 'unchanged';
  if (found.node !== undefined && isSeq(found.node) && Array.isArray(edit.value) && isDeepStrictEqual(found.node.toJSON(), edit.value)) return 'unchanged';
  // Every mapping the value goes into is checked: none is an alias or anchored (walk did that
  // up to the deepest existing one); the rest are created.
  const value = document.createNode(edit.value) as Node;
  if (Array.isArray(edit.value)) {
    // A new list is written [ALL], on the line of its key, in block and flow mappings alike.
    (value as { flow?: boolean }).flow = true;
  }
  const parentFlow = isCollection(found.parent) && found.parent.flow === true;
  if (edit.comment && !parentFlow) (value as Scalar).comment = ` ${edit.comment}`;
  if (isScalar(found.node) && !Array.isArray(edit.value) && found.depth === path.length) {
    // A value replaced in place keeps its comments; its quoting too, unless the type changes ("true" to true).
    const scalar = found.node;
    if (typeof scalar.value !== typeof edit.value) delete scalar.type;
    scalar.value = edit.value;
    if (edit.comment && !parentFlow && !hasComment(scalar.comment, edit.comment)) scalar.comment = ` ${edit.comment}`;
    return undefined;
  }
  if ((isScalar(found.node) || isCollection(found.node)) && found.depth === path.length) {
    value.comment = found.node.comment ?? value.comment ?? null;
    value.commentBefore = found.node.commentBefore ?? null;
  }
  if (found.node !== undefined && isScalar(found.node) && found.node.value === null && found.depth < path.length) {
    // `securityContext:` with nothing under it: the mapping replaces the empty value.
    const rest = path.slice(found.depth);
    const tree: Record<string, unknown> = {};
    let cursor = tree;
    for (const segment of rest.slice(0, -1)) cursor = (cursor[String(segment)] = {}) as Record<string, unknown>;
    cursor[String(rest[rest.length - 1])] = edit.value;
    const node = document.createNode(tree) as YAMLMap;
    // `securityContext:   # note`: the note stays on the key's line.
    const note = (found.node as Scalar).comment;
    if (note) node.commentBefore = note;
    if (edit.comment) {
      let leaf: unknown = node;
      for (const segment of rest) leaf = (leaf as YAMLMap).get(String(segment), true);
      if (isScalar(leaf)) leaf.comment = ` ${edit.comment}`;
    }
    document.setIn(path.slice(0, found.depth), node);
    return undefined;
  }
  document.setIn(path, value);
  return undefined;
}

/**
 * Printer options that reproduce each document best: the indentation and spacing it uses (the
 * documents of one file may differ). A document is scored against its own part of the text.
 */
function printerOptions(original: string, documents: YamlDocument[]): ToStringOptions[] {
  return documents.map((document, index) => {
    const start = index === 0 ? 0 : (document.range?.[0] ?? 0);
    const next = documents[index + 1];
    const own = original.slice(start, next ? next.range[0] : original.length);
    let best: { options: ToStringOptions; distance: number } | undefined;
    for (const indent of [2, 4, 3, 1, 5, 6, 8]) {
      for (const indentSeq of [true, false]) {
        for (const flowCollectionPadding of [false, true]) {
          const options: ToStringOptions = { indent, indentSeq, flowCollectionPadding, lineWidth: 0, minContentWidth: 0 };
          const printed = document.toString(options);
          if (printed === own) return options;
          const distance = structuredPatch('', '', own, printed, '', '', { context: 0 }).hunks.reduce((sum, hunk) => sum + hunk.oldLines + hunk.newLines, 0);
          if (!best || distance < best.distance) best = { options, distance };
        }
      }
    }
    return best!.options;
  });
}

function print(documents: YamlDocument[], options: readonly ToStringOptions[]): string {
  return documents.map((document, index) => document.toString(options[index])).join('');
}

function values(text: string): unknown[] | undefined {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents) || documents.some((document) => document.errors.length > 0)) return undefined;
  return documents.map((document) => document.toJS({ maxAliasCount: -1 }));
}

/**
 * Applies each object's edits to a YAML file's text. Edits that cannot be made are refused with
 * the reason (an alias, an anchor, a path through a list that is not there, a flow mapping for
 * a comment); when the file's formatting cannot be kept, every edit is refused.
 */
export function editYaml(text: string, objects: readonly ObjectEdits[]): EditedText {
  const parsed = parseAllDocuments(text, { keepSourceTokens: false });
  const refused: EditRefusal[] = [];
  const applied: EditedText['applied'] = [];
  if (!Array.isArray(parsed) || parsed.some((document) => document.errors.length > 0)) {
    const first = Array.isArray(parsed) ? parsed.flatMap((document) => document.errors)[0] : undefined;
    return { text, applied, refused: objects.map((object) => ({ document: object.document, reason: `the YAML printer cannot read this file${first ? `: ${first.message.split('\n')[0]}` : ''}` })) };
  }
  const documents = parsed;
  const options = printerOptions(text, documents);
  const before = print(documents, options);
  const content = contentDocuments(documents);
  for (const object of objects) {
    const where = { document: object.document, ...(object.listIndex !== undefined ? { listIndex: object.listIndex } : {}) };
    const document = content[object.document];
    const prefix: Path = object.listIndex === undefined ? [] : ['items', object.listIndex];
    const target = document?.getIn(prefix, false) as unknown;
    const kind = isMap(target) ? target.get('kind') : undefined;
    const name = isMap(target) ? (target.getIn(['metadata', 'name']) as unknown) : undefined;
    if (!document || (kind !== undefined && kind !== object.kind) || (name !== undefined && name !== object.name)) {
      for (const edit of object.edits) refused.push({ ...where, edit, reason: `document ${object.document + 1} is not ${object.kind} ${object.name} as it was when scanned` });
      continue;
    }
    for (const edit of object.edits) {
      const problem = applyEdit(document, prefix, edit, text);
      if (problem === 'unchanged') continue;
      if (problem !== undefined) refused.push({ ...where, edit, reason: problem });
      else applied.push({ ...where, edit });
    }
  }
  if (applied.length === 0) return { text, applied, refused };
  const after = print(documents, options);
  const expected = documents.map((document) => document.toJS({ maxAliasCount: -1 }));
  const edited = keepFormatting(text, before, after, expected);
  if (edited === undefined) {
    const reason = 'the file cannot be edited without reformatting it (the YAML printer writes it differently): fix it by hand';
    return { text, applied: [], refused: [...refused, ...applied.map((made) => ({ ...made, reason }))] };
  }
  return { text: edited, applied, refused };
}

/**
 * The same for a JSON file: the edits made on the parsed value and the file printed again with
 * the indentation it uses (JSON.stringify's), the change applied to the original text. A JSON
 * file has no comments: a TODO is refused.
 */
export function editJson(text: string, objects: readonly ObjectEdits[]): EditedText {
  const refused: EditRefusal[] = [];
  const applied: EditedText['applied'] = [];
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    return { text, applied, refused: objects.map((object) => ({ document: object.document, reason: `not JSON: ${(error as Error).message}` })) };
  }
  const indents = ['', '  ', '    ', '\t'];
  const printed = (value: unknown, indent: string): string => `${JSON.stringify(value, null, indent)}${text.endsWith('\n') ? '\n' : ''}`;
  const indent = indents.find((candidate) => printed(root, candidate) === text) ?? '  ';
  const before = printed(root, indent);
  for (const object of objects) {
    const where = { document: object.document, ...(object.listIndex !== undefined ? { listIndex: object.listIndex } : {}) };
    const items = (root as { items?: unknown[] }).items;
    const target = object.listIndex === undefined ? root : items?.[object.listIndex];
    if (target === null || typeof target !== 'object' || object.document !== 0) {
      for (const edit of object.edits) refused.push({ ...where, edit, reason: `${object.kind} ${object.name} is not where it was when scanned` });
      continue;
    }
    let current = target as KubeObject;
    for (const edit of object.edits) {
      if (edit.kind === 'todo') {
        refused.push({ ...where, edit, reason: 'JSON has no comments: add it by hand' });
        continue;
      }
      const next = withEdits(current, [edit]);
      if (isDeepStrictEqual(next, current)) continue;
      current = next;
      applied.push({ ...where, edit });
    }
    if (object.listIndex === undefined) root = current;
    else items![object.listIndex] = current;
  }
  if (applied.length === 0) return { text, applied, refused };
  const edited = keepFormatting(text, before, printed(root, indent), [root]);
  if (edited === undefined) {
    const reason = 'the file cannot be edited without reformatting it: fix it by hand';
    return { text, applied: [], refused: [...refused, ...applied.map((made) => ({ ...made, reason }))] };
  }
  return { text: edited, applied, refused };
}

/** The printer's change (before to after) applied to the original text, if it gives the edited values. */
function keepFormatting(original: string, before: string, after: string, expected: unknown[]): string | undefined {
  if (original === before) {
    const spaced = restoreCommentSpacing(original, after);
    return spaced === after || isDeepStrictEqual(values(spaced), expected) ? spaced : after;
  }
  const squeeze = (line: string): string => line.replace(/\s+/g, '');
  const attempts: Array<{ context: number; compareLine?: (lineNumber: number, line: string, operation: string, patchContent: string) => boolean }> = [
    { context: 2 },
    { context: 0 },
    // Lines the printer spaced differently ({a: b} as { a: b }) still match; the check below catches a wrong match.
    { context: 0, compareLine: (_lineNumber, line, _operation, patchContent) => squeeze(line) === squeeze(patchContent) },
  ];
  for (const attempt of attempts) {
    const patch = structuredPatch('a', 'b', before, after, '', '', { context: attempt.context });
    const result = applyPatch(original, patch, attempt.compareLine ? { compareLine: attempt.compareLine } : {});
    if (result === false || !isDeepStrictEqual(values(result), expected)) continue;
    const spaced = restoreCommentSpacing(original, result);
    return spaced !== result && isDeepStrictEqual(values(spaced), expected) ? spaced : result;
  }
  return undefined;
}

/**
 * The printer writes one space before a comment; a line the edit changed (`imagePullPolicy:
 * IfNotPresent  # cached` to `Always`) gets back the spacing the original line had before the
 * same comment.
 */
function restoreCommentSpacing(original: string, edited: string): string {
  const patch = structuredPatch('a', 'b', original, edited, '', '', { context: 0 });
  if (patch.hunks.length === 0) return edited;
  const lines = edited.split('\n');
  const comment = /^(.*\S)(\s+)(#.*)$/;
  for (const hunk of patch.hunks) {
    const removed = hunk.lines.filter((line) => line.startsWith('-')).map((line) => line.slice(1));
    const added = hunk.lines.filter((line) => line.startsWith('+')).map((line) => line.slice(1));
    if (removed.length !== added.length) continue;
    added.forEach((line, index) => {
      const was = comment.exec(removed[index]!);
      const now = comment.exec(line);
      if (!was || !now || was[3] !== now[3] || was[2] === now[2]) return;
      lines[hunk.newStart - 1 + index] = `${now[1]}${was[2]}${now[3]}`;
    });
  }
  return lines.join('\n');
}

/** A unified diff of one file, `a/` and `b/` prefixed as git writes them (`/dev/null` for a new file); empty when equal. */
export function unifiedDiff(file: string, before: string, after: string, options: { created?: boolean; masked?: ReadonlySet<number> } = {}): string {
  if (before === after) return '';
  const patch = structuredPatch(`a/${file}`, `b/${file}`, before, after, '', '', { context: 3 });
  const lines = [`--- ${options.created ? '/dev/null' : `a/${file}`}`, `+++ b/${file}`];
  for (const hunk of patch.hunks) {
    const range = (start: number, count: number) => `${count === 0 ? start - 1 : start}${count === 1 ? '' : `,${count}`}`;
    lines.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`);
    // A line of the old text that holds a credential is shown with its value masked (the diff
    // then no longer applies there: --write does, and prints nothing).
    let oldLine = hunk.oldStart;
    for (const line of hunk.lines) {
      const old = line.startsWith(' ') || line.startsWith('-');
      lines.push(old && options.masked?.has(oldLine) ? maskValue(line) : line);
      if (old) oldLine++;
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `-   password: hunter2` as `-   password: <credential, not shown>`: the key stays, the value goes. */
function maskValue(line: string): string {
  const match = /^([ +-]\s*(?:-\s+)?[^\s:#][^:#]*:\s+)\S/.exec(line);
  return match ? `${match[1]}<credential, not shown>` : `${line[0]}<line with a credential, not shown>`;
}

/**
 * A Kustomize patch file: one strategic merge patch document per object, each preceded by the
 * TODO comments of the fixes a patch cannot carry (a value only a person can choose).
 */
export function patchFile(documents: ReadonlyArray<{ patch: object; todos: readonly string[] }>): string {
  const header = '# Proposed by palisade fix: list this file under `patches:` in the kustomization.yaml beside it\n# (patches:\n#   - path: palisade-fix.yaml), then review the result with kustomize build.\n';
  return (
    header +
    documents
      .map(({ patch, todos }) => {
        const document = new Document(patch);
        if (todos.length > 0) document.commentBefore = todos.map((todo) => ` ${todo}`).join('\n');
        return `---\n${document.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
      })
      .join('')
  );
}

/** namePrefix, nameSuffix and namespace of a kustomization file's text (what is not a string is left out). */
export function readKustomization(text: string): { namePrefix?: string; nameSuffix?: string; namespace?: string } {
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    return {};
  }
  const out: { namePrefix?: string; nameSuffix?: string; namespace?: string } = {};
  if (value === null || typeof value !== 'object') return out;
  for (const field of ['namePrefix', 'nameSuffix', 'namespace'] as const) {
    const found = (value as Record<string, unknown>)[field];
    if (typeof found === 'string' && found !== '') out[field] = found;
  }
  return out;
}
