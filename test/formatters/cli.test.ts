import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FORMATTERS } from '../../src/cli/formatters/index.js';
import { repoPath } from '../support/paths.js';
import { MIXED_FILE } from './report-fixture.js';
import { sarifValidator } from './sarif-schema.js';
import { parseXml } from './xml.js';
import { palisade as runCli } from '../support/cli.js';

function palisade(...args: string[]) {
  const run = runCli(args);
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
}

describe('palisade scan -o FORMAT', () => {
  it('offers sarif, junit and markdown', () => {
    for (const format of ['sarif', 'junit', 'markdown']) assert.ok(FORMATTERS[format], format);
    assert.match(palisade('scan', '--help').stdout, /table, json, yaml, sarif, junit, markdown/);
  });

  it('-o sarif writes a valid SARIF log with paths relative to the working directory', () => {
    const { status, stdout } = palisade('scan', 'examples', '-o', 'sarif');
    assert.equal(status, 1);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const log: any = JSON.parse(stdout);
    const validate = sarifValidator();
    const valid: boolean = validate(log);
    assert.ok(valid, JSON.stringify(validate.errors));
    assert.ok(log.runs[0].results.length > 0);
    for (const result of log.runs[0].results) assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'examples/insecure.yaml');
  });

  it('-o sarif given an absolute path still writes a relative URI', () => {
    const { status, stdout } = palisade('scan', repoPath(MIXED_FILE), '-o', 'sarif');
    assert.equal(status, 2, 'the fixture has input errors');
    const log = JSON.parse(stdout);
    assert.equal(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, MIXED_FILE);
    assert.equal(log.runs[0].invocations[0].executionSuccessful, false);
  });

  it('-o junit writes well-formed JUnit XML', () => {
    const { status, stdout } = palisade('scan', MIXED_FILE, '-o', 'junit', '--check', 'host-network', '--check', 'privileged-container', '--check', 'run-as-root');
    assert.equal(status, 2);
    const root = parseXml(stdout);
    assert.equal(root.name, 'testsuites');
    assert.equal(root.attributes.failures, '4');
    assert.equal(root.attributes.errors, '2');
  });

  it('-o markdown writes the report', () => {
    const { status, stdout } = palisade('scan', 'examples', '-o', 'markdown', '--fail-on', 'critical');
    assert.equal(status, 1);
    assert.match(stdout, /^# Palisade scan report\n/);
    assert.match(stdout, /\| critical \| `privileged-container` \|/);
  });

  it('rejects an unknown format, naming the known ones', () => {
    const { status, stderr } = palisade('scan', 'examples', '-o', 'html');
    assert.equal(status, 2);
    assert.match(stderr, /unknown output format "html" \(one of table, json, yaml, sarif, junit, markdown, line\)/);
  });
});

describe('palisade scan -o markdown --max-markdown-bytes', () => {
  it('caps the report, says what it left out, and refuses a cap too small or a format it does not apply to', () => {
    const capped = palisade('scan', 'examples', '-o', 'markdown', '--max-markdown-bytes', '2500');
    assert.equal(capped.status, 1, capped.stderr);
    assert.ok(Buffer.byteLength(capped.stdout) <= 2500, `${Buffer.byteLength(capped.stdout)} bytes`);
    assert.match(capped.stdout, /not shown/);
    const whole = palisade('scan', 'examples', '-o', 'markdown', '--max-markdown-bytes', '0');
    assert.equal(whole.stdout, palisade('scan', 'examples', '-o', 'markdown').stdout, 'the example fits under the default cap');
    assert.doesNotMatch(whole.stdout, /not shown/);
    for (const [value, message] of [
      ['100', /--max-markdown-bytes must be 0 \(no cap\) or at least 2048/],
      ['ten', /--max-markdown-bytes must be 0 \(no cap\) or at least 2048/],
    ] as const) {
      const run = palisade('scan', 'examples', '-o', 'markdown', '--max-markdown-bytes', value);
      assert.equal(run.status, 2);
      assert.match(run.stderr, message);
    }
    const json = palisade('scan', 'examples', '-o', 'json', '--max-markdown-bytes', '5000');
    assert.equal(json.status, 2);
    assert.match(json.stderr, /--max-markdown-bytes applies to -o markdown only/);
    assert.match(palisade('scan', '--help').stdout, /--max-markdown-bytes N/);
  });
});
