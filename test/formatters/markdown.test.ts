import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { marked } from 'marked';
import type { ScanReport } from '../../src/core/engine/report.js';
import { refToString } from '../../src/core/model/resource.js';
import { DEFAULT_MAX_MARKDOWN_BYTES, escapeCell, formatMarkdown } from '../../src/cli/formatters/markdown.js';
import { repoPath, REPO_ROOT } from '../support/paths.js';
import { reportFromText } from '../support/report.js';
import { mixedReport } from './report-fixture.js';

function markdownOf(report: ScanReport): string {
  return formatMarkdown(report, { color: false, cwd: REPO_ROOT });
}

/** What a reader sees in a rendered cell: <br> as a line break, markup dropped, entities decoded. */
function plain(html: string): string {
  return html
    .replace(/<br>/g, '\n')
    .replace(/<\/?(code|strong)>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The tables of a Markdown document as rendered by marked (GFM): heading before each, then rows of cell HTML. */
function tables(markdown: string): { heading: string; header: string[]; rows: string[][] }[] {
  const out: { heading: string; header: string[]; rows: string[][] }[] = [];
  let heading = '';
  for (const token of marked.lexer(markdown)) {
    if (token.type === 'heading') heading = token.text;
    if (token.type === 'table') {
      const cell = (item: { tokens: unknown[] }) => marked.parser([{ type: 'paragraph', raw: '', text: '', tokens: item.tokens } as never]).replace(/^<p>|<\/p>\n?$/g, '');
      out.push({ heading, header: token.header.map(cell), rows: token.rows.map((row: { tokens: unknown[] }[]) => row.map(cell)) });
    }
  }
  return out;
}

/** Control characters are shown as \uXXXX, as the formatter promises. */
function visibleControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

describe('markdown formatter', () => {
  it('renders every table with its columns intact and its cells as the reader should see them', () => {
    const report = mixedReport('pss-restricted');
    const rendered = tables(markdownOf(report));
    assert.deepEqual(
      rendered.map((table) => table.heading),
      ['Summary', 'Findings', 'Controls (pss-restricted)', 'Suppressed', 'Errors', 'Skipped documents'],
    );
    for (const table of rendered) for (const row of table.rows) assert.equal(row.length, table.header.length, `${table.heading}: ${row.join(' | ')}`);

    const findings = rendered.find((table) => table.heading === 'Findings')!;
    assert.deepEqual(findings.header, ['Severity', 'Check', 'Object', 'Location', 'Message']);
    assert.deepEqual(
      findings.rows.map((row) => row.map(plain)),
      report.findings.map((finding) => [
        finding.severity,
        finding.checkId,
        visibleControls(refToString(finding.object) + (finding.container !== undefined ? ` (container ${finding.container})` : '')),
        `${finding.location.file}:${finding.location.line}\n${finding.location.path}`,
        visibleControls(finding.message),
      ]),
    );
    const suppressed = rendered.find((table) => table.heading === 'Suppressed')!;
    assert.deepEqual(
      suppressed.rows.map((row) => plain(row[5]!)),
      report.suppressed.map((item) => item.reason),
    );
    const summary = rendered.find((table) => table.heading === 'Summary')!;
    assert.deepEqual(
      summary.rows,
      (['critical', 'high', 'medium', 'low', 'info'] as const).map((severity) => [severity, String(report.findings.filter((finding) => finding.severity === severity).length)]),
    );
    const errors = rendered.find((table) => table.heading === 'Errors')!;
    assert.deepEqual(
      errors.rows.map((row) => plain(row[3]!)),
      report.errors.map((error) => error.message),
    );
  });

  it('matches the recorded report for the mixed fixture', () => {
    const actual = markdownOf(mixedReport());
    const snapshot = repoPath('test/fixtures/formatters/mixed.expected.md');
    if (process.env.UPDATE_SNAPSHOTS) writeFileSync(snapshot, actual);
    assert.ok(existsSync(snapshot), `${snapshot} is missing: run UPDATE_SNAPSHOTS=1 npm test and review it`);
    assert.equal(actual, readFileSync(snapshot, 'utf8'));
  });

  it('says so when there is nothing to report', () => {
    const markdown = markdownOf(reportFromText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n'));
    assert.match(markdown, /## Findings\n\nNo findings\.\n/);
    assert.doesNotMatch(markdown, /## (Suppressed|Errors|Skipped)/);
  });

  it('escapes pipes, newlines, markup and HTML in cells', () => {
    assert.equal(escapeCell('a|b'), 'a\\|b');
    assert.equal(escapeCell('line one\nline two\r\nthree'), 'line one<br>line two<br>three');
    assert.equal(escapeCell('<script>alert(1)</script> & &amp;'), '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &amp;amp;');
    assert.equal(escapeCell('*bold* _it_ `code` [link](x) ~~s~~ \\'), '\\*bold\\* \\_it\\_ \\`code\\` \\[link\\](x) \\~\\~s\\~\\~ \\\\');
    assert.equal(escapeCell('bell\u0007'), 'bell\\u0007');
  });

  it('keeps any text inside its cell and shows it as written', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '|', '\\', '`', '*', '_', '[', ']', '(', ')', '<', '>', '&', '#', '~', '!', '\n', 'é', ';', 'x', '-', ':'), maxLength: 30 }).map((cell) => `x${cell}x`);
    fc.assert(
      fc.property(text, text, (left, right) => {
        const markdown = `| A | B |\n| --- | --- |\n| ${escapeCell(left)} | ${escapeCell(right)} |\n`;
        const [table] = tables(markdown);
        assert.ok(table, markdown);
        assert.equal(table.rows.length, 1, markdown);
        assert.deepEqual(table.rows[0]!.map(plain), [left, right], markdown);
      }),
      { numRuns: 500 },
    );
  });

  it('renders a report for the bundled example', () => {
    const markdown = markdownOf(reportFromText(readFileSync(repoPath('examples/insecure.yaml'), 'utf8'), {}, 'examples/insecure.yaml'));
    assert.match(markdown, /^# Palisade scan report\n/);
    assert.match(markdown, /\| critical \| `privileged-container` \| Deployment\/shop\/web \(container sidecar\) \| examples\/insecure\.yaml:\d+<br>/);
  });
});

/** A scan of many objects: each Pod has a critical, a high and a medium finding. */
function largeReport(pods: number, standard?: ScanReport['standard']): ScanReport {
  const docs: string[] = [];
  for (let index = 0; index < pods; index++) {
    docs.push(`apiVersion: v1\nkind: Pod\nmetadata: {name: pod-with-a-rather-long-name-${index}, namespace: shop}\nspec:\n  hostNetwork: ${index % 2 === 0}\n  containers: [{name: app, image: nginx, securityContext: {privileged: true}}]\n`);
  }
  return reportFromText(docs.join('---\n'), standard ? { standard } : {}, 'deploy/pods.yaml');
}

describe('markdown for pull-request comments: a size cap that says what it left out', () => {
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

  it('is identical to the uncapped report when it fits', () => {
    const report = mixedReport('pss-restricted');
    assert.equal(formatMarkdown(report, { color: false, cwd: REPO_ROOT }), formatMarkdown(report, { color: false, cwd: REPO_ROOT, maxMarkdownBytes: 0 }));
    assert.ok(DEFAULT_MAX_MARKDOWN_BYTES < 65_536);
  });

  it('stays under the default cap (GitHub comments stop at 65,536 characters) with the summary first', () => {
    const report = largeReport(700);
    assert.ok(bytes(formatMarkdown(report, { color: false, cwd: REPO_ROOT, maxMarkdownBytes: 0 })) > 65_536, 'the uncapped report is too large for a comment');
    const markdown = markdownOf(report);
    assert.ok(bytes(markdown) <= DEFAULT_MAX_MARKDOWN_BYTES, `${bytes(markdown)} bytes`);
    assert.deepEqual(tables(markdown)[0]!.heading, 'Summary');
    assert.ok(markdown.indexOf('## Summary') < markdown.indexOf('## Findings'));
  });

  it('keeps the most severe findings, and says how many of which severity it left out and how to get them', () => {
    const report = largeReport(400);
    const cap = 20_000;
    const markdown = formatMarkdown(report, { color: false, cwd: REPO_ROOT, maxMarkdownBytes: cap });
    assert.ok(bytes(markdown) <= cap, `${bytes(markdown)} bytes`);
    const findings = tables(markdown).find((table) => table.heading === 'Findings')!;
    for (const row of findings.rows) assert.equal(row.length, 5);
    const shown = findings.rows.map((row) => row[0]!);
    const rank = (severity: string) => ['info', 'low', 'medium', 'high', 'critical'].indexOf(severity);
    const counts = report.summary.bySeverity;
    assert.ok(shown.length > 0 && shown.length < report.findings.length);
    // every critical finding fits before any high one is shown; shown findings are in severity order
    assert.deepEqual([...shown].sort((a, b) => rank(b) - rank(a)), shown);
    assert.equal(shown.filter((severity) => severity === 'critical').length, Math.min(counts.critical, shown.length));
    const left = report.findings.length - shown.length;
    const leftOf = (['critical', 'high', 'medium', 'low', 'info'] as const)
      .map((severity) => [severity, counts[severity] - shown.filter((item) => item === severity).length] as const)
      .filter(([, count]) => count > 0)
      .map(([severity, count]) => `${count} ${severity}`);
    assert.ok(leftOf.length > 1);
    assert.match(markdown, new RegExp(`${shown.length} of ${report.findings.length} findings`));
    assert.match(markdown, new RegExp(`${left} more finding\\(s\\) not shown \\(${leftOf.join(', ')}\\)`));
    assert.match(markdown, /--max-markdown-bytes 0/);
    assert.match(markdown, /-o json/);
  });

  it('reports controls before findings when both cannot fit', () => {
    const report = largeReport(400, 'pss-restricted');
    const markdown = formatMarkdown(report, { color: false, cwd: REPO_ROOT, maxMarkdownBytes: 8_000 });
    assert.ok(bytes(markdown) <= 8_000);
    const controls = tables(markdown).find((table) => table.heading.startsWith('Controls'));
    assert.ok(controls, markdown);
    assert.equal(controls.rows.length, report.controls!.length);
  });
});
