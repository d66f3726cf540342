import type { InstalledPackage, OperatingSystem } from '../model.js';

/**
 * An analyzer reads one file format (after Trivy's fanal): an id, a version that is part
 * of cache keys, a declarative match the layer walker applies without reading content,
 * and a pure parse of one file's content. Capabilities that need native code (zlib,
 * zip, SQLite) are passed in as helpers so the core stays free of I/O.
 */

export interface FileMatch {
  /** exact paths, relative to the image root (no leading slash) */
  paths?: readonly string[];
  basenames?: readonly string[];
  /** path endings, e.g. `.jar`, `.dist-info/METADATA` */
  suffixes?: readonly string[];
  /** tested on the whole path, after the cheaper selectors failed */
  pattern?: RegExp;
  /** every regular file with an execute bit */
  executable?: boolean;
  /** the first bytes must be these (checked by the walker on the first chunk) */
  magic?: readonly number[];
  /** larger files are skipped and reported */
  maxSize: number;
}

export interface ZipEntry {
  name: string;
  size: number;
  read(): Promise<Uint8Array>;
}

export interface AnalyzerHelpers {
  /** zlib (RFC 1950) inflate, bounded */
  inflate(data: Uint8Array): Uint8Array;
  /** the entries of a zip archive (jar), content read on demand */
  unzip(data: Uint8Array): Promise<ZipEntry[]>;
  /** rows of a query on an SQLite database given as bytes */
  sqlite(data: Uint8Array, sql: string): Record<string, unknown>[];
}

export interface AnalyzedFile {
  path: string;
  content: Uint8Array;
}

/** A package as an analyzer sees it: OS packages get their ecosystem (`Debian:12`) and purl when the layers are merged. */
export type DetectedPackage = Omit<InstalledPackage, 'layer' | 'ecosystem'> & { ecosystem?: string };

export interface AnalyzerOutput {
  os?: OperatingSystem;
  packages?: DetectedPackage[];
  /** files an OS package installed (dpkg .list, apk R:, rpm BASENAMES), to mark language packages it owns */
  ownedFiles?: { package: string; files: string[] }[];
  /** parse problems that do not void the rest of the file */
  problems?: string[];
}

export type AnalyzerKind = 'os-release' | 'os-packages' | 'os-files' | 'language';

export interface Analyzer {
  id: string;
  version: number;
  kind: AnalyzerKind;
  match: FileMatch;
  parse(file: AnalyzedFile, helpers: AnalyzerHelpers): AnalyzerOutput | Promise<AnalyzerOutput>;
}

export class AnalyzerError extends Error {
  override name = 'AnalyzerError';
}

const decoder = new TextDecoder('utf-8');

export function text(content: Uint8Array): string {
  return decoder.decode(content);
}

/** RFC 822 style paragraphs (dpkg status, METADATA headers): continuation lines start with a space or tab. */
export function parseParagraphs(source: string): Map<string, string>[] {
  const paragraphs: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let last: string | undefined;
  for (const line of source.split('\n')) {
    if (line.trim() === '') {
      if (current.size > 0) paragraphs.push(current);
      current = new Map();
      last = undefined;
      continue;
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      current.set(last, `${current.get(last)}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    current.set(last, line.slice(colon + 1).trim());
  }
  if (current.size > 0) paragraphs.push(current);
  return paragraphs;
}

/** Percent-encodes a purl component (purl-spec: everything but unreserved characters). */
export function purlEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
