import type { AnyCheck, Category } from '../model/check.js';
import type { Finding, FindingLocation, InputError, SkippedDocument, Suppression } from '../model/finding.js';
import { findingKey, type FindingKey } from '../model/finding-key.js';
import type { ObjectRef } from '../model/resource.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import { fileSource, sourceLabel, type Source } from '../model/source.js';
import { controlsIn, type StandardId, type StandardsMapping } from '../model/standards.js';
import type { PlannedCheck } from './config.js';
import { ANY_KIND } from '../inventory/analysis.js';
import type { NotEvaluated, UnevaluatedCheck } from './coverage.js';
import type { ExpiredException } from './exceptions.js';

export const SCAN_SCHEMA_VERSION = 'palisade.dev/scan/v1';

/**
 * One control of a standard. It fails when a check behind it has an unsuppressed finding; else it
 * passes only when every check behind it was evaluated (ran on at least one object it applies
 * to, with its input fully read and its required options set); else it is not evaluated, and
 * `reason` says why.
 */
export interface ControlResult {
  control: string;
  /** The standard's checks that implement it (whether or not they were evaluated), sorted by id. */
  checks: string[];
  status: 'pass' | 'fail' | 'not-evaluated';
  findings: number;
  /** Present exactly when status is not-evaluated: why: the checks not evaluated, grouped by explanation. */
  reason?: string;
  /** The checks behind it that were not evaluated (with any status), sorted by check id; absent when none. */
  unevaluated?: UnevaluatedCheck[];
}

/** How many controls of the standard passed, failed, or were not evaluated. */
export interface ControlSummary {
  passed: number;
  failed: number;
  notEvaluated: number;
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

/**
 * A finding as the JSON report (v1) writes it: the engine's finding with its check's prose
 * from the catalog and its source printed as `location.file`.
 *
 * In memory the report's findings, errors and skipped documents also carry their typed
 * `source` as a non-enumerable property: JSON.stringify (and so the JSON and YAML outputs)
 * never sees it, the other outputs read it with `reportedSource`.
 */
export interface ReportFinding {
  checkId: string;
  title: string;
  severity: Severity;
  category: Category;
  message: string;
  object: ObjectRef;
  container?: string;
  location: ReportLocation;
  description: string;
  remediation: string;
  references: readonly string[];
  standards: StandardsMapping;
}

export interface ReportLocation extends FindingLocation {
  /** the source as reports print it (`sourceLabel`) */
  file: string;
}

export interface ReportSuppression {
  finding: ReportFinding;
  source: 'annotation' | 'config';
  reason: string;
  expires?: string;
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
    /** checks not evaluated or evaluated in part (present only when some are) */
    notEvaluated?: number;
    /** the compliance summary: present exactly when `controls` is */
    controls?: ControlSummary;
  };
  /** every check that ran, sorted by id (SARIF rules, JUnit suites) */
  checks: CheckInfo[];
  findings: ReportFinding[];
  suppressed: ReportSuppression[];
  errors: InputError[];
  skipped: SkippedDocument[];
  controls?: ControlResult[];
  /**
   * Checks that did not run, or ran on part of their input, because kinds they need were not
   * read (a forbidden list, a file that did not parse). Present only when there are some.
   */
  notEvaluated?: NotEvaluated[];
  /** Exceptions (annotations and configuration) past their expiry date. Present only when there are some. */
  expiredExceptions?: ExpiredException[];
  /** With `--baseline`: the baseline's findings still present (left out of `findings`) and those fixed. */
  baseline?: { file: string; present: number; fixed: number };
  /** With `--severity`: only findings at or above `minimum` are in `findings`; `hidden` were left out. */
  severityFilter?: { minimum: Severity; hidden: number };
}

