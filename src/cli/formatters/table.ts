import { refToString } from '../../core/model/resource.js';
import { SEVERITIES } from '../../core/model/severity.js';
import type { ControlSummary, ReportFinding } from '../../core/engine/report.js';
import { paint, SEVERITY_STYLE } from './colors.js';
import { visible } from '../output/escape.js';
import type { Formatter } from './types.js';

/** The compliance summary: `Controls (cis): 12 passed, 3 failed, 40 not evaluated`. */
export function compliance(standard: string | undefined, counts: ControlSummary): string {
  return `Controls (${standard ?? 'standard'}): ${counts.passed} passed, ${counts.failed} failed, ${counts.notEvaluated} not evaluated`;
}

function where(file: string, line?: number, column?: number): string {
  return line === undefined ? file : `${file}:${line}:${column ?? 1}`;
}

/** Human output: findings grouped by object, then suppressions, errors and a summary. */
export const formatTable: Formatter = (report, options) => tableChunks(report, options.color, options.summaryOnly ?? false);

/** `--summary`: one row per check that found something, most severe and most frequent first. */
function checkSummary(findings: readonly ReportFinding[], color: boolean): string[] {
  const byCheck = new Map<string, { finding: ReportFinding; count: number }>();
  for (const finding of findings) {
    const entry = byCheck.get(finding.checkId);
    if (entry) entry.count++;
    else byCheck.set(finding.checkId, { finding, count: 1 });
  }
  const rows = [...byCheck.values()].sort(
    (a, b) => SEVERITIES.indexOf(b.finding.severity) - SEVERITIES.indexOf(a.finding.severity) || b.count - a.count || (a.finding.checkId < b.finding.checkId ? -1 : 1),
  );
  if (rows.length === 0) return [];
  const idWidth = Math.max(5, ...rows.map((row) => row.finding.checkId.length));
  const countWidth = Math.max(5, ...rows.map((row) => String(row.count).length));
  const lines = [paint(color, 'bold', 'Findings by check'), `  ${'SEVERITY'.padEnd(8)}  ${'COUNT'.padStart(countWidth)}  ${'CHECK'.padEnd(idWidth)}  TITLE`];
  for (const { finding, count } of rows) {
    lines.push(`  ${paint(color, SEVERITY_STYLE[finding.severity], finding.severity.padEnd(8))}  ${String(count).padStart(countWidth)}  ${finding.checkId.padEnd(idWidth)}  ${visible(finding.title)}`);
  }
  lines.push('');
  return lines;
}

