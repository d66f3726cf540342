import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { reportFindingKey, type ScanReport } from '../../src/core/engine/report.js';
import { findingKeyString, fingerprintTextV2 } from '../../src/core/model/finding-key.js';
import { artifactUri } from '../../src/cli/formatters/sources.js';
import { sourceLabel, type Source } from '../../src/core/model/source.js';
import { FINGERPRINT_KEY, formatSarif, SARIF_SCHEMA_URI, standardTags, toSarif } from '../../src/cli/formatters/sarif.js';
import { repoPath, REPO_ROOT } from '../support/paths.js';
import { reportFromText } from '../support/report.js';
import { MIXED_FILE, mixedReport } from './report-fixture.js';
import { keywordsOf, PORTABLE_KEYWORDS, sarifSchema, sarifValidator } from './sarif-schema.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const validate = sarifValidator();

function sarifOf(report: ScanReport, cwd = REPO_ROOT): Any {
  const text = formatSarif(report, { color: false, cwd });
  return JSON.parse(text);
}

function assertValid(log: unknown): void {
  const ok = validate(log);
  assert.ok(ok, `SARIF does not validate:\n${JSON.stringify(validate.errors, null, 2)}`);
}

describe('SARIF schema from @microsoft/jest-sarif', () => {
  it('is the SARIF 2.1.0 schema', () => {
    const schema = sarifSchema();
    assert.match(String(schema.title), /^Static Analysis Results Format \(SARIF\) Version 2\.1\.0/);
    const version = (schema.properties as Any).version;
    assert.deepEqual(version.enum, ['2.1.0']);
    for (const name of ['run', 'result', 'reportingDescriptor', 'suppression', 'notification', 'logicalLocation', 'physicalLocation']) {
      assert.ok((schema.definitions as Any)[name], `definition ${name}`);
    }
    // The 2.1.0 final form (OASIS Standard): suppression.status, not the draft's suppression.state.
    assert.ok((schema.definitions as Any).suppression.properties.status);
    assert.equal((schema.definitions as Any).suppression.properties.state, undefined);
  });

  it('uses only keywords that mean the same in draft-04 and draft-07', () => {
    const unexpected = [...keywordsOf(sarifSchema())].filter((keyword) => !PORTABLE_KEYWORDS.has(keyword));
    assert.deepEqual(unexpected, []);
  });

  it('rejects what it should (the validator is live)', () => {
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false);
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] }), false);
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, suppressions: [{ kind: 'sometimes' }] }] }] }), false);
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [] }] }), true);
  });
});

