import { refToString } from '../../core/model/resource.js';
import { SEVERITIES } from '../../core/model/severity.js';
import type { StringFormatter } from './types.js';

/**
 * A GitHub-flavoured Markdown report (pull-request comments, job summaries):
 * a summary by severity, the findings, controls, suppressions, input errors
 * and skipped documents, each as a table.
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

export const formatMarkdown: StringFormatter = (report) => {
  const { summary } = report;
  const lines: string[] = ['# Palisade scan report', ''];
  lines.push(
    `${escapeCell(`${report.tool.name} ${report.tool.version}`)}: ${summary.objects} object(s), ${summary.checks} check(s)${report.standard ? `, standard ${code(report.standard)}` : ''}: ` +
      `**${summary.findings} finding(s)**, ${summary.suppressed} suppressed, ${summary.errors} error(s), ${summary.skipped} skipped.`,
    '',
  );

  lines.push('## Summary', '');
  lines.push(
    ...table(
      ['Severity', 'Findings'],
      ['left', 'right'],
      SEVERITIES.slice()
        .reverse()
        .map((severity) => [severity, String(summary.bySeverity[severity])]),
    ),
    '',
  );

  lines.push('## Findings', '');
  if (report.findings.length === 0) lines.push('No findings.', '');
  else {
    lines.push(
      ...table(
        ['Severity', 'Check', 'Object', 'Location', 'Message'],
        ['left', 'left', 'left', 'left', 'left'],
        report.findings.map((finding) => [
          finding.severity,
          code(finding.checkId),
          escapeCell(refToString(finding.object)) + (finding.container !== undefined ? ` (container ${escapeCell(finding.container)})` : ''),
          where(finding.location.file, finding.location.line) + (finding.location.path ? `<br>${escapeCell(finding.location.path)}` : ''),
          escapeCell(finding.message),
        ]),
      ),
      '',
    );
  }

  if (report.controls) {
    lines.push(`## Controls (${escapeCell(report.standard ?? '')})`, '');
    lines.push(
      ...table(
        ['Control', 'Status', 'Findings', 'Checks'],
        ['left', 'left', 'right', 'left'],
        report.controls.map((control) => [escapeCell(control.control), control.status === 'pass' ? 'pass' : '**fail**', String(control.findings), control.checks.map(code).join(', ')]),
      ),
      '',
    );
  }

  if (report.suppressed.length > 0) {
    lines.push('## Suppressed', '');
    lines.push(
      ...table(
        ['Severity', 'Check', 'Object', 'Location', 'Source', 'Reason', 'Expires'],
        ['left', 'left', 'left', 'left', 'left', 'left', 'left'],
        report.suppressed.map(({ finding, source, reason, expires }) => [
          finding.severity,
          code(finding.checkId),
          escapeCell(refToString(finding.object)) + (finding.container !== undefined ? ` (container ${escapeCell(finding.container)})` : ''),
          where(finding.location.file, finding.location.line),
          source,
          escapeCell(reason),
          expires ?? '',
        ]),
      ),
      '',
    );
  }

  if (report.errors.length > 0) {
    lines.push('## Errors', '');
    lines.push(
      ...table(
        ['Location', 'Code', 'Field', 'Message'],
        ['left', 'left', 'left', 'left'],
        report.errors.map((error) => [where(error.file, error.line, error.column), code(error.code), error.field ? escapeCell(error.field) : '', escapeCell(error.message)]),
      ),
      '',
    );
  }

  if (report.skipped.length > 0) {
    lines.push('## Skipped documents', '');
    lines.push(
      ...table(
        ['Location', 'Document', 'Reason'],
        ['left', 'right', 'left'],
        report.skipped.map((item) => [where(item.file, item.line), String(item.document), escapeCell(item.reason)]),
      ),
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
};