/** Yields the report a group at a time, so large reports are never one string. */
function* tableChunks(report: Parameters<Formatter>[0], color: boolean, summaryOnly: boolean): Generator<string> {
  const lines: string[] = [];
  const groups = new Map<string, ReportFinding[]>();
  if (summaryOnly) lines.push(...checkSummary(report.findings, color));
  else for (const finding of report.findings) {
    const key = `${finding.location.file}\u0000${finding.location.document}\u0000${refToString(finding.object)}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(finding);
  }
  for (const group of groups.values()) {
    const first = group[0]!;
    lines.push(paint(color, 'bold', visible(refToString(first.object))) + paint(color, 'dim', `  ${visible(first.location.file)}`));
    for (const finding of group) {
      const severity = paint(color, SEVERITY_STYLE[finding.severity], finding.severity.toUpperCase().padEnd(8));
      lines.push(`  ${severity} ${paint(color, 'bold', finding.checkId)}  ${visible(finding.message)}`);
      lines.push(paint(color, 'dim', `           at ${where(visible(finding.location.file), finding.location.line, finding.location.column)} (${visible(finding.location.path) || '.'})`));
      lines.push(paint(color, 'dim', `           fix: ${finding.remediation}`));
    }
    lines.push('');
    yield `${lines.join('\n')}\n`;
    lines.length = 0;
  }
  if (report.controls) {
    lines.push(paint(color, 'bold', `Controls (${report.standard})`));
    for (const control of report.controls) {
      const status = control.status === 'pass' ? paint(color, 'cyan', 'PASS'.padEnd(13)) : control.status === 'fail' ? paint(color, 'red', 'FAIL'.padEnd(13)) : paint(color, 'yellow', 'NOT EVALUATED');
      lines.push(`  ${status}  ${visible(control.control)}  ${paint(color, 'dim', `${control.findings} finding(s); ${control.checks.join(', ')}`)}`);
      if (control.reason !== undefined) lines.push(paint(color, 'dim', `                 why: ${visible(control.reason)}`));
    }
    lines.push('');
  }
  if (report.suppressed.length > 0) {
    lines.push(paint(color, 'bold', 'Suppressed'));
    for (const item of report.suppressed) {
      const finding = item.finding;
      lines.push(`  ${finding.checkId} on ${visible(refToString(finding.object))}${finding.container ? ` (container ${visible(finding.container)})` : ''}: ${visible(item.reason)} [${item.source}${item.expires ? `, expires ${item.expires}` : ''}]`);
    }
    lines.push('');
  }
  if (report.errors.length > 0) {
    lines.push(paint(color, 'bold', 'Errors'));
    for (const error of report.errors) {
      lines.push(`  ${paint(color, 'red', 'error')} ${where(visible(error.file), error.line, error.column)}${error.field ? ` ${visible(error.field)}` : ''}: ${visible(error.message)} [${error.code}]`);
    }
    lines.push('');
  }
  if (report.notEvaluated && report.notEvaluated.length > 0) {
    lines.push(paint(color, 'bold', 'Not evaluated'));
    for (const item of report.notEvaluated) {
      const kinds = item.kinds.map((kind) => (kind === '*' ? 'an input of unknown kind (see Errors)' : kind)).join(', ');
      lines.push(`  ${paint(color, 'bold', item.checkId)}: ${item.status === 'skipped' ? 'did not run' : 'ran only on the objects read'}: ${kinds} not read`);
    }
    lines.push('');
  }
  if (report.expiredExceptions && report.expiredExceptions.length > 0) {
    lines.push(paint(color, 'bold', 'Expired exceptions'));
    for (const item of report.expiredExceptions) {
      const what = item.source === 'annotation' ? `${visible(item.annotation ?? '')} on ${visible(item.object ? refToString(item.object) : '')}${item.file ? ` (${visible(item.file)})` : ''}` : `configuration exceptions[${item.rule}] (${item.checks.join(', ')})`;
      lines.push(`  ${what}: expired ${item.expires}: ${visible(item.reason)}`);
    }
    lines.push('');
  }
  if (report.skipped.length > 0) {
    lines.push(paint(color, 'bold', 'Skipped'));
    for (const item of report.skipped) lines.push(`  ${where(visible(item.file), item.line)}: ${visible(item.reason)}`);
    lines.push('');
  }
  const counts = SEVERITIES.slice()
    .reverse()
    .filter((severity) => report.summary.bySeverity[severity] > 0)
    .map((severity) => paint(color, SEVERITY_STYLE[severity], `${report.summary.bySeverity[severity]} ${severity}`));
  if (report.summary.controls) lines.push(`${compliance(report.standard, report.summary.controls)}`);
  if (report.baseline) lines.push(`Baseline ${visible(report.baseline.file)}: ${report.baseline.present} known finding(s) not shown, ${report.baseline.fixed} fixed`);
  if (report.severityFilter) lines.push(`${report.severityFilter.hidden} finding(s) below ${report.severityFilter.minimum} not shown (--severity)`);
  lines.push(
    `${report.summary.objects} object(s), ${report.summary.checks} check(s): ${report.summary.findings} finding(s)${counts.length ? ` (${counts.join(', ')})` : ''}, ` +
      `${report.summary.suppressed} suppressed, ${report.summary.errors} error(s), ${report.summary.skipped} skipped` +
      (report.summary.notEvaluated ? `, ${report.summary.notEvaluated} check(s) not evaluated` : ''),
  );
  yield `${lines.join('\n')}\n`;
}
