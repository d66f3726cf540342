import type { ScanReport } from '../../core/engine/report.js';

export interface FormatOptions {
  color: boolean;
  /** directory that file paths in the report are relative to (SARIF uses it) */
  cwd: string;
}

export type Formatter = (report: ScanReport, options: FormatOptions) => string;
