import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { palisade } from './support/cli.js';
import { repoPath } from './support/paths.js';
import { tempDir } from './support/temp.js';
import { sarifValidator } from './formatters/sarif-schema.js';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const ajv = new Ajv.default({ strict: true, allErrors: true, strictTypes: false });
addFormats.default(ajv);
/** The documented JSON Schema of the scan report: the new fields must be in it. */
const validateReport = ajv.compile(JSON.parse(readFileSync(repoPath('schema/scan-report.v1.json'), 'utf8')));

const EXAMPLE = repoPath('examples/insecure.yaml');

/** A working directory holding a copy of the example, as a user's repository would. */
function workspace(): string {
  const dir = tempDir('palisade-daily');
  copyFileSync(EXAMPLE, path.join(dir, 'insecure.yaml'));
  return dir;
}

interface JsonReport {
  summary: { findings: number; bySeverity: Record<string, number> };
  findings: { checkId: string; severity: string; title: string; location: { file: string; line?: number; column?: number }; message: string }[];
  baseline?: { file: string; present: number; fixed: number };
  severityFilter?: { minimum: string; hidden: number };
}

function json(dir: string, ...args: string[]): { code: number | null; report: JsonReport; stderr: string } {
  const run = palisade(['scan', 'insecure.yaml', '-o', 'json', ...args], { cwd: dir });
  const report = JSON.parse(run.stdout) as JsonReport;
  assert.ok(validateReport(report), JSON.stringify(validateReport.errors));
  return { code: run.code, report, stderr: run.stderr };
}

