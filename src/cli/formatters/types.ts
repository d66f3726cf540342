import type { ScanReport } from '../../core/engine/report.js';

export interface FormatOptions {
  color: boolean;
  /** directory that file paths in the report are relative to (SARIF uses it) */
  cwd: string;
  /** Markdown: the largest report in UTF-8 bytes (0: no cap; default DEFAULT_MAX_MARKDOWN_BYTES) */
  maxMarkdownBytes?: number;
  /** table: one line per check instead of every finding (`--summary`) */
  summaryOnly?: boolean;
}

/** A report as text: one string, or chunks for reports too large to hold as one string. */
export type Formatter = (report: ScanReport, options: FormatOptions) => string | Iterable<string>;

/** A formatter whose output is always one string. */
export type StringFormatter = (report: ScanReport, options: FormatOptions) => string;

export function formatToString(output: string | Iterable<string>): string {
  return typeof output === 'string' ? output : [...output].join('');
}