/** Accepts planned checks (with their configured severity), bare definitions, or catalog entries. */
export function checkInfo(item: CheckInfo | Pick<PlannedCheck, 'check' | 'severity'>): CheckInfo {
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

/**
 * The typed source of each in-memory report item, kept beside it rather than on it: not part
 * of the JSON document, and the items stay plain objects (a non-enumerable property would turn
 * each of hundreds of thousands of findings into a slower, larger dictionary-mode object).
 */
const SOURCES = new WeakMap<object, Source>();

/** Gives an in-memory report item its typed source without making it part of the JSON document. */
function withSource<T extends object>(item: T, source: Source | undefined): T {
  // A file's source is what reportedSource rebuilds from the printed path: nothing to keep.
  if (source !== undefined && source.kind !== 'file') SOURCES.set(item, source);
  return item;
}

/**
 * The typed source of a report item. An item that has none (a report built by hand, or read
 * back from JSON) names a file in `file`.
 */
export function reportedSource(item: object, file: string): Source {
  return SOURCES.get(item) ?? fileSource(file);
}

/** The canonical key of a report finding (see `findingKey`). */
export function reportFindingKey(finding: ReportFinding): FindingKey {
  return findingKey({ ...finding, source: reportedSource(finding, finding.location.file) });
}

/**
 * The engine's finding in the JSON v1 shape: the check's title, category, description,
 * remediation, references and standards from the catalog, the source as `location.file`.
 * Keys are in the order v1 reports have always written them.
 */
export function reportFinding(finding: Finding, check: CheckInfo): ReportFinding {
  const out: ReportFinding = {
    checkId: finding.checkId,
    title: check.title,
    severity: finding.severity,
    category: check.category,
    message: finding.message,
    object: finding.object,
    location: { file: sourceLabel(finding.source), ...finding.location },
    description: check.description,
    remediation: check.remediation,
    references: check.references,
    standards: check.standards,
  };
  if (finding.container !== undefined) out.container = finding.container;
  return withSource(out, finding.source);
}

/** An input error or skipped document as the report writes it, the typed source kept in memory only. */
function reportItem<T extends { source?: Source }>(item: T): Omit<T, 'source'> {
  if (item.source === undefined) return item;
  const { source, ...rest } = item;
  return withSource(rest, source);
}

export function buildReport(input: {
  version: string;
  objects: number;
  /** the checks that ran; with `catalog`, what findings are expanded from */
  checks: readonly (CheckInfo | Pick<PlannedCheck, 'check' | 'severity'>)[];
  /** entries findings may name beyond `checks` (image advisories); `checks` win */
  catalog?: readonly CheckInfo[];
  findings: Finding[];
  suppressed: Suppression[];
  errors: InputError[];
  skipped: SkippedDocument[];
  standard?: StandardId;
  /**
   * With `standard`: every check planned for it, those that did not run included (`checks` are
   * those that ran), so each of its controls is listed. Default: `checks`.
   */
  planned?: readonly (CheckInfo | Pick<PlannedCheck, 'check' | 'severity'>)[];
  /**
   * With `standard`: the planned checks that were not evaluated (`unevaluatedChecks`). A control
   * passes only when none of its checks is among them; a caller that does not know (a report
   * built by hand) leaves every check taken as evaluated.
   */
  unevaluated?: readonly UnevaluatedCheck[];
  notEvaluated?: readonly NotEvaluated[];
  expiredExceptions?: readonly ExpiredException[];
}): ScanReport {
  const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const finding of input.findings) bySeverity[finding.severity]++;
  const checks = input.checks.map(checkInfo);
  const catalog = new Map<string, CheckInfo>();
  for (const check of input.catalog ?? []) catalog.set(check.id, check);
  for (const check of checks) catalog.set(check.id, check);
  const expand = (finding: Finding): ReportFinding => {
    const check = catalog.get(finding.checkId);
    if (!check) throw new Error(`finding of ${finding.checkId}, which is neither a check that ran nor in the catalog`);
    return reportFinding(finding, check);
  };
  const findings = input.findings.map(expand);
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
    checks: checks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    findings,
    suppressed: input.suppressed.map(({ finding, ...rest }) => ({ finding: expand(finding), ...rest })),
    errors: input.errors.map(reportItem),
    skipped: input.skipped.map(reportItem),
  };
  if (input.standard) {
    report.standard = input.standard;
    const definitions = new Map<string, AnyCheck>();
    for (const item of input.planned ?? input.checks) if ('check' in item) definitions.set(item.check.id, item.check);
    const planned = input.planned ? input.planned.map(checkInfo) : report.checks;
    report.controls = controlResults(input.standard, planned, findings, input.unevaluated ?? [], definitions);
    report.summary.controls = {
      passed: report.controls.filter((control) => control.status === 'pass').length,
      failed: report.controls.filter((control) => control.status === 'fail').length,
      notEvaluated: report.controls.filter((control) => control.status === 'not-evaluated').length,
    };
  }
  if (input.notEvaluated && input.notEvaluated.length > 0) {
    report.summary.notEvaluated = input.notEvaluated.length;
    report.notEvaluated = input.notEvaluated.map((item) => ({ ...item, kinds: [...item.kinds] }));
  }
  if (input.expiredExceptions && input.expiredExceptions.length > 0) report.expiredExceptions = [...input.expiredExceptions];
  return report;
}

