import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadText } from '../src/adapters/manifests/documents.js';
import { splitHelmOutput } from '../src/adapters/manifests/render.js';
import { FINGERPRINT_KEY, toSarif } from '../src/cli/formatters/sarif.js';
import { formatJson } from '../src/cli/formatters/json.js';
import { formatToString } from '../src/cli/formatters/types.js';
import { buildReport, reportedSource, reportFindingKey } from '../src/core/engine/report.js';
import { findingKey, findingKeyString, fingerprintTextV1, fingerprintTextV2, groupOf } from '../src/core/model/finding-key.js';
import { artifactOf, sourceLabel, type Source } from '../src/core/model/source.js';
import { renderMessage } from '../src/core/model/check.js';
import { reportFromText } from './support/report.js';
import { scanText } from './support/scan.js';
import { MIXED_FILE, mixedReport } from './formatters/report-fixture.js';
import { REPO_ROOT } from './support/paths.js';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: team}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: x}]\n';

describe('typed sources', () => {
  const cases: [Source, string, string | undefined][] = [
    [{ kind: 'file', path: 'deploy/web.yaml' }, 'deploy/web.yaml', 'deploy/web.yaml'],
    [{ kind: 'stdin' }, '<stdin>', undefined],
    [{ kind: 'rendered', renderer: 'helm', directory: 'charts/web', template: 'charts/web/templates/deployment.yaml' }, 'charts/web/templates/deployment.yaml (helm template)', 'charts/web/templates/deployment.yaml'],
    [{ kind: 'rendered', renderer: 'helm', directory: 'charts/web' }, 'charts/web (helm template)', 'charts/web'],
    [{ kind: 'rendered', renderer: 'kustomize', directory: 'overlays/prod' }, 'overlays/prod (kustomize)', 'overlays/prod'],
    [{ kind: 'cluster', context: 'admin', uid: 'u-1', resourceVersion: '42' }, 'cluster:admin', undefined],
    [{ kind: 'cluster', context: 'admin', path: '/nodes/n1/configz' }, 'cluster:admin/nodes/n1/configz', undefined],
    [{ kind: 'admission', uid: 'req-1', operation: 'CREATE', user: 'alice' }, 'admission:req-1', undefined],
    [{ kind: 'image', reference: 'alpine:3.20', path: 'lib/apk/db/installed' }, 'alpine:3.20/lib/apk/db/installed', 'alpine:3.20/lib/apk/db/installed'],
  ];
  for (const [source, label, artifact] of cases) {
    it(`${source.kind}: printed as ${label}`, () => {
      assert.equal(sourceLabel(source), label);
      assert.equal(artifactOf(source), artifact);
    });
  }

  it('are set by the loader: a string names a file, whatever it looks like', () => {
    const stdin = loadText(POD, { kind: 'stdin' });
    assert.deepEqual(stdin.resources[0]!.origin.source, { kind: 'stdin' });
    const odd = loadText(POD, '<stdin>');
    assert.deepEqual(odd.resources[0]!.origin.source, { kind: 'file', path: '<stdin>' });
    const broken = loadText('a: [\n', { kind: 'stdin' });
    assert.deepEqual(broken.errors.map((error) => [error.file, error.source]), [['<stdin>', { kind: 'stdin' }]]);
  });

  it('name the Helm template a rendered document came from', () => {
    const parts = splitHelmOutput('---\n# Source: web/templates/a.yaml\nkind: A\n---\nkind: B\n', 'charts/web');
    assert.deepEqual(
      parts.map((part) => part.source),
      [
        { kind: 'rendered', renderer: 'helm', directory: 'charts/web', template: 'charts/web/templates/a.yaml' },
        { kind: 'rendered', renderer: 'helm', directory: 'charts/web' },
      ],
    );
  });

  it('stay out of the JSON report but reach the SARIF writer', () => {
    const report = reportFromText(POD, {}, { kind: 'stdin' });
    assert.ok(report.findings.length > 0);
    assert.deepEqual(reportedSource(report.findings[0]!, report.findings[0]!.location.file), { kind: 'stdin' });
    assert.ok(!formatToString(formatJson(report, { color: false, cwd: '/' })).includes('"source": {'));
    assert.ok(!JSON.stringify(report).includes('"kind":"stdin"'));
    // A file that happens to be called <stdin> is a file: SARIF locates it (no label is parsed back).
    type Log = { runs: { results: { locations: { physicalLocation?: { artifactLocation: { uri: string } } }[]; partialFingerprints: Record<string, string> }[] }[] };
    const odd = toSarif(reportFromText(POD, {}, '<stdin>'), '/work') as Log;
    assert.ok(odd.runs[0]!.results[0]!.locations[0]!.physicalLocation);
    // Standard input gets a virtual path (GitHub places no result without a physical location);
    // the typed source keeps it apart from that file in the fingerprint, which has no artifact.
    const stdin = toSarif(report, '/work') as Log;
    assert.equal(stdin.runs[0]!.results[0]!.locations[0]!.physicalLocation?.artifactLocation.uri, '%3Cstdin%3E');
    assert.notEqual(stdin.runs[0]!.results[0]!.partialFingerprints[FINGERPRINT_KEY], odd.runs[0]!.results[0]!.partialFingerprints[FINGERPRINT_KEY]);
  });
});

