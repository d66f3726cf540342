import { readFileSync, statSync } from 'node:fs';
import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { sourceLabel, STDIN } from '../../core/model/source.js';
import { readBounded } from '../streams.js';
import { loadText, type LoadResult, type TextLoadOptions } from './documents.js';
import { isHelmChart, isKustomization, renderHelm, renderKustomize, type HelmOptions } from './render.js';

export interface SourceOptions extends TextLoadOptions {
  /** largest file read, in bytes */
  maxFileBytes?: number;
  helm?: HelmOptions;
  /** read stdin for '-': at most `maxBytes` + 1 bytes, so an over-long input is refused without being buffered */
  stdin?: (maxBytes?: number) => Promise<Buffer>;
}

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.terraform']);

/** Rejects what is not text: NUL bytes or invalid UTF-8 in the first 64 KiB. */
export function binaryReason(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 65536);
  if (head.includes(0)) return 'binary file (contains NUL bytes)';
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(head);
  // U+FFFD from a truncated final character is not evidence of binary data.
  const replacement = decoded.indexOf('\uFFFD');
  if (replacement >= 0 && replacement < decoded.length - 2) return 'not UTF-8 text';
  return undefined;
}

export function decodeText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Text of a file or stdin. A byte order mark selects UTF-16 or UTF-32 (little or big
 * endian), as kubectl's reader does for UTF-16 (it reads UTF-32 not at all); without one
 * the input must be UTF-8, and NUL bytes or invalid UTF-8 mean binary.
 */
export function decodeInput(bytes: Buffer): { text: string } | { error: string } {
  const b = bytes;
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return decodeUtf32(b.subarray(4), true);
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return decodeUtf32(b.subarray(4), false);
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) return decodeUtf16(b.subarray(2), b[0] === 0xff);
  const binary = binaryReason(bytes);
  return binary ? { error: binary } : { text: decodeText(bytes) };
}

function withoutNul(text: string): { text: string } | { error: string } {
  return text.includes('\u0000') ? { error: 'binary file (contains NUL characters)' } : { text };
}

function decodeUtf16(body: Buffer, littleEndian: boolean): { text: string } | { error: string } {
  const name = littleEndian ? 'UTF-16LE' : 'UTF-16BE';
  if (body.length % 2 !== 0) return { error: `not ${name} text (odd number of bytes)` };
  const bytes = littleEndian ? body : Buffer.from(body).swap16();
  try {
    return withoutNul(new TextDecoder('utf-16le', { fatal: true }).decode(bytes));
  } catch {
    return { error: `not ${name} text (an unpaired surrogate)` };
  }
}

function decodeUtf32(body: Buffer, littleEndian: boolean): { text: string } | { error: string } {
  const name = littleEndian ? 'UTF-32LE' : 'UTF-32BE';
  if (body.length % 4 !== 0) return { error: `not ${name} text (byte count not a multiple of 4)` };
  const parts: string[] = [];
  const CHUNK = 8192;
  for (let offset = 0; offset < body.length; offset += 4 * CHUNK) {
    const points: number[] = [];
    for (let at = offset; at < Math.min(body.length, offset + 4 * CHUNK); at += 4) {
      const point = littleEndian ? body.readUInt32LE(at) : body.readUInt32BE(at);
      if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return { error: `not ${name} text (U+${point.toString(16).toUpperCase()} at byte ${at + 4})` };
      points.push(point);
    }
    parts.push(String.fromCodePoint(...points));
  }
  return withoutNul(parts.join(''));
}

/** What one directory walk has seen, by real path: directories being read (loops) or read, files read. */
interface Walk {
  reading: Set<string>;
  readDirectories: Map<string, string>;
  readFiles: Map<string, string>;
}

