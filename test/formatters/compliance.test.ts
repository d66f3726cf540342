import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jsyaml from 'js-yaml';
import { palisade } from '../support/cli.js';
import { sarifValidator } from './sarif-schema.js';
import { childrenNamed, parseXml } from './xml.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/**
 * The compliance summary of a `--standard` run (passed / failed / not evaluated controls) is in
 * every output format, from the built CLI, on one Deployment: most CIS controls cannot be
 * evaluated on it, and none of those may read as passed.
 */
const FILE = 'test/fixtures/formatters/one-deployment.yaml';

function scan(format: string): string {
  const run = palisade(['scan', '--standard', 'cis', '-o', format, FILE]);
  assert.equal(run.stderr, '');
  assert.equal(run.code, 1, 'the Deployment has findings');
  return run.stdout;
}

describe('the compliance summary in every format (scan --standard cis on one Deployment)', () => {
  const json = JSON.parse(scan('json')) as Any;
  const counts = json.summary.controls as { passed: number; failed: number; notEvaluated: number };
  const status = (id: string) => json.controls.find((control: Any) => control.control === id)?.status;

  it('json: summary.controls counts the controls by status; nothing unevaluated passes', () => {
    const by = (value: string) => json.controls.filter((control: Any) => control.status === value).length;
    assert.deepEqual(counts, { passed: by('pass'), failed: by('fail'), notEvaluated: by('not-evaluated') });
    for (const id of ['1.2.1', '1.3.2', '1.4.1', '2.1', '4.2.1', '5.1.2', '5.1.7', '5.5.1']) assert.equal(status(id), 'not-evaluated', id);
    // 5.3.2: not evaluated (no Namespace scanned), or failed where no-network-policies reports the bundle; never passed.
    assert.ok(['not-evaluated', 'fail'].includes(status('5.3.2')), status('5.3.2'));
    for (const id of ['5.2.2', '5.2.5']) assert.equal(status(id), 'pass', id);
    assert.equal(status('5.2.6'), 'fail');
    assert.ok(counts.passed > 0 && counts.failed > 0 && counts.notEvaluated > 0);
  });

  it('yaml: the same summary', () => {
    assert.equal(typeof counts?.notEvaluated, 'number');
    assert.deepEqual((jsyaml.load(scan('yaml')) as Any).summary.controls, counts);
  });

  it('sarif: in the run properties, and the log still validates', () => {
    const log = JSON.parse(scan('sarif')) as Any;
    const validate = sarifValidator();
    const valid: boolean = validate(log);
    assert.ok(valid, JSON.stringify(validate.errors));
    assert.deepEqual(log.runs[0].properties.summary.controls, counts);
    assert.equal(log.runs[0].properties.controls.find((control: Any) => control.control === '5.5.1').status, 'not-evaluated');
  });

  it('junit: a controls suite, not-evaluated controls skipped with their reason, the summary as properties', () => {
    const root = parseXml(scan('junit'));
    const suite = childrenNamed(root, 'testsuite').find((item) => item.attributes.name === 'controls (cis)');
    assert.ok(suite);
    assert.deepEqual([suite.attributes.tests, suite.attributes.failures, suite.attributes.skipped], [String(json.controls.length), String(counts.failed), String(counts.notEvaluated)]);
    const properties = Object.fromEntries(childrenNamed(childrenNamed(suite, 'properties')[0]!, 'property').map((item) => [item.attributes.name, item.attributes.value]));
    assert.deepEqual(properties, { standard: 'cis', passed: String(counts.passed), failed: String(counts.failed), notEvaluated: String(counts.notEvaluated) });
    const registries = childrenNamed(suite, 'testcase').find((item) => item.attributes.name === '5.5.1');
    assert.match(childrenNamed(registries!, 'skipped')[0]!.attributes.message!, /^not evaluated: image-registry-not-allowed: needs configuration/);
  });

  it('markdown: under the totals, and the reason of each control not evaluated in the controls table', () => {
    const markdown = scan('markdown');
    assert.ok(markdown.includes(`Controls (\`cis\`): ${counts.passed} passed, **${counts.failed} failed**, ${counts.notEvaluated} not evaluated.`), markdown.slice(0, 600));
    assert.match(markdown, /\| 5\.5\.1 \| _not evaluated_ \| 0 \| `image-not-pinned-by-digest`, `image-registry-not-allowed` \| image-registry-not-allowed: needs configuration/);
  });

  it('table: the summary line, and NOT EVALUATED with why', () => {
    const table = scan('table');
    assert.ok(table.includes(`Controls (cis): ${counts.passed} passed, ${counts.failed} failed, ${counts.notEvaluated} not evaluated\n`), table.slice(-400));
    assert.match(table, /NOT EVALUATED {2}1\.2\.1 {2}0 finding\(s\); apiserver-anonymous-auth-enabled\n {8,}why: apiserver-anonymous-auth-enabled: nothing it applies to was scanned \(workloads that run kube-apiserver/);
    assert.doesNotMatch(table, /PASS +1\.2\.1 /);
  });
});
