import { readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { InputError } from '../../core/model/finding.js';
import { sourceLabel, STDIN } from '../../core/model/source.js';
import { loadText, type LoadResult, type TextLoadOptions } from './documents.js';
import { isHelmChart, isKustomization, renderHelm, renderKustomize, type HelmOptions } from './render.js';

export interface SourceOptions extends TextLoadOptions {
  /** largest file read, in bytes */
  maxFileBytes?: number;
  helm?: HelmOptions;
  /** read stdin for '-' */
  stdin?: () => Promise<Buffer>;
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

async function listManifestFiles(directory: string, out: string[], errors: InputError[], options: SourceOptions, result: LoadResult): Promise<void> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    errors.push({ code: 'read-error', message: (error as Error).message, file: directory });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
      // A chart's templates are not YAML until rendered.
      if (await isHelmChart(full)) await renderInto(full, 'helm', options, result);
      else await listManifestFiles(full, out, errors, options, result);
    } else if (entry.isFile() && MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
      out.push(full);
    }
  }
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
    const bytes = readFileSync(file);
    const binary = binaryReason(bytes);
    if (binary) {
      result.errors.push({ code: 'binary-file', message: binary, file });
      return;
    }
    loadText(decodeText(bytes), file, options, result);
  } catch (error) {
    result.errors.push({ code: 'read-error', message: (error as Error).message, file });
  }
}

async function loadStdin(options: SourceOptions, result: LoadResult): Promise<void> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const bytes = await (options.stdin ?? readStdin)();
  if (bytes.length > maxBytes) {
    result.errors.push({ code: 'file-too-large', message: `stdin is over the ${maxBytes}-byte limit`, file: sourceLabel(STDIN), source: STDIN });
    return;
  }
  const binary = binaryReason(bytes);
  if (binary) result.errors.push({ code: 'binary-file', message: binary, file: sourceLabel(STDIN), source: STDIN });
  else loadText(decodeText(bytes), STDIN, options, result);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
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
        await listManifestFiles(input, files, result.errors, options, result);
        for (const file of files) await loadFile(file, options, result);
      }
    } else {
      await loadFile(input, options, result);
    }
  }
  return result;
}