async function listManifestFiles(directory: string, out: string[], options: SourceOptions, result: LoadResult, walk: Walk): Promise<void> {
  let real: string;
  let entries;
  try {
    real = await realpath(directory);
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    result.errors.push({ code: 'read-error', message: (error as Error).message, file: directory });
    return;
  }
  walk.reading.add(real);
  walk.readDirectories.set(real, directory);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    let target = path.join(real, entry.name);
    if (entry.isSymbolicLink()) {
      // Links are followed, to files and to directories, as the files they name.
      try {
        const info = await stat(full);
        isDirectory = info.isDirectory();
        isFile = info.isFile();
        target = await realpath(full);
      } catch {
        const to = await readlink(full).catch(() => '?');
        if (MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) result.errors.push({ code: 'read-error', message: `broken symbolic link: ${to} does not exist`, file: full });
        else result.skipped.push({ file: full, document: 0, reason: `broken symbolic link to ${to}: not read` });
        continue;
      }
    }
    if (isDirectory) {
      if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
      if (walk.reading.has(target)) {
        result.skipped.push({ file: full, document: 0, reason: `symbolic link loop: ${target} is already being read` });
        continue;
      }
      const earlier = walk.readDirectories.get(target);
      if (earlier !== undefined) {
        result.skipped.push({ file: full, document: 0, reason: `the same directory as ${earlier}, already read` });
        continue;
      }
      // A chart's templates are not YAML until rendered; a kustomization's files are its inputs.
      // Either is rendered as a whole, and nothing below it is walked.
      if (await isHelmChart(full)) await renderInto(full, 'helm', options, result);
      else if (await isKustomization(full)) await renderInto(full, 'kustomize', options, result);
      else await listManifestFiles(full, out, options, result, walk);
    } else if (isFile && MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
      const earlier = walk.readFiles.get(target);
      if (earlier !== undefined) {
        result.skipped.push({ file: full, document: 0, reason: `the same file as ${earlier}, already read` });
        continue;
      }
      walk.readFiles.set(target, full);
      out.push(full);
    }
  }
  walk.reading.delete(real);
}

async function renderInto(directory: string, tool: 'helm' | 'kustomize', options: SourceOptions, result: LoadResult): Promise<void> {
  const rendered = tool === 'helm' ? await renderHelm(directory, options.helm ?? {}) : await renderKustomize(directory);
  if ('error' in rendered) {
    result.errors.push(rendered.error);
    return;
  }
  for (const part of rendered.parts) loadText(part.text, part.source, options, result);
}

export async function loadFile(file: string, options: SourceOptions, result: LoadResult): Promise<void> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  try {
    // Synchronous reads: files are parsed one after another anyway, and this avoids a promise per file.
    const info = statSync(file);
    if (info.size > maxBytes) {
      result.errors.push({ code: 'file-too-large', message: `file is ${info.size} bytes, over the ${maxBytes}-byte limit (--max-file-size)`, file });
      return;
    }
    const decoded = decodeInput(readFileSync(file));
    if ('error' in decoded) {
      result.errors.push({ code: 'binary-file', message: decoded.error, file });
      return;
    }
    loadText(decoded.text, file, options, result);
  } catch (error) {
    result.errors.push({ code: 'read-error', message: (error as Error).message, file });
  }
}

async function loadStdin(options: SourceOptions, result: LoadResult): Promise<void> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const bytes = await (options.stdin ?? ((limit) => readBounded(process.stdin, limit)))(maxBytes);
  if (bytes.length > maxBytes) {
    result.errors.push({ code: 'file-too-large', message: `stdin is over the ${maxBytes}-byte limit (--max-file-size): reading stopped there`, file: sourceLabel(STDIN), source: STDIN });
    return;
  }
  const decoded = decodeInput(bytes);
  if ('error' in decoded) result.errors.push({ code: 'binary-file', message: decoded.error, file: sourceLabel(STDIN), source: STDIN });
  else loadText(decoded.text, STDIN, options, result);
}

/** Reads every input: files, directories (recursive), '-' for stdin, Kustomize directories and Helm charts. */
export async function loadSources(inputs: readonly string[], options: SourceOptions = {}): Promise<LoadResult> {
  const result: LoadResult = { resources: [], errors: [], skipped: [] };
  for (const input of inputs) {
    if (input === '-') {
      await loadStdin(options, result);
      continue;
    }
    let info;
    try {
      info = await stat(input);
    } catch {
      result.errors.push({ code: 'read-error', message: 'no such file or directory', file: input });
      continue;
    }
    if (info.isDirectory()) {
      if (await isHelmChart(input)) await renderInto(input, 'helm', options, result);
      else if (await isKustomization(input)) await renderInto(input, 'kustomize', options, result);
      else {
        const files: string[] = [];
        await listManifestFiles(input, files, options, result, { reading: new Set(), readDirectories: new Map(), readFiles: new Map() });
        for (const file of files) await loadFile(file, options, result);
      }
    } else {
      await loadFile(input, options, result);
    }
  }
  return result;
}