describe('several outputs in one run: -o FORMAT=FILE', () => {
  it('writes the table to stdout and each file in its format, leaving no temporary file', () => {
    const dir = workspace();
    const run = palisade(['scan', 'insecure.yaml', '-o', 'table', '-o', 'sarif=out.sarif', '-o', 'json=out/../report.json'], { cwd: dir });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /finding\(s\)/);
    const sarif = JSON.parse(readFileSync(path.join(dir, "out.sarif"), "utf8")) as { runs: { results: unknown[] }[] };
    const validate = sarifValidator();
    assert.ok(validate(sarif), JSON.stringify(validate.errors));
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as JsonReport;
    assert.equal(report.findings.length, sarif.runs[0]!.results.length);
    assert.deepEqual(readdirSync(dir).sort(), ['insecure.yaml', 'out.sarif', 'report.json']);
  });

  it('refuses two outputs on stdout, a file named twice, an empty name and a missing folder, before scanning', () => {
    const dir = workspace();
    const cases: [string[], RegExp][] = [
      [['-o', 'table', '-o', 'json'], /-o json: only one output may go to standard output/],
      [['-o', 'json=a.json', '-o', 'sarif=./a.json'], /-o sarif=\.\/a\.json: \.\/a\.json is named by more than one -o/],
      [['-o', 'json='], /-o json=: no file name after "="/],
      [['-o', 'json=missing/a.json'], /-o json=missing\/a\.json: no such directory missing/],
      [['-o', 'pdf=a.pdf'], /unknown output format "pdf"/],
    ];
    for (const [args, message] of cases) {
      const run = palisade(['scan', 'insecure.yaml', ...args], { cwd: dir });
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
    assert.deepEqual(readdirSync(dir), ['insecure.yaml']);
  });

  it('replaces an existing file whole; a write that fails leaves the old file', () => {
    const dir = workspace();
    writeFileSync(path.join(dir, 'report.json'), 'old');
    assert.equal(palisade(['scan', 'insecure.yaml', '-o', 'json=report.json'], { cwd: dir }).code, 1);
    assert.ok(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')).findings.length > 0);
    // A directory where the file should be: the rename fails, nothing else is touched.
    const run = palisade(['scan', 'insecure.yaml', '-o', 'json=report.json', '-o', 'sarif=insecure.yaml/x'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no such directory insecure\.yaml/);
  });

  it('works on the other commands too (checks, rbac)', () => {
    const dir = workspace();
    const run = palisade(['checks', '-o', 'json=checks.json'], { cwd: dir });
    assert.equal(run.code, 0);
    assert.equal(run.stdout, '');
    assert.ok((JSON.parse(readFileSync(path.join(dir, 'checks.json'), 'utf8')) as unknown[]).length > 100);
    const rbac = palisade(['rbac', 'graph', 'insecure.yaml', '-o', 'dot', '-o', 'json=graph.json'], { cwd: dir });
    assert.equal(rbac.code, 0, rbac.stderr);
    assert.match(rbac.stdout, /^digraph/);
    assert.ok(existsSync(path.join(dir, 'graph.json')));
  });
});

describe('palisade scan -o line', () => {
  it('prints file:line:column: severity check-id: message for every finding, and input errors', () => {
    const dir = workspace();
    writeFileSync(path.join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: [\n');
    const { report } = json(dir, 'broken.yaml');
    const run = palisade(['scan', 'insecure.yaml', 'broken.yaml', '-o', 'line'], { cwd: dir });
    assert.equal(run.code, 2);
    const lines = run.stdout.trimEnd().split('\n');
    const findingLines = lines.filter((line) => !/: error |^palisade: warning /.test(line));
    assert.equal(findingLines.length, report.findings.length);
    for (const [index, finding] of report.findings.entries()) {
      assert.equal(findingLines[index], `insecure.yaml:${finding.location.line}:${finding.location.column}: ${finding.severity} ${finding.checkId}: ${finding.message}`);
    }
    assert.ok(lines.some((line) => /^broken\.yaml:\d+:\d+: error yaml-syntax: /.test(line)));
    // The checks the broken file kept from running are said, not passed over in silence.
    assert.ok(lines.some((line) => /^palisade: warning not-evaluated no-network-policies: did not run/.test(line)));
  });
});

describe('palisade scan --severity and --summary', () => {
  it('--severity shows only findings at or above it, says how many it hid, and leaves the exit code to --fail-on', () => {
    const dir = workspace();
    const all = json(dir).report;
    const high = json(dir, '--severity', 'high');
    const expected = all.findings.filter((finding) => finding.severity === 'high' || finding.severity === 'critical');
    assert.ok(expected.length > 0 && expected.length < all.findings.length);
    assert.deepEqual(high.report.findings, expected);
    assert.equal(high.report.summary.findings, expected.length);
    assert.deepEqual(high.report.severityFilter, { minimum: 'high', hidden: all.findings.length - expected.length });
    assert.equal(high.report.summary.bySeverity.low, 0);
    // Only info and low findings hidden would still fail a --fail-on low run.
    const run = palisade(['scan', 'insecure.yaml', '--severity', 'critical', '--fail-on', 'low'], { cwd: dir });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /finding\(s\) below critical not shown \(--severity\)/);
    const bad = palisade(['scan', 'insecure.yaml', '--severity', 'urgent'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--severity must be one of info, low, medium, high, critical, not "urgent"/);
  });

  it('--summary prints one row per check with the counts of the JSON report, most severe first', () => {
    const dir = workspace();
    const { report } = json(dir);
    const run = palisade(['scan', 'insecure.yaml', '--summary'], { cwd: dir });
    assert.equal(run.code, 1);
    const rows = run.stdout.split('\n').filter((line) => /^ {2}(info|low|medium|high|critical) /.test(line));
    const counts = new Map<string, number>();
    for (const finding of report.findings) counts.set(finding.checkId, (counts.get(finding.checkId) ?? 0) + 1);
    assert.equal(rows.length, counts.size);
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    let previous = 0;
    for (const row of rows) {
      const [severity, count, checkId] = row.trim().split(/\s+/);
      assert.equal(Number(count), counts.get(checkId!), checkId);
      assert.ok(order.indexOf(severity!) >= previous, `${row} is out of order`);
      previous = order.indexOf(severity!);
    }
    assert.doesNotMatch(run.stdout, /fix: /, 'no finding is printed in full');
    const bad = palisade(['scan', 'insecure.yaml', '--summary', '-o', 'json'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--summary applies to -o table/);
  });
});

describe('palisade scan --baseline', () => {
  it('records findings, then reports only new ones, stable across reformatting and moved lines', () => {
    const dir = workspace();
    const written = palisade(['scan', 'insecure.yaml', '--write-baseline', 'baseline.json', '-o', 'json'], { cwd: dir });
    assert.equal(written.code, 0, 'writing a baseline accepts the findings');
    const recorded = JSON.parse(written.stdout) as JsonReport;
    const baseline = JSON.parse(readFileSync(path.join(dir, 'baseline.json'), 'utf8')) as { apiVersion: string; findings: { id: string }[] };
    assert.equal(baseline.apiVersion, 'palisade.dev/baseline/v1');
    assert.equal(baseline.findings.length, recorded.findings.length);

    const same = json(dir, '--baseline', 'baseline.json');
    assert.equal(same.code, 0);
    assert.deepEqual(same.report.findings, []);
    assert.deepEqual(same.report.baseline, { file: 'baseline.json', present: recorded.findings.length, fixed: 0 });

    // Reformat: comments and blank lines before every document move each finding's line.
    const file = path.join(dir, 'insecure.yaml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `# moved\n\n\n${original.replaceAll('\n---\n', '\n---\n# moved too\n\n')}`);
    const moved = json(dir, '--baseline', 'baseline.json');
    assert.notDeepEqual(json(dir).report.findings.map((finding) => finding.location.line), recorded.findings.map((finding) => finding.location.line));
    assert.deepEqual(moved.report.findings, []);
    assert.equal(moved.code, 0);

    // A new problem is reported (and fails the run); a fixed one is counted.
    writeFileSync(file, original.replace('hostNetwork: true', 'hostNetwork: false\n      hostPID: true'));
    const changed = json(dir, '--baseline', 'baseline.json');
    assert.deepEqual(
      changed.report.findings.map((finding) => finding.checkId),
      ['host-pid'],
    );
    const now = json(dir).report.findings.length;
    assert.ok(changed.report.baseline!.fixed >= 1, 'host-network was fixed');
    assert.equal(changed.report.baseline!.fixed, recorded.findings.length - (now - 1));
    assert.equal(changed.report.baseline!.present, now - 1);
    assert.equal(changed.code, 1);
    assert.equal(palisade(['scan', 'insecure.yaml', '--baseline', 'baseline.json', '--fail-on', 'critical'], { cwd: dir }).code, 0, '--fail-on judges only new findings');
  });

  it('refuses a missing or malformed baseline before scanning', () => {
    const dir = workspace();
    writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ apiVersion: 'v0', findings: [] }));
    writeFileSync(path.join(dir, 'short.json'), JSON.stringify({ apiVersion: 'palisade.dev/baseline/v1', findings: [{ id: 'abc' }] }));
    writeFileSync(path.join(dir, 'text.json'), '{"apiVersion": }');
    const cases: [string[], RegExp][] = [
      [['--baseline', 'none.json'], /--baseline none\.json: no such file \(write one with --write-baseline\)/],
      [['--baseline', 'other.json'], /--baseline other\.json: apiVersion must be palisade\.dev\/baseline\/v1/],
      [['--baseline', 'short.json'], /--baseline short\.json: findings\[0\]\.id must be a sha256/],
      [['--baseline', 'text.json'], /--baseline text\.json.*: not JSON/],
      [['--baseline', 'other.json', '--write-baseline', 'b.json'], /give one/],
    ];
    for (const [args, message] of cases) {
      const run = palisade(['scan', 'insecure.yaml', ...args], { cwd: dir });
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });
});
