import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as palisade from '../src/index.js';
import { review } from '../examples/embed.js';
import { repoPath } from './support/paths.js';

describe('library entry point', () => {
  it('scans text in-process: load, inventory, plan, evaluate one object', () => {
    const loaded = palisade.loadText('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: c, image: x}]\n', 'pod.yaml');
    const inventory = palisade.buildInventory(loaded.resources);
    const { plan, problems } = palisade.resolvePlan(palisade.ALL_CHECKS, { now: new Date('2026-01-01T00:00:00Z'), only: ['host-pid'] });
    assert.deepEqual(problems, []);
    const evaluation = palisade.evaluateResource(loaded.resources[0]!, inventory, palisade.compilePlan(plan));
    assert.deepEqual(evaluation.findings.map((f) => [f.checkId, palisade.sourceLabel(f.source), f.location.line, f.location.column]), [['host-pid', 'pod.yaml', 5, 3]]);
  });

  it('runs the scan use case, with the verdict --fail-on gives', () => {
    const loaded = palisade.loadText('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: c, image: x}]\n', 'pod.yaml');
    const high = palisade.scanResources(loaded, { planRequest: { now: new Date('2026-01-01T00:00:00Z'), only: ['host-pid'] }, version: 'test', failOn: 'high' });
    assert.deepEqual(high.verdict, { status: 'fail', failing: 1, errors: 0 });
    assert.equal(palisade.exitCodeOf(high.verdict), 1);
    assert.equal(high.report.summary.findings, 1);
    const critical = palisade.scanResources(loaded, { plan: high.plan, version: 'test', failOn: 'critical' });
    assert.deepEqual([critical.verdict.status, palisade.exitCodeOf(critical.verdict)], ['pass', 0]);
    assert.throws(() => palisade.scanResources(loaded, { planRequest: { now: new Date(), only: ['no-such-check'] }, version: 'test' }), palisade.ScanConfigError);
  });

  it('exports the engine, the model, the check contract and the use cases, and nothing from the CLI', () => {
    // A deliberate change of the public surface changes this list.
    assert.deepEqual(Object.keys(palisade).sort(), [
      'ALL_CHECKS', 'ANY_KIND', 'CATEGORIES', 'EmptyScanError', 'IMAGE_INVENTORY_API_VERSION', 'INLINE_EXCEPTION_PREFIX', 'KIND_CATALOG', 'NetworkQueryError', 'SCAN_SCHEMA_VERSION', 'SEVERITIES',
      'STANDARD_IDS', 'STDIN', 'ScanConfigError', 'WORKLOAD_KINDS', 'answerRbac', 'artifactOf', 'atLeast', 'buildInventory', 'buildNetworkContext', 'buildReport', 'checkNeeds',
      'compareDesired', 'compareFindings', 'compareObject', 'compilePlan', 'connectionMatrix', 'controlsIn', 'createIncrementalInventory', 'defineAnalysis', 'defineCheck', 'describeProblem', 'detectDrift', 'driftExitCode', 'evaluateAll',
      'evaluateResource', 'exitCodeOf', 'explainConnection', 'exposureOf', 'extractWorkload', 'fileSource', 'filterVulnerabilities', 'findingKey', 'findingKeyString',
      'fingerprintTextV1', 'fingerprintTextV2', 'fixManifests', 'formatPath', 'groupOf', 'imageVerdict', 'isSeverity', 'isWorkloadKind', 'kindInfo', 'kindsToRead', 'loadImageResults', 'loadSources', 'loadText',
      'locate', 'parseInlineExceptions', 'parseScanConfig', 'planScan', 'proposalChanges', 'proposePolicies', 'quantityValue', 'recordScan', 'refToString', 'reportFinding', 'reportFindingKey',
      'reportedSource', 'resolvePlan', 'scanImages', 'scanResources', 'sourceLabel', 'verdict',
    ]);
    for (const name of ['FORMATTERS', 'runImageCommand', 'scanCommand', 'main']) assert.equal(name in palisade, false, name);
  });
});

describe('subpath exports (palisade/...)', () => {
  it('resolves the package by name to the same modules, each model behind its own entry', async () => {
    const main = await import('palisade');
    assert.equal(main.scanResources, palisade.scanResources);
    const rbac = await import('palisade/rbac');
    const network = await import('palisade/network');
    const images = await import('palisade/images');
    const sqlite = await import('palisade/sqlite');
    assert.equal(typeof rbac.buildRbacModel, 'function');
    assert.equal(typeof rbac.findEscalations, 'function');
    assert.equal(typeof network.buildNetworkModel, 'function');
    assert.equal(typeof network.analyzeNetwork, 'function');
    assert.equal(typeof images.matchPackages, 'function');
    assert.equal(typeof images.inventoryImage, 'function');
    assert.equal(typeof sqlite.SqliteFindingStore, 'function');
    assert.equal(typeof sqlite.SqliteDecisionStore, 'function');
    assert.equal(typeof sqlite.ImageStore, 'function');
    // The models are not on the main entry, and the CLI is behind no entry at all.
    for (const name of ['buildRbacModel', 'buildNetworkModel', 'matchPackages', 'ImageStore']) assert.equal(name in main, false, name);
    await assert.rejects(import('palisade/dist/src/cli/main.js' as string), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  });

  it('runs the README example (examples/embed.ts), which imports palisade by name', () => {
    const example = readFileSync(repoPath('examples/embed.ts'), 'utf8');
    assert.ok(readFileSync(repoPath('README.md'), 'utf8').includes(`\`\`\`ts\n${example}\`\`\``), 'README.md shows examples/embed.ts as it is');
    const manifests = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  hostPID: true
  automountServiceAccountToken: false
  containers: [{name: web, image: nginx:1.27}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: read-secrets, namespace: shop}
rules: [{apiGroups: [''], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-reads-secrets, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: read-secrets}
subjects: [{kind: ServiceAccount, name: ci, namespace: shop}]
`;
    const result = review(manifests, new Date('2026-01-01T00:00:00Z'));
    assert.ok(result.findings.includes('high host-pid Pod/web'), result.findings.join('\n'));
    assert.deepEqual(result.secretReaders, ['serviceaccount:shop:ci']);
    assert.equal(result.exitCode, 1);
  });
});
