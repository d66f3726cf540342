import type { AnyCheck, Category } from '../model/check.js';
import type { Finding, InputError, SkippedDocument, Suppression } from '../model/finding.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import { controlsIn, type StandardId, type StandardsMapping } from '../model/standards.js';
import type { PlannedCheck } from './config.js';

export const SCAN_SCHEMA_VERSION = 'palisade.dev/scan/v1';

export interface ControlResult {
  control: string;
  checks: string[];
  status: 'pass' | 'fail';
  findings: number;
}

/** A check that ran, with the severity it ran at (configuration may override the default). */
export interface CheckInfo {
  id: string;
  title: string;
  severity: Severity;
  category: Category;
  description: string;
  remediation: string;
  references: readonly string[];
  standards: StandardsMapping;
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
  /** every check that ran, sorted by id (SARIF rules, JUnit suites) */
  checks: CheckInfo[];
  findings: Finding[];
  suppressed: Suppression[];
  errors: InputError[];
  skipped: SkippedDocument[];
  controls?: ControlResult[];
}

/** Accepts planned checks (with their configured severity) or bare definitions. */
export function checkInfo(item: AnyCheck | Pick<PlannedCheck, 'check' | 'severity'>): CheckInfo {
  const check = 'check' in item ? item.check : item;
  return {
    id: check.id,
    title: check.title,
    severity: item.severity,
    category: check.category,
    description: check.description,
    remediation: check.remediation,
    references: check.references,
    standards: check.standards,
  };
}

export function buildReport(input: {
  version: string;
  objects: number;
  checks: readonly (AnyCheck | Pick<PlannedCheck, 'check' | 'severity'>)[];
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
    checks: input.checks.map(checkInfo).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    findings: input.findings,
    suppressed: input.suppressed,
    errors: input.errors,
    skipped: input.skipped,
  };
  if (input.standard) {
    report.standard = input.standard;
    report.controls = controlResults(input.standard, report.checks, input.findings);
  }
  return report;
}

function controlResults(standard: StandardId, checks: readonly CheckInfo[], findings: readonly Finding[]): ControlResult[] {
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
