import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ScanReport } from '../../src/core/engine/report.js';
import { escapeAttribute, escapeText, formatJunit } from '../../src/cli/formatters/junit.js';
import { repoPath, REPO_ROOT } from '../support/paths.js';
import { reportFromText } from '../support/report.js';
import { MIXED_FILE, mixedReport } from './report-fixture.js';
import { childrenNamed, parseXml, type XmlElement } from './xml.js';

function junitOf(report: ScanReport): XmlElement {
  return parseXml(formatJunit(report, { color: false, cwd: REPO_ROOT }));
}

function count(element: XmlElement, name: string): number {
  return Number(element.attributes[name]);
}

/** The oracle for escaping: XML 1.0's Char production, code unit by code unit. */
function xmlSafe(text: string): string {
  let out = '';
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    const next = text.charCodeAt(index + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += text.slice(index, index + 2);
      index++;
      continue;
    }
    const allowed = unit === 0x9 || unit === 0xa || unit === 0xd || (unit >= 0x20 && unit <= 0xd7ff) || (unit >= 0xe000 && unit <= 0xfffd);
    out += allowed ? text[index] : `\\u${unit.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

describe('junit formatter', () => {
  it('writes well-formed XML for every kind of report', () => {
    junitOf(mixedReport());
    junitOf(mixedReport('cis'));
    junitOf(reportFromText(readFileSync(repoPath('examples/insecure.yaml'), 'utf8'), {}, 'examples/insecure.yaml'));
    junitOf(reportFromText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n'));
    junitOf(reportFromText(readFileSync(repoPath(MIXED_FILE), 'utf8'), {}, { kind: 'stdin' }));
    assert.ok(formatJunit(mixedReport(), { color: false, cwd: REPO_ROOT }).startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites'));
  });

  it('has a suite per check that ran and an input suite, with consistent counts', () => {
    const report = mixedReport();
    const root = junitOf(report);
    assert.equal(root.name, 'testsuites');
    const suites = childrenNamed(root, 'testsuite');
    assert.deepEqual(
      suites.map((suite) => suite.attributes.name),
      [...report.checks.map((check) => check.id), 'input'],
    );
    for (const key of ['tests', 'failures', 'errors', 'skipped']) {
      assert.equal(count(root, key), suites.reduce((sum, suite) => sum + count(suite, key), 0), key);
    }
    for (const suite of suites) {
      const cases = childrenNamed(suite, 'testcase');
      assert.equal(count(suite, 'tests'), cases.length);
      assert.equal(count(suite, 'failures'), cases.filter((item) => childrenNamed(item, 'failure').length).length);
      assert.equal(count(suite, 'errors'), cases.filter((item) => childrenNamed(item, 'error').length).length);
      assert.equal(count(suite, 'skipped'), cases.filter((item) => childrenNamed(item, 'skipped').length).length);
    }
    assert.equal(count(root, 'failures'), report.findings.length);
    assert.equal(count(root, 'errors'), report.errors.length);
    assert.equal(count(root, 'skipped'), report.suppressed.length + report.skipped.length);
  });

  it('writes a failing testcase per finding, typed by severity and named by object and path', () => {
    const report = mixedReport();
    const root = junitOf(report);
    const suite = childrenNamed(root, 'testsuite').find((item) => item.attributes.name === 'privileged-container')!;
    const finding = report.findings.find((item) => item.checkId === 'privileged-container')!;
    const [testcase] = childrenNamed(suite, 'testcase');
    assert.deepEqual(testcase!.attributes, {
      classname: 'palisade.privileged-container',
      name: "Deployment/shop/web|<b>&'x' spec.template.spec.containers[0].securityContext.privileged",
      file: MIXED_FILE,
      line: String(finding.location.line),
      time: '0',
    });
    const [failure] = childrenNamed(testcase!, 'failure');
    assert.equal(failure!.attributes.type, 'critical');
    // The container name holds a BEL, which XML cannot carry: it is written as visible text.
    assert.equal(failure!.attributes.message, 'container "app\\u0007é*_`" runs privileged');
    assert.ok(failure!.text.includes(`fix: ${finding.remediation}`));
    assert.ok(failure!.text.includes(`at: ${MIXED_FILE}:${finding.location.line}:${finding.location.column}`));
  });

  it('writes suppressed findings as skipped testcases and a passing testcase for a check with no findings', () => {
    const root = junitOf(mixedReport());
    const hostNetwork = childrenNamed(root, 'testsuite').find((item) => item.attributes.name === 'host-network')!;
    const skipped = childrenNamed(hostNetwork, 'testcase').flatMap((item) => childrenNamed(item, 'skipped'));
    assert.deepEqual(
      skipped.map((item) => item.attributes.message),
      ['suppressed by config: the agent | needs the node network (expires 2027-01-31)'],
    );

    const clean = junitOf(reportFromText('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true}\n  containers: [{name: c, image: i}]\n'));
    const suites = childrenNamed(clean, 'testsuite');
    assert.deepEqual(
      suites.map((suite) => [suite.attributes.name, childrenNamed(suite, 'testcase').map((item) => [item.attributes.name, item.children.length])]),
      [
        ['host-network', [['no findings', 0]]],
        ['privileged-container', [['no findings', 0]]],
        ['run-as-root', [['no findings', 0]]],
      ],
    );
    assert.equal(count(clean, 'failures'), 0);
  });

  it('reports input errors as errors and skipped documents as skipped, in an input suite', () => {
    const report = mixedReport();
    const input = childrenNamed(junitOf(report), 'testsuite').find((item) => item.attributes.name === 'input')!;
    const cases = childrenNamed(input, 'testcase');
    const errors = cases.flatMap((item) => childrenNamed(item, 'error'));
    assert.deepEqual(
      errors.map((item) => item.attributes.type),
      report.errors.map((error) => error.code),
    );
    const syntax = cases[0]!;
    const error = report.errors[0]!;
    assert.equal(syntax.attributes.name, `${MIXED_FILE}:${error.line}:${error.column}`);
    assert.equal(syntax.attributes.line, String(error.line));
    assert.equal(cases.flatMap((item) => childrenNamed(item, 'skipped')).length, report.skipped.length);
  });

  it('escapes any string so that it parses back to itself (characters XML cannot hold become \\uXXXX)', () => {
    const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
    const tricky = fc.constantFrom('<', '>', '&', '"', "'", '\r', '\n', '\r\n', '\t', '\u0000', '\u001b', '\uFFFE', '\uD83D\uDE00', '\uD83D', '\uDE00', ']]>', '&amp;');
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(anyUnit, tricky), maxLength: 40 }), (text) => {
        const root = parseXml(`<a b="${escapeAttribute(text)}">${escapeText(text)}</a>`);
        assert.equal(root.attributes.b, xmlSafe(text));
        assert.equal(root.text, xmlSafe(text));
      }),
      { numRuns: 500 },
    );
  });
});
