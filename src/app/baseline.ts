import type { ReportFinding, ScanReport } from '../core/engine/report.js';
import { refToString } from '../core/model/resource.js';
import { atLeast, type Severity, SEVERITIES } from '../core/model/severity.js';
import { verdict, type Verdict } from './verdict.js';

export const BASELINE_API_VERSION = 'palisade.dev/baseline/v1';

/**
 * The findings a team accepted on the day it adopted Palisade, by identity: the finding key
 * (check, object by group, kind, namespace and name, path, container, file), never the line
 * or the message, so reformatting a file or moving an object keeps them known.
 */
export interface Baseline {
  apiVersion: typeof BASELINE_API_VERSION;
  findings: BaselineEntry[];
}

export interface BaselineEntry {
  /** the identity: sha256 of the finding key (SARIF's `palisadeFinding/v2` fingerprint) */
  id: string;
  /** for the reader of the file only: what the finding was */
  checkId: string;
  severity: Severity;
  object: string;
  path: string;
  file: string;
}

/** What `--baseline` did: findings known from the baseline, not shown; baseline entries no longer found. */
export interface BaselineOutcome {
  file: string;
  /** baseline findings still present (left out of `findings`) */
  present: number;
  /** baseline findings no longer found: fixed, or their object is gone */
  fixed: number;
}

export type FindingIdentity = (finding: ReportFinding) => string;

export function baselineOf(report: Pick<ScanReport, 'findings'>, identity: FindingIdentity): Baseline {
  const entries = new Map<string, BaselineEntry>();
  for (const finding of report.findings) {
    const id = identity(finding);
    entries.set(id, { id, checkId: finding.checkId, severity: finding.severity, object: refToString(finding.object), path: finding.location.path, file: finding.location.file });
  }
  // Sorted, so the file diffs well in review when it is written again.
  return { apiVersion: BASELINE_API_VERSION, findings: [...entries.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
}

/**
 * The report with the baseline's findings taken out, and the verdict on what is left: in CI,
 * `--fail-on` judges only what is new.
 */
export function applyBaseline(report: ScanReport, baseline: Baseline, file: string, identity: FindingIdentity, failOn: Severity): { report: ScanReport; verdict: Verdict; outcome: BaselineOutcome } {
  const known = new Set(baseline.findings.map((entry) => entry.id));
  const seen = new Set<string>();
  const findings = report.findings.filter((finding) => {
    const id = identity(finding);
    if (!known.has(id)) return true;
    seen.add(id);
    return false;
  });
  const outcome: BaselineOutcome = { file, present: report.findings.length - findings.length, fixed: known.size - seen.size };
  const filtered: ScanReport = { ...report, summary: { ...report.summary, findings: findings.length, bySeverity: countBySeverity(findings) }, findings, baseline: outcome };
  return { report: filtered, verdict: verdict(filtered, failOn), outcome };
}

/** Only findings at or above `minimum` are shown; the report says how many it left out. The verdict is not changed. */
export function showFrom(report: ScanReport, minimum: Severity): ScanReport {
  const findings = report.findings.filter((finding) => atLeast(finding.severity, minimum));
  return {
    ...report,
    summary: { ...report.summary, findings: findings.length, bySeverity: countBySeverity(findings) },
    findings,
    severityFilter: { minimum, hidden: report.findings.length - findings.length },
  };
}

function countBySeverity(findings: readonly ReportFinding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

export class BaselineError extends Error {}

/** Reads a baseline file's text: JSON, this version, each entry with an id. */
export function parseBaseline(text: string, file: string): Baseline {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // JSON.parse names a character offset; a reader wants the line and column.
    const offset = /position (\d+)/.exec((error as Error).message);
    const at = offset ? lineAndColumn(text, Number(offset[1])) : undefined;
    throw new BaselineError(`${file}${at ? `:${at.line}:${at.column}` : ''}: not JSON (${(error as Error).message.replace(/ in JSON at position \d+.*$/s, '').replace(/\s+/g, ' ')})`);
  }
  const object = value as { apiVersion?: unknown; findings?: unknown };
  if (object?.apiVersion !== BASELINE_API_VERSION) throw new BaselineError(`${file}: apiVersion must be ${BASELINE_API_VERSION} (written by --write-baseline), not ${JSON.stringify(object?.apiVersion)}`);
  if (!Array.isArray(object.findings)) throw new BaselineError(`${file}: findings must be a list`);
  object.findings.forEach((entry: unknown, index: number) => {
    if (typeof (entry as { id?: unknown })?.id !== 'string' || !/^[0-9a-f]{64}$/.test((entry as { id: string }).id)) throw new BaselineError(`${file}: findings[${index}].id must be a sha256 (64 hex digits)`);
  });
  return object as Baseline;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