describe('sarif formatter', () => {
  it('validates against the SARIF 2.1.0 schema: findings, suppressions, errors, skipped documents', () => {
    const log = sarifOf(mixedReport());
    assertValid(log);
    assert.equal(log.$schema, SARIF_SCHEMA_URI);
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
  });

  it('validates for the bundled example, a clean scan, a standard run, and every source kind', () => {
    assertValid(sarifOf(reportFromText(readFileSync(repoPath('examples/insecure.yaml'), 'utf8'), {}, 'examples/insecure.yaml')));
    assertValid(sarifOf(reportFromText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n')));
    assertValid(sarifOf(mixedReport('pss-restricted')));
    const sources: Source[] = [
      { kind: 'stdin' },
      { kind: 'rendered', renderer: 'helm', directory: 'chart' },
      { kind: 'rendered', renderer: 'kustomize', directory: 'overlays/prod' },
      { kind: 'file', path: '/elsewhere/x.yaml' },
      { kind: 'file', path: 'a dir/ü.yaml' },
    ];
    for (const file of sources) {
      assertValid(sarifOf(reportFromText(readFileSync(repoPath(MIXED_FILE), 'utf8'), {}, file)));
    }
  });

  it('has one rule per check that ran, with metadata GitHub code scanning reads', () => {
    const report = mixedReport();
    const run = sarifOf(report).runs[0];
    const rules = run.tool.driver.rules;
    assert.deepEqual(
      rules.map((rule: Any) => rule.id),
      report.checks.map((check) => check.id),
    );
    assert.equal(run.tool.driver.name, 'palisade');
    assert.equal(run.tool.driver.version, '0.0.0-test');
    assert.ok(run.tool.driver.informationUri);
    const hostNetwork = rules.find((rule: Any) => rule.id === 'host-network');
    const check = report.checks.find((item) => item.id === 'host-network')!;
    assert.equal(hostNetwork.name, 'HostNetwork');
    assert.equal(hostNetwork.shortDescription.text, check.title);
    assert.equal(hostNetwork.fullDescription.text, check.description);
    assert.ok(hostNetwork.help.text.startsWith(check.remediation));
    assert.ok(hostNetwork.help.markdown.includes(check.remediation));
    assert.equal(hostNetwork.helpUri, check.references[0]);
    assert.equal(hostNetwork.defaultConfiguration.level, 'error');
    assert.equal(hostNetwork.properties['security-severity'], '8.0');
    assert.deepEqual(hostNetwork.properties.tags, ['security', 'host-access', ...standardTags(check.standards)]);
    assert.ok(hostNetwork.properties.tags.includes('external/cis/5.2.5'));
  });

  it('lists checks that found nothing as rules too', () => {
    const run = sarifOf(reportFromText('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true}\n  containers: [{name: c, image: i}]\n')).runs[0];
    assert.deepEqual(run.results, []);
    assert.deepEqual(
      run.tool.driver.rules.map((rule: Any) => rule.id),
      ['host-network', 'privileged-container', 'run-as-root'],
    );
  });

  it('maps severities to levels and security-severity scores, following configured overrides', () => {
    const run = sarifOf(mixedReport()).runs[0];
    const levels = Object.fromEntries(run.results.filter((result: Any) => !result.suppressions).map((result: Any) => [result.ruleId, result.level]));
    assert.deepEqual(levels, { 'host-network': 'error', 'privileged-container': 'error', 'run-as-root': 'warning' });
    const scores = Object.fromEntries(run.tool.driver.rules.map((rule: Any) => [rule.id, [rule.defaultConfiguration.level, rule.properties['security-severity']]]));
    assert.deepEqual(scores, { 'host-network': ['error', '8.0'], 'privileged-container': ['error', '9.5'], 'run-as-root': ['warning', '5.5'] });

    const overridden = sarifOf(reportFromText(readFileSync(repoPath(MIXED_FILE), 'utf8'), { config: { severity: { 'run-as-root': 'low', 'host-network': 'info' } } }, MIXED_FILE)).runs[0];
    const rule = (id: string) => overridden.tool.driver.rules.find((item: Any) => item.id === id);
    assert.deepEqual([rule('run-as-root').defaultConfiguration.level, rule('run-as-root').properties['security-severity']], ['note', '3.0']);
    assert.deepEqual([rule('host-network').defaultConfiguration.level, rule('host-network').properties['security-severity']], ['note', '1.0']);
    assert.ok(overridden.results.filter((result: Any) => result.ruleId === 'run-as-root').every((result: Any) => result.level === 'note'));
  });

  it('locates results by a relative URI, a region and a logical location naming the object and path', () => {
    const report = mixedReport();
    const run = sarifOf(report).runs[0];
    for (const result of run.results) {
      assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
    }
    const privileged = run.results.find((result: Any) => result.ruleId === 'privileged-container');
    const finding = report.findings.find((item) => item.checkId === 'privileged-container')!;
    const location = privileged.locations[0];
    assert.deepEqual(location.physicalLocation, {
      artifactLocation: { uri: MIXED_FILE, uriBaseId: '%SRCROOT%' },
      region: { startLine: finding.location.line, startColumn: finding.location.column },
    });
    assert.deepEqual(location.logicalLocations, [
      {
        name: "Deployment/shop/web|<b>&'x'",
        fullyQualifiedName: "Deployment/shop/web|<b>&'x':spec.template.spec.containers[0].securityContext.privileged",
        kind: 'resource',
        properties: { apiVersion: 'apps/v1', kind: 'Deployment', name: "web|<b>&'x'", namespace: 'shop', path: 'spec.template.spec.containers[0].securityContext.privileged' },
      },
    ]);
    assert.ok(privileged.message.text.endsWith(finding.message));
    assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri.endsWith('/'), true);
  });

  it('keeps fingerprints stable when lines move, and distinct per check, object and path', () => {
    const text = readFileSync(repoPath(MIXED_FILE), 'utf8');
    const before = sarifOf(reportFromText(text, {}, MIXED_FILE)).runs[0].results;
    const after = sarifOf(reportFromText(`# a comment\n\n${text.replace('image: nginx:1.27', 'image: nginx:1.28')}`, {}, MIXED_FILE)).runs[0].results;
    assert.equal(before.length, after.length);
    before.forEach((result: Any, index: number) => {
      const moved = after[index];
      assert.equal(moved.locations[0].physicalLocation.region.startLine, result.locations[0].physicalLocation.region.startLine + 2);
      assert.equal(moved.partialFingerprints[FINGERPRINT_KEY], result.partialFingerprints[FINGERPRINT_KEY]);
      assert.match(result.partialFingerprints[FINGERPRINT_KEY], /^[0-9a-f]{64}$/);
    });
    const prints = before.map((result: Any) => result.partialFingerprints[FINGERPRINT_KEY]);
    assert.equal(new Set(prints).size, prints.length);
  });

  it('reports suppressed findings as results with suppressions', () => {
    const report = mixedReport();
    const run = sarifOf(report).runs[0];
    assert.equal(run.results.length, report.findings.length + report.suppressed.length);
    const suppressed = run.results.filter((result: Any) => result.suppressions);
    assert.deepEqual(
      suppressed.map((result: Any) => [result.ruleId, result.suppressions]),
      [
        ['run-as-root', [{ kind: 'inSource', status: 'accepted', justification: 'the image sets USER 1000 | reviewed <2026>' }]],
        ['host-network', [{ kind: 'external', status: 'accepted', justification: 'the agent | needs the node network', properties: { expires: '2027-01-31' } }]],
      ],
    );
    assert.equal(suppressed[0].properties.container, 'worker');
  });

  it('puts input errors and skipped documents in invocations[0].toolExecutionNotifications, located', () => {
    const report = mixedReport();
    const invocation = sarifOf(report).runs[0].invocations[0];
    assert.equal(invocation.executionSuccessful, false);
    const notifications = invocation.toolExecutionNotifications;
    const syntax = notifications.find((item: Any) => item.descriptor.id === 'yaml-syntax');
    const error = report.errors.find((item) => item.code === 'yaml-syntax')!;
    assert.equal(syntax.level, 'error');
    assert.equal(syntax.message.text, error.message);
    assert.deepEqual(syntax.locations[0].physicalLocation.region, { startLine: error.line, startColumn: error.column });
    assert.equal(syntax.locations[0].physicalLocation.artifactLocation.uri, MIXED_FILE);
    const exception = notifications.find((item: Any) => item.descriptor.id === 'invalid-exception');
    assert.deepEqual(exception.locations[0].logicalLocations, [{ name: 'metadata.annotations["ignore-check.palisade.dev/privileged-container"]', kind: 'property' }]);
    const skipped = notifications.filter((item: Any) => item.descriptor.id === 'skipped-document');
    assert.equal(skipped.length, report.skipped.length);
    assert.ok(skipped.every((item: Any) => item.level === 'note'));
    // Exact repeats (the same file given twice) are dropped: the schema wants unique notifications.
    const twice = sarifOf({ ...report, errors: [...report.errors, ...report.errors] }).runs[0].invocations[0].toolExecutionNotifications;
    assert.deepEqual(twice, notifications);

    const clean = sarifOf(reportFromText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n')).runs[0].invocations[0];
    assert.deepEqual(clean, { executionSuccessful: true, toolExecutionNotifications: [] });
  });

  it('gives every result, from every source kind, a location GitHub code scanning can place', () => {
    const text = readFileSync(repoPath(MIXED_FILE), 'utf8');
    const sources: Source[] = [
      { kind: 'file', path: MIXED_FILE },
      { kind: 'stdin' },
      { kind: 'rendered', renderer: 'helm', directory: 'charts/web', template: 'charts/web/templates/deployment.yaml' },
      { kind: 'rendered', renderer: 'helm', directory: 'charts/web' },
      { kind: 'rendered', renderer: 'kustomize', directory: 'overlays/prod' },
      { kind: 'cluster', context: 'kind-dev', uid: 'u-1' },
      { kind: 'cluster', context: 'arn:aws:eks:eu-west-1:1:cluster/prod', path: '/nodes/n1/configz' },
      { kind: 'image', reference: 'ghcr.io/acme/web:1.2', path: 'var/lib/dpkg/status' },
    ];
    for (const source of sources) {
      const log = sarifOf(reportFromText(text, {}, source));
      assertValid(log);
      const results = log.runs[0].results;
      assert.ok(results.length > 0);
      for (const result of results) {
        const physical = result.locations[0]?.physicalLocation;
        const label = `${sourceLabel(source)}: ${JSON.stringify(physical)}`;
        assert.ok(physical, label);
        const uri: string = physical.artifactLocation.uri;
        // GitHub rejects an empty URI and any scheme but file:, and places a result on a file and a line.
        assert.ok(uri.length > 0 && !uri.endsWith('/') && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri) && !uri.startsWith('/'), label);
        assert.ok(Number.isInteger(physical.region?.startLine) && physical.region.startLine >= 1, label);
        assert.ok(result.locations[0].logicalLocations[0].name, label);
      }
    }
  });

  it('names the Helm template (not a directory), the chart or kustomization file, and a virtual path for streams and clusters', () => {
    const text = readFileSync(repoPath(MIXED_FILE), 'utf8');
    const first = (source: Source) => sarifOf(reportFromText(text, {}, source)).runs[0].results[0];
    const helm = first({ kind: 'rendered', renderer: 'helm', directory: 'charts/web', template: 'charts/web/templates/deployment.yaml' });
    // Lines count in the rendered stream, not in the template: the template as a whole, the rendered line as a property.
    assert.deepEqual(helm.locations[0].physicalLocation, { artifactLocation: { uri: 'charts/web/templates/deployment.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } });
    assert.equal(typeof helm.properties.renderedLine, 'number');
    assert.equal(first({ kind: 'rendered', renderer: 'helm', directory: 'charts/web' }).locations[0].physicalLocation.artifactLocation.uri, 'charts/web/Chart.yaml');
    assert.equal(first({ kind: 'rendered', renderer: 'kustomize', directory: 'overlays/prod' }).locations[0].physicalLocation.artifactLocation.uri, 'overlays/prod/kustomization.yaml');
    const stdin = first({ kind: 'stdin' });
    assert.equal(stdin.locations[0].physicalLocation.artifactLocation.uri, '%3Cstdin%3E');
    assert.ok(stdin.locations[0].physicalLocation.region.startLine > 1, 'lines in the stream are known');
    const cluster = first({ kind: 'cluster', context: 'kind-dev', uid: 'u-1' });
    assert.deepEqual(cluster.locations[0].physicalLocation, { artifactLocation: { uri: 'cluster/kind-dev/Deployment/shop/web%7C%3Cb%3E%26\'x\'', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } });
  });

  it('fingerprints the whole finding key, the artifact included: one object in two files is two alerts', () => {
    const text = readFileSync(repoPath(MIXED_FILE), 'utf8');
    const prints = (source: Source | string, cwd = REPO_ROOT) => sarifOf(reportFromText(text, {}, source), cwd).runs[0].results.map((result: Any) => result.partialFingerprints[FINGERPRINT_KEY]);
    assert.equal(FINGERPRINT_KEY, 'palisadeFinding/v2');
    const dev = prints('envs/dev/app.yaml');
    const prod = prints('envs/prod/app.yaml');
    assert.equal(dev.length, prod.length);
    dev.forEach((print: string, index: number) => assert.notEqual(print, prod[index]));
    // The artifact is hashed as the result's URI: the same file named another way is the same alert.
    assert.deepEqual(prints('./envs/dev/../dev/app.yaml'), dev);
    assert.deepEqual(prints(path.join(REPO_ROOT, 'envs/dev/app.yaml')), dev);
    const report = reportFromText(text, {}, 'envs/dev/app.yaml');
    const key = { ...reportFindingKey(report.findings[0]!), artifact: 'envs/dev/app.yaml' };
    assert.equal(dev[0], createHash('sha256').update(fingerprintTextV2(key)).digest('hex'));
    assert.equal(fingerprintTextV2(key), findingKeyString(key));
  });
});

describe('artifact URIs', () => {
  const cwd = path.resolve('/work/repo');
  it('are relative to the working directory with forward slashes and encoded segments', () => {
    assert.deepEqual(artifactUri('deploy/web.yaml', cwd), { uri: 'deploy/web.yaml', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactUri('./deploy/../deploy/web.yaml', cwd), { uri: 'deploy/web.yaml', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactUri(path.join(cwd, 'k8s', 'a b#c%.yaml'), cwd), { uri: 'k8s/a%20b%23c%25.yaml', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactUri('ü.yaml', cwd), { uri: '%C3%BC.yaml', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactUri('..data/x.yaml', cwd), { uri: '..data/x.yaml', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactUri('.', cwd, true), { uri: './', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactUri('chart', cwd, true), { uri: 'chart/', uriBaseId: '%SRCROOT%' });
  });
  it('are absolute file URIs outside the working directory', () => {
    assert.deepEqual(artifactUri('../other/x.yaml', cwd), { uri: 'file:///work/other/x.yaml' });
    assert.deepEqual(artifactUri('/tmp/a b.yaml', cwd), { uri: 'file:///tmp/a%20b.yaml' });
  });
  it('come from typed sources whose printed names are the loader labels for stdin and rendered input', () => {
    assert.equal(sourceLabel({ kind: 'stdin' }), '<stdin>');
    assert.equal(sourceLabel({ kind: 'rendered', renderer: 'helm', directory: 'charts/web' }), 'charts/web (helm template)');
    assert.equal(sourceLabel({ kind: 'rendered', renderer: 'kustomize', directory: 'overlays/prod' }), 'overlays/prod (kustomize)');
    assert.equal(sourceLabel({ kind: 'file', path: 'deploy/web.yaml' }), 'deploy/web.yaml');
  });
});

describe('toSarif on a hand-built report', () => {
  it('recovers a rule for a finding whose check is missing from report.checks', () => {
    const report = mixedReport();
    const log = toSarif({ ...report, checks: [] }, REPO_ROOT) as Any;
    assert.deepEqual(
      log.runs[0].tool.driver.rules.map((rule: Any) => rule.id),
      ['host-network', 'privileged-container', 'run-as-root'],
    );
    assertValid(log);
  });
});
