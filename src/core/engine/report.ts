import type { AnyCheck } from '../model/check.js';
import type { Finding, InputError, SkippedDocument, Suppression } from '../model/finding.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import { controlsIn, type StandardId } from '../model/standards.js';

export const SCAN_SCHEMA_VERSION = 'palisade.dev/scan/v1';

export interface ControlResult {
  control: string;
  checks: string[];
  status: 'pass' | 'fail';
  findings: number;
}

/** The scan result every output format renders; JSON output is this object (docs/json-schema.md). */
export interface ScanReport {
  schemaVersion: typeof SCAN_SCHEMA_VERSION;
  tool: { name: 'palisade'; version: string };
  standard?: StandardId;
  summary: {
    objects: number;
    checks: number;
    findings: number;
    bySeverity: Record<Severity, number>;
    suppressed: number;
    errors: number;
    skipped: number;
  };
  findings: Finding[];
  suppressed: Suppression[];
  errors: InputError[];
  skipped: SkippedDocument[];
  controls?: ControlResult[];
}

export function buildReport(input: {
  version: string;
  objects: number;
  checks: readonly AnyCheck[];
  findings: Finding[];
  suppressed: Suppression[];
  errors: InputError[];
  skipped: SkippedDocument[];
  standard?: StandardId;
}): ScanReport {
  const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const finding of input.findings) bySeverity[finding.severity]++;
  const report: ScanReport = {
    schemaVersion: SCAN_SCHEMA_VERSION,
    tool: { name: 'palisade', version: input.version },
    summary: {
      objects: input.objects,
      checks: input.checks.length,
      findings: input.findings.length,
      bySeverity,
      suppressed: input.suppressed.length,
      errors: input.errors.length,
      skipped: input.skipped.length,
    },
    findings: input.findings,
    suppressed: input.suppressed,
    errors: input.errors,
    skipped: input.skipped,
  };
  if (input.standard) {
    report.standard = input.standard;
    report.controls = controlResults(input.standard, input.checks, input.findings);
  }
  return report;
}

function controlResults(standard: StandardId, checks: readonly AnyCheck[], findings: readonly Finding[]): ControlResult[] {
  const controls = new Map<string, ControlResult>();
  for (const check of checks) {
    for (const control of controlsIn(check.standards, standard)) {
      let entry = controls.get(control);
      if (!entry) controls.set(control, (entry = { control, checks: [], status: 'pass', findings: 0 }));
      entry.checks.push(check.id);
    }
  }
  for (const finding of findings) {
    for (const control of controlsIn(finding.standards, standard)) {
      const entry = controls.get(control);
      if (entry) {
        entry.findings++;
        entry.status = 'fail';
      }
    }
  }
  return [...controls.values()].sort((a, b) => a.control.localeCompare(b.control, 'en', { numeric: true }));
}