function controlResults(
  standard: StandardId,
  checks: readonly CheckInfo[],
  findings: readonly ReportFinding[],
  unevaluated: readonly UnevaluatedCheck[],
  definitions: ReadonlyMap<string, AnyCheck>,
): ControlResult[] {
  const why = new Map(unevaluated.map((item) => [item.checkId, item]));
  const controls = new Map<string, ControlResult>();
  for (const check of [...checks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    for (const control of controlsIn(check.standards, standard)) {
      let entry = controls.get(control);
      if (!entry) controls.set(control, (entry = { control, checks: [], status: 'pass', findings: 0 }));
      if (entry.checks.includes(check.id)) continue;
      entry.checks.push(check.id);
      const item = why.get(check.id);
      if (item) (entry.unevaluated ??= []).push(copyUnevaluated(item));
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
  return [...controls.values()]
    .sort((a, b) => a.control.localeCompare(b.control, 'en', { numeric: true }))
    .map(({ unevaluated: items, ...entry }) => {
      if (!items) return entry;
      if (entry.status === 'fail') return { ...entry, unevaluated: items };
      const reason = unevaluatedReason(items, definitions);
      return { ...entry, status: 'not-evaluated' as const, reason, unevaluated: items };
    });
}

function copyUnevaluated(item: UnevaluatedCheck): UnevaluatedCheck {
  return { checkId: item.checkId, reason: item.reason, ...(item.kinds ? { kinds: [...item.kinds] } : {}), ...(item.options ? { options: [...item.options] } : {}) };
}

/**
 * Why checks were not evaluated, as a control's `reason` says it: one clause per explanation,
 * naming the checks it holds for, e.g. `apiserver-profiling-enabled, apiserver-token-auth-file:
 * nothing they apply to was scanned (workloads that run kube-apiserver configured by flags)`.
 */
export function unevaluatedReason(items: readonly UnevaluatedCheck[], definitions: ReadonlyMap<string, AnyCheck> = new Map()): string {
  const groups = new Map<string, string[]>();
  for (const item of items) {
    const why = unevaluatedWhy(item, definitions.get(item.checkId));
    let ids = groups.get(why);
    if (!ids) groups.set(why, (ids = []));
    ids.push(item.checkId);
  }
  return [...groups].map(([why, ids]) => `${ids.join(', ')}: ${why.replace('{it}', ids.length === 1 ? 'it applies' : 'they apply')}`).join('; ');
}

function unevaluatedWhy(item: UnevaluatedCheck, check: AnyCheck | undefined): string {
  switch (item.reason) {
    case 'needs-configuration':
      return `needs configuration (${(item.options ?? []).map((name) => `options.${item.checkId}.${name}`).join(', ')} empty)`;
    case 'input-not-read':
      return `input not fully read (${(item.kinds ?? []).map((kind) => (kind === ANY_KIND ? 'an input of unknown kind' : kind)).join(', ')})`;
    case 'no-objects': {
      const what = check?.appliesWhen ? check.appliesWhen.description : check && 'workloads' in check.appliesTo ? 'workloads: objects with a pod template' : (item.kinds ?? []).join(', ');
      return `nothing {it} to was scanned (${what})`;
    }
  }
}
