import type { ReportFinding, ScanReport } from '../../core/engine/report.js';
import { refToString } from '../../core/model/resource.js';
import { SEVERITIES, type Severity } from '../../core/model/severity.js';
import type { StringFormatter } from './types.js';

/**
 * A GitHub-flavoured Markdown report (pull-request comments, job summaries):
 * a summary by severity, the findings, controls, suppressions, input errors
 * and skipped documents, each as a table; cut to a size a comment holds, saying
 * what it left out.
 */

/**
 * One table cell. Text from manifests (names, messages) may hold anything:
 * Markdown punctuation is backslash-escaped, `&` and angle brackets become
 * entities so no HTML or entity is interpreted, pipes cannot end the cell,
 * line breaks become <br>, and other control characters (C0, DEL, C1, bidirectional
 * overrides and isolates) are shown as \uXXXX.
 */
export function escapeCell(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[\\`*_[\]|~]/g, '\\$&')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)
      .replace(/\r\n|\r|\n|\u2028|\u2029/g, '<br>')
      .trim()
  );
}

function table(header: string[], align: ('left' | 'right')[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${align.map((side) => (side === 'right' ? '---:' : '---')).join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}

function where(file: string, line?: number, column?: number): string {
  return escapeCell(line === undefined ? file : `${file}:${line}${column !== undefined ? `:${column}` : ''}`);
}

function code(text: string): string {
  // ids are kebab-case; a stray backtick or pipe falls back to escaped plain text
  return /^[A-Za-z0-9._:/-]+$/.test(text) ? `\`${text}\`` : escapeCell(text);
}

/** A table section of the report: its heading, columns and rows (cells already escaped). */
interface Section {
  id: 'findings' | 'controls' | 'suppressed' | 'errors' | 'skipped';
  heading: string;
  header: string[];
  align: ('left' | 'right')[];
  rows: string[][];
  /** when it has no rows: a sentence to say, the table with its header only, or (absent) nothing */
  empty?: string | 'header-only';
  /** findings: the severity of each row, to say which were left out */
  severities?: Severity[];
  /** what one row is, for "N more <noun> not shown" */
  noun: string;
}

/**
 * GitHub stops a comment at 65,536 characters. The default cap leaves room for what a bot
 * adds around the report (a heading, a marker comment); bytes are counted in UTF-8, so the
 * cap holds for characters too.
 */
export const DEFAULT_MAX_MARKDOWN_BYTES = 60_000;
/** The smallest cap: the summary and the note on what was left out always fit. */
export const MIN_MARKDOWN_BYTES = 2_048;
/** Kept free for the note that says what was left out. */
const NOTE_RESERVE = 1_024;

const bytesOf = (text: string) => Buffer.byteLength(text, 'utf8');

function head(report: ScanReport): string[] {
  const { summary } = report;
  return [
    '# Palisade scan report',
    '',
    `${escapeCell(`${report.tool.name} ${report.tool.version}`)}: ${summary.objects} object(s), ${summary.checks} check(s)${report.standard ? `, standard ${code(report.standard)}` : ''}: ` +
      `**${summary.findings} finding(s)**, ${summary.suppressed} suppressed, ${summary.errors} error(s), ${summary.skipped} skipped.`,
    '',
    ...(summary.controls
      ? [`Controls (${code(report.standard ?? 'standard')}): ${summary.controls.passed} passed, **${summary.controls.failed} failed**, ${summary.controls.notEvaluated} not evaluated.`, '']
      : []),
  ];
}

function summaryLines(report: ScanReport): string[] {
  const rows = SEVERITIES.slice()
    .reverse()
    .map((severity) => [severity, String(report.summary.bySeverity[severity])]);
  return ['## Summary', '', ...table(['Severity', 'Findings'], ['left', 'right'], rows), ''];
}

const objectCell = (finding: ReportFinding) => escapeCell(refToString(finding.object)) + (finding.container !== undefined ? ` (container ${escapeCell(finding.container)})` : '');

function sections(report: ScanReport, findings: readonly ReportFinding[]): Section[] {
  const out: Section[] = [
    {
      id: 'findings',
      heading: '## Findings',
      header: ['Severity', 'Check', 'Object', 'Location', 'Message'],
      align: ['left', 'left', 'left', 'left', 'left'],
      rows: findings.map((finding) => [
        finding.severity,
        code(finding.checkId),
        objectCell(finding),
        where(finding.location.file, finding.location.line) + (finding.location.path ? `<br>${escapeCell(finding.location.path)}` : ''),
        escapeCell(finding.message),
      ]),
      severities: findings.map((finding) => finding.severity),
      empty: 'No findings.',
      noun: 'finding(s)',
    },
  ];
  if (report.controls) {
    out.push({
      id: 'controls',
      heading: `## Controls (${escapeCell(report.standard ?? '')})`,
      header: ['Control', 'Status', 'Findings', 'Checks', 'Not evaluated because'],
      align: ['left', 'left', 'right', 'left', 'left'],
      rows: report.controls.map((control) => [
        escapeCell(control.control),
        control.status === 'pass' ? 'pass' : control.status === 'fail' ? '**fail**' : '_not evaluated_',
        String(control.findings),
        control.checks.map(code).join(', '),
        control.reason !== undefined ? escapeCell(control.reason) : '',
      ]),
      empty: 'header-only',
      noun: 'control(s)',
    });
  }
  out.push(
    {
      id: 'suppressed',
      heading: '## Suppressed',
      header: ['Severity', 'Check', 'Object', 'Location', 'Source', 'Reason', 'Expires'],
      align: ['left', 'left', 'left', 'left', 'left', 'left', 'left'],
      rows: report.suppressed.map(({ finding, source, reason, expires }) => [
        finding.severity,
        code(finding.checkId),
        objectCell(finding),
        where(finding.location.file, finding.location.line),
        source,
        escapeCell(reason),
        expires ?? '',
      ]),
      noun: 'suppressed finding(s)',
    },
    {
      id: 'errors',
      heading: '## Errors',
      header: ['Location', 'Code', 'Field', 'Message'],
      align: ['left', 'left', 'left', 'left'],
      rows: report.errors.map((error) => [where(error.file, error.line, error.column), code(error.code), error.field ? escapeCell(error.field) : '', escapeCell(error.message)]),
      noun: 'error(s)',
    },
    {
      id: 'skipped',
      heading: '## Skipped documents',
      header: ['Location', 'Document', 'Reason'],
      align: ['left', 'right', 'left'],
      rows: report.skipped.map((item) => [where(item.file, item.line), String(item.document), escapeCell(item.reason)]),
      noun: 'skipped document(s)',
    },
  );
  return out;
}

/** A section's lines with its first `shown` rows; `more` is the line after the table when rows were left out. */
function sectionLines(section: Section, shown: number, more?: string): string[] {
  if (section.rows.length === 0 && section.empty !== 'header-only') return section.empty !== undefined ? [section.heading, '', section.empty, ''] : [];
  return [section.heading, '', ...table(section.header, section.align, section.rows.slice(0, shown)), '', ...(more ? [more, ''] : [])];
}

/** "3 high, 12 medium": the severities of the rows left out, most severe first. */
function severityCounts(severities: readonly Severity[]): string {
  const counts = new Map<Severity, number>();
  for (const severity of severities) counts.set(severity, (counts.get(severity) ?? 0) + 1);
  return SEVERITIES.slice()
    .reverse()
    .filter((severity) => counts.has(severity))
    .map((severity) => `${counts.get(severity)} ${severity}`)
    .join(', ');
}

function moreLine(section: Section, shown: number): string | undefined {
  const left = section.rows.length - shown;
  if (left <= 0) return undefined;
  const which = section.severities ? ` (${severityCounts(section.severities.slice(shown))})` : '';
  return shown === 0 ? `_${left} ${section.noun} not shown${which}._` : `_… ${left} more ${section.noun} not shown${which}._`;
}

const join = (lines: readonly string[]) => `${lines.join('\n').trimEnd()}\n`;

/**
 * The order a capped report spends its bytes in: the compliance answer; the input errors (a
 * report whose inputs failed must say so), up to a quarter of what is left; the findings, most
 * severe first; then the rest.
 */
const PRIORITY: { id: Section['id']; share?: number }[] = [{ id: 'controls' }, { id: 'errors', share: 0.25 }, { id: 'findings' }, { id: 'suppressed' }, { id: 'skipped' }];

/**
 * The report cut to `max` bytes, summary first: the title and totals, a note saying what was
 * left out and how to get the whole report, the severity summary, then as many rows of each
 * section as fit, spent in PRIORITY order, with findings most severe first; a section that
 * lost rows ends with a line saying how many (and of which severity). Sections keep their
 * usual order on the page.
 */
function capped(report: ScanReport, max: number): string {
  const severityRank = (severity: Severity) => SEVERITIES.indexOf(severity);
  const bySeverity = report.findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => severityRank(b.finding.severity) - severityRank(a.finding.severity) || a.index - b.index)
    .map((item) => item.finding);
  const all = sections(report, bySeverity);
  const fixed = [...head(report), ...summaryLines(report)];
  let budget = max - bytesOf(join(fixed)) - NOTE_RESERVE;
  const shown = new Map<Section['id'], number>();
  for (const { id, share } of PRIORITY) {
    const section = all.find((item) => item.id === id);
    if (!section) continue;
    shown.set(id, 0);
    if (section.rows.length === 0) {
      budget -= bytesOf(join(sectionLines(section, 0))) + 1;
      continue;
    }
    // heading, header, rule, blank lines and the "more" line (its longest form)
    const overhead = bytesOf(join([...sectionLines(section, 0), moreLine(section, 0) ?? '', ''])) + 2;
    const allowed = share === undefined ? budget : Math.floor(budget * share);
    if (allowed < overhead) continue;
    let spent = overhead;
    let count = 0;
    for (const row of section.rows) {
      const size = bytesOf(`| ${row.join(' | ')} |\n`);
      if (spent + size > allowed) break;
      spent += size;
      count++;
    }
    if (count === 0) continue;
    shown.set(id, count);
    budget -= spent;
  }
  const findings = all.find((item) => item.id === 'findings')!;
  const leftOut = all
    .filter((section) => section.rows.length > (shown.get(section.id) ?? 0))
    .map((section) => `${section.rows.length - (shown.get(section.id) ?? 0)} ${section.noun}`);
  const note =
    `> **This report is cut to ${max} bytes** (\`--max-markdown-bytes\`; pull-request comments stop at 65,536 characters). ` +
    `It shows ${shown.get('findings') ?? 0} of ${findings.rows.length} findings, most severe first${leftOut.length ? `, and leaves out ${leftOut.join(', ')}` : ''}. ` +
    'The whole report: `palisade scan -o json`, or `-o markdown --max-markdown-bytes 0`.';
  const lines = [...head(report), note, '', ...summaryLines(report)];
  for (const section of all) {
    const count = shown.get(section.id) ?? 0;
    if (section.rows.length > 0 && count === 0) lines.push(section.heading, '', moreLine(section, 0)!, '');
    else lines.push(...sectionLines(section, count, moreLine(section, count)));
  }
  return join(lines);
}

/**
 * The report as Markdown. Under the cap (`maxMarkdownBytes`, default DEFAULT_MAX_MARKDOWN_BYTES;
 * 0 for none) it is the whole report, in file order; over it, `capped`.
 */
export const formatMarkdown: StringFormatter = (report, options) => {
  const lines = [...head(report), ...summaryLines(report)];
  for (const section of sections(report, report.findings)) lines.push(...sectionLines(section, section.rows.length));
  const whole = join(lines);
  const max = options.maxMarkdownBytes ?? DEFAULT_MAX_MARKDOWN_BYTES;
  return max === 0 || bytesOf(whole) <= max ? whole : capped(report, Math.max(max, MIN_MARKDOWN_BYTES));
};