describe('engine findings', () => {
  it('name their check by id and carry no prose; the report adds it from the catalog', () => {
    const { findings, plan } = scanText(POD, { only: ['host-network'] });
    assert.equal(findings.length, 1);
    assert.deepEqual(Object.keys(findings[0]!).sort(), ['checkId', 'location', 'message', 'messageId', 'object', 'severity', 'source']);
    const report = buildReport({ version: '0', objects: 1, checks: plan.checks, findings, suppressed: [], errors: [], skipped: [] });
    const check = plan.checks[0]!.check;
    assert.deepEqual(Object.keys(report.findings[0]!), ['checkId', 'title', 'severity', 'category', 'message', 'object', 'location', 'description', 'remediation', 'references', 'standards']);
    assert.equal(report.findings[0]!.title, check.title);
    assert.equal(report.findings[0]!.remediation, check.remediation);
    assert.deepEqual(Object.keys(report.findings[0]!.location), ['file', 'document', 'path', 'line', 'column']);
  });

  it('that name a check outside the catalog are refused', () => {
    const { findings } = scanText(POD, { only: ['host-network'] });
    assert.throws(() => buildReport({ version: '0', objects: 1, checks: [], findings, suppressed: [], errors: [], skipped: [] }), /host-network/);
  });
});

describe('finding keys', () => {
  it('hold check, object identity (with API group), path, container and artifact', () => {
    const key = findingKey({
      checkId: 'privileged-container',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      container: 'app',
      location: { path: 'spec.template.spec.containers[0].securityContext.privileged' },
      source: { kind: 'rendered', renderer: 'helm', directory: 'charts/web', template: 'charts/web/templates/deployment.yaml' },
    });
    assert.deepEqual(key, {
      checkId: 'privileged-container',
      object: { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' },
      path: 'spec.template.spec.containers[0].securityContext.privileged',
      container: 'app',
      artifact: 'charts/web/templates/deployment.yaml',
    });
    assert.equal(groupOf('v1'), '');
    assert.equal(groupOf('rbac.authorization.k8s.io/v1'), 'rbac.authorization.k8s.io');
    const cluster = findingKey({ checkId: 'x', object: { apiVersion: 'v1', kind: 'Namespace', name: 'n' }, location: { path: '' }, source: { kind: 'cluster', context: 'c', uid: 'u' } });
    assert.deepEqual(cluster, { checkId: 'x', object: { group: '', kind: 'Namespace', name: 'n' }, path: '' });
    assert.notEqual(findingKeyString(key), findingKeyString({ ...key, artifact: 'other.yaml' }));
    assert.notEqual(findingKeyString(key), findingKeyString({ ...key, container: undefined }));
  });

  it('give the SARIF fingerprints: v2 hashes the whole key with the artifact as printed; v1 stays what was published', () => {
    const report = mixedReport();
    const log = toSarif(report, REPO_ROOT) as { runs: { results: { partialFingerprints: Record<string, string> }[] }[] };
    const all = [...report.findings, ...report.suppressed.map((item) => item.finding)];
    assert.ok(all.length > 3);
    all.forEach((finding, index) => {
      const { kind, namespace, name } = finding.object;
      const key = reportFindingKey(finding);
      assert.equal(key.artifact, MIXED_FILE);
      const v2 = createHash('sha256').update(fingerprintTextV2(key)).digest('hex');
      assert.equal(log.runs[0]!.results[index]!.partialFingerprints[FINGERPRINT_KEY], v2);
      assert.equal(fingerprintTextV1(key), JSON.stringify([finding.checkId, kind, namespace ?? '', name, finding.location.path]));
    });
  });
});

describe('messages from an id and data', () => {
  it('fill {{name}} placeholders, leaving unknown ones as written', () => {
    assert.equal(renderMessage('container "{{container}}" runs {{ what }}', { container: 'app', what: 'privileged' }), 'container "app" runs privileged');
    assert.equal(renderMessage('{{a}} and {{b}}', { a: 1 }), '1 and {{b}}');
    assert.equal(renderMessage('{{toString}}', {}), '{{toString}}');
  });

  it('are rendered by the engine, which keeps the id and data; the report writes the sentence only', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: app, image: x, securityContext: {privileged: true}}]\n';
    const { findings, plan } = scanText(text, { only: ['privileged-container'] });
    assert.deepEqual(
      findings.map((finding) => [finding.message, finding.messageId, finding.data]),
      [['container "app" runs privileged', 'privileged', { container: 'app' }]],
    );
    const report = buildReport({ version: '0', objects: 1, checks: plan.checks, findings, suppressed: [], errors: [], skipped: [] });
    assert.equal(report.findings[0]!.message, 'container "app" runs privileged');
    assert.ok(!('messageId' in report.findings[0]!) && !('data' in report.findings[0]!));
  });
});
