import type { CheckInfo, ControlResult, ControlSummary, ReportFinding, ReportSuppression } from '../../core/engine/report.js';
import { refToString } from '../../core/model/resource.js';
import { checksOf } from './checks.js';
import type { StringFormatter } from './types.js';

/**
 * JUnit XML for CI test reports: one <testsuite> per check that ran, one
 * <testcase> per finding (a <failure> whose type is the severity), a skipped
 * testcase per suppressed finding, a passing testcase for a check with no
 * findings, and an "input" suite for input errors and skipped documents.
 */

/**
 * Characters XML 1.0 cannot hold at all, even as character references: C0 controls
 * other than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF. They are written
 * as visible \uXXXX text so nothing is lost silently.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function visible(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Text content: markup characters escaped, CR kept as a reference (parsers would fold CRLF). */
export function escapeText(text: string): string {
  return text
    .replace(NOT_XML, visible)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/** Attribute values: also quotes, and tab/LF/CR as references, which attribute normalization would turn into spaces. */
export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('');
}

function where(file: string, line?: number, column?: number): string {
  return line === undefined ? file : column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
}

function caseName(finding: ReportFinding): string {
  return `${refToString(finding.object)} ${finding.location.path || '.'}`;
}

function failureBody(finding: ReportFinding): string {
  const { file, line, column } = finding.location;
  return [
    finding.message,
    `object: ${refToString(finding.object)}${finding.container !== undefined ? ` (container ${finding.container})` : ''}`,
    `at: ${where(file, line, column)} (${finding.location.path || '.'})`,
    `fix: ${finding.remediation}`,
    ...finding.references.map((url) => `see: ${url}`),
  ].join('\n');
}

interface Suite {
  name: string;
  cases: string[];
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  properties?: Record<string, string>;
}

function renderSuite(suite: Suite, id: number): string {
  const head = `  <testsuite${attributes({ id, name: suite.name, tests: suite.tests, failures: suite.failures, errors: suite.errors, skipped: suite.skipped, time: 0 })}>`;
  const properties = suite.properties
    ? ['    <properties>', ...Object.entries(suite.properties).map(([name, value]) => `      <property${attributes({ name, value })}/>`), '    </properties>']
    : [];
  return [head, ...properties, ...suite.cases, '  </testsuite>'].join('\n');
}

function checkSuite(check: CheckInfo, findings: ReportFinding[], suppressed: ReportSuppression[]): Suite {
  const classname = `palisade.${check.id}`;
  const cases: string[] = [];
  for (const finding of findings) {
    const { file, line } = finding.location;
    cases.push(
      `    <testcase${attributes({ classname, name: caseName(finding), file, line, time: 0 })}>\n` +
        `      <failure${attributes({ message: finding.message, type: finding.severity })}>${escapeText(failureBody(finding))}</failure>\n` +
        '    </testcase>',
    );
  }
  for (const item of suppressed) {
    const { file, line } = item.finding.location;
    const message = `suppressed by ${item.source}: ${item.reason}${item.expires ? ` (expires ${item.expires})` : ''}`;
    cases.push(`    <testcase${attributes({ classname, name: caseName(item.finding), file, line, time: 0 })}>\n      <skipped${attributes({ message })}/>\n    </testcase>`);
  }
  if (findings.length === 0) cases.push(`    <testcase${attributes({ classname, name: 'no findings', time: 0 })}/>`);
  return {
    name: check.id,
    cases,
    tests: cases.length,
    failures: findings.length,
    errors: 0,
    skipped: suppressed.length,
    properties: { title: check.title, severity: check.severity, category: check.category },
  };
}

/**
 * The controls of a `--standard` run: a test case per control, failing when it fails, skipped
 * (with the reason) when it was not evaluated; the suite's properties hold the compliance summary.
 */
function controlSuite(standard: string, controls: readonly ControlResult[], summary: ControlSummary): Suite {
  const classname = `palisade.controls.${standard}`;
  const cases = controls.map((control) => {
    const open = `    <testcase${attributes({ classname, name: control.control, time: 0 })}`;
    if (control.status === 'pass') return `${open}/>`;
    if (control.status === 'not-evaluated') return `${open}>\n      <skipped${attributes({ message: `not evaluated: ${control.reason ?? ''}` })}/>\n    </testcase>`;
    const body = [`${control.findings} finding(s) of ${control.checks.join(', ')}`, ...(control.unevaluated ?? []).map((item) => `not evaluated: ${item.checkId} (${item.reason})`)].join('\n');
    return `${open}>\n      <failure${attributes({ message: `${control.findings} finding(s)`, type: 'control' })}>${escapeText(body)}</failure>\n    </testcase>`;
  });
  return {
    name: `controls (${standard})`,
    cases,
    tests: cases.length,
    failures: summary.failed,
    errors: 0,
    skipped: summary.notEvaluated,
    properties: { standard, passed: String(summary.passed), failed: String(summary.failed), notEvaluated: String(summary.notEvaluated) },
  };
}

export const formatJunit: StringFormatter = (report) => {
  const suites: Suite[] = [];
  for (const check of checksOf(report)) {
    suites.push(
      checkSuite(
        check,
        report.findings.filter((finding) => finding.checkId === check.id),
        report.suppressed.filter((item) => item.finding.checkId === check.id),
      ),
    );
  }
  if (report.controls && report.summary.controls) suites.push(controlSuite(report.standard ?? 'standard', report.controls, report.summary.controls));
  if (report.errors.length > 0 || report.skipped.length > 0) {
    const cases: string[] = [];
    for (const error of report.errors) {
      const name = `${where(error.file, error.line, error.column)}${error.field ? ` ${error.field}` : ''}`;
      cases.push(
        `    <testcase${attributes({ classname: 'palisade.input', name, file: error.file, line: error.line, time: 0 })}>\n` +
          `      <error${attributes({ message: error.message, type: error.code })}>${escapeText(`${error.message}\nat: ${name}`)}</error>\n` +
          '    </testcase>',
      );
    }
    for (const item of report.skipped) {
      cases.push(
        `    <testcase${attributes({ classname: 'palisade.input', name: `${where(item.file, item.line)} document ${item.document}`, file: item.file, line: item.line, time: 0 })}>\n` +
          `      <skipped${attributes({ message: item.reason })}/>\n` +
          '    </testcase>',
      );
    }
    suites.push({ name: 'input', cases, tests: cases.length, failures: 0, errors: report.errors.length, skipped: report.skipped.length });
  }
  const total = (key: 'tests' | 'failures' | 'errors' | 'skipped') => suites.reduce((sum, suite) => sum + suite[key], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'palisade', tests: total('tests'), failures: total('failures'), errors: total('errors'), skipped: total('skipped'), time: 0 })}>`,
    ...suites.map(renderSuite),
    '</testsuites>',
    '',
  ].join('\n');
};
