import { visible } from '../output/escape.js';
import type { Formatter } from './types.js';

function where(file: string, line?: number, column?: number): string {
  return line === undefined ? visible(file) : `${visible(file)}:${line}:${column ?? 1}`;
}

/**
 * One line per finding, `file:line:column: severity check-id: message`: the form editors,
 * terminals and CI log viewers turn into links (as compilers and linters print). Input errors
 * follow as `error`, and checks that were not evaluated as `warning not-evaluated`, so a clean
 * run that checked nothing is never silent.
 */
export const formatLine: Formatter = (report) => lineChunks(report);

function* lineChunks(report: Parameters<Formatter>[0]): Generator<string> {
  const lines: string[] = [];
  for (const finding of report.findings) {
    lines.push(`${where(finding.location.file, finding.location.line, finding.location.column)}: ${finding.severity} ${finding.checkId}: ${visible(finding.message)}`);
    if (lines.length >= 1000) {
      yield `${lines.join('\n')}\n`;
      lines.length = 0;
    }
  }
  for (const error of report.errors) {
    lines.push(`${where(error.file, error.line, error.column)}: error ${error.code}: ${error.field ? `${visible(error.field)}: ` : ''}${visible(error.message)}`);
  }
  for (const item of report.notEvaluated ?? []) {
    const kinds = item.kinds.map((kind) => (kind === '*' ? 'an input of unknown kind' : kind)).join(', ');
    lines.push(`palisade: warning not-evaluated ${item.checkId}: ${item.status === 'skipped' ? 'did not run' : 'ran only on the objects read'}: ${kinds} not read`);
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}
