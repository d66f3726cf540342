import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControlResult, ScanReport } from '../src/core/engine/report.js';
import { imageResultsFrom } from '../src/core/images/results.js';
import { scanText } from './support/scan.js';

/**
 * `--standard`: a control passes only when the checks behind it were evaluated (ran on at
 * least one object they apply to, their input read in full, their required options set);
 * otherwise it is not evaluated and says why.
 */

const deployment = (image = 'ghcr.io/acme/web@sha256:' + 'a'.repeat(64)) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web, namespace: shop}',
    'spec:',
    '  selector: {matchLabels: {app: web}}',
    '  template:',
    '    metadata: {labels: {app: web}}',
    '    spec:',
    '      containers:',
    '        - name: web',
    `          image: ${image}`,
  ].join('\n');

function control(report: ScanReport, id: string): ControlResult {
  const found = report.controls?.find((item) => item.control === id);
  assert.ok(found, `control ${id} is in the report`);
  return found;
}

describe('--standard cis on one Deployment', () => {
  const { report } = scanText(deployment(), { standard: 'cis' });

  it('does not pass the API server, controller manager, scheduler, etcd or kubelet controls: nothing runs them', () => {
    for (const id of ['1.2.1', '1.2.6', '1.2.16', '1.3.2', '1.4.1', '2.1', '2.2', '3.2.1', '4.2.1', '4.2.4']) {
      const result = control(report, id);
      assert.equal(result.status, 'not-evaluated', `${id}: ${JSON.stringify(result)}`);
      assert.ok(result.unevaluated?.every((item) => item.reason === 'no-objects'), id);
    }
    assert.match(control(report, '1.2.1').reason ?? '', /^apiserver-anonymous-auth-enabled: nothing it applies to was scanned \(workloads that run kube-apiserver configured by flags\)$/);
    assert.match(control(report, '4.2.1').reason ?? '', /^kubelet-anonymous-auth-enabled: nothing it applies to was scanned \(KubeletConfiguration\)$/);
  });

  it('does not pass the RBAC controls: no Role, ClusterRole or binding was scanned', () => {
    for (const id of ['5.1.2', '5.1.3', '5.1.7', '5.1.8', '5.1.9', '5.1.10', '5.1.11', '5.1.12', '5.1.13']) assert.equal(control(report, id).status, 'not-evaluated', id);
    assert.deepEqual(control(report, '5.1.2').unevaluated, [{ checkId: 'rbac-read-secrets', reason: 'no-objects', kinds: ['ClusterRole', 'Role'] }]);
  });

  it('does not pass the NetworkPolicy control 5.3.2: no Namespace was scanned', () => {
    const result = control(report, '5.3.2');
    assert.notEqual(result.status, 'pass');
    assert.deepEqual(
      result.unevaluated?.map((item) => [item.checkId, item.reason]),
      [
        ['namespace-without-default-deny-egress', 'no-objects'],
        ['namespace-without-default-deny-ingress', 'no-objects'],
      ],
    );
  });

  it('does not pass 5.5.1 (allowed registries) while no registry list is configured', () => {
    const result = control(report, '5.5.1');
    assert.equal(result.status, 'not-evaluated');
    assert.deepEqual(result.unevaluated, [{ checkId: 'image-registry-not-allowed', reason: 'needs-configuration', options: ['allowedRegistries'] }]);
    assert.match(result.reason ?? '', /^image-registry-not-allowed: needs configuration \(options\.image-registry-not-allowed\.allowedRegistries empty\)$/);
  });

  it('passes a control whose checks ran on the Deployment and found nothing', () => {
    for (const id of ['5.2.2', '5.2.3', '5.2.4', '5.2.5', '5.2.13']) {
      const result = control(report, id);
      assert.deepEqual([result.status, result.reason, result.unevaluated], ['pass', undefined, undefined], id);
    }
  });

  it('counts passed, failed and not evaluated controls in summary.controls', () => {
    const controls = report.controls ?? [];
    const count = (status: ControlResult['status']) => controls.filter((item) => item.status === status).length;
    assert.deepEqual(report.summary.controls, { passed: count('pass'), failed: count('fail'), notEvaluated: count('not-evaluated') });
    assert.ok(count('pass') > 0 && count('fail') > 0 && count('not-evaluated') > 0);
    assert.equal(count('pass') + count('fail') + count('not-evaluated'), controls.length);
  });
});

describe('controls pass once their checks ran on objects they apply to', () => {
  it('5.5.1 passes with allowed registries configured and an allowed, pinned image; fails on another registry', () => {
    const config = { options: { 'image-registry-not-allowed': { allowedRegistries: ['ghcr.io'] } } };
    assert.equal(control(scanText(deployment(), { standard: 'cis', config }).report, '5.5.1').status, 'pass');
    const other = control(scanText(deployment('quay.io/acme/web@sha256:' + 'b'.repeat(64)), { standard: 'cis', config }).report, '5.5.1');
    assert.deepEqual([other.status, other.findings], ['fail', 1]);
  });

  it('an API server static pod passes the API server controls it satisfies, and etcd stays not evaluated', () => {
    const apiserver = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: kube-apiserver, namespace: kube-system}',
      'spec:',
      '  containers:',
      '    - name: kube-apiserver',
      '      image: registry.k8s.io/kube-apiserver:v1.31.0',
      '      command: [kube-apiserver, --anonymous-auth=false, "--authorization-mode=Node,RBAC", --profiling=false]',
    ].join('\n');
    const { report } = scanText(apiserver, { standard: 'cis' });
    for (const id of ['1.2.1', '1.2.6', '1.2.7', '1.2.8', '1.2.15']) assert.equal(control(report, id).status, 'pass', id);
    assert.equal(control(report, '2.1').status, 'not-evaluated');
    assert.match(control(report, '2.1').reason ?? '', /workloads that run etcd/);
  });

  it('an RBAC Role without risky rules passes the controls of the checks that apply to roles', () => {
    const role = ['apiVersion: rbac.authorization.k8s.io/v1', 'kind: Role', 'metadata: {name: reader, namespace: shop}', 'rules:', '  - {apiGroups: [""], resources: [configmaps], verbs: [get]}'].join('\n');
    const { report } = scanText(role, { standard: 'cis' });
    for (const id of ['5.1.2', '5.1.3', '5.1.9', '5.1.10', '5.1.11', '5.1.12', '5.1.13']) assert.equal(control(report, id).status, 'pass', id);
    // 5.1.7 is about bindings (system:masters): a Role alone does not evaluate it.
    assert.equal(control(report, '5.1.7').status, 'not-evaluated');
  });

  it('a failing control stays failed, naming the checks behind it that were not evaluated', () => {
    const host = deployment().replace('    spec:\n', '    spec:\n      hostNetwork: true\n');
    const { report } = scanText(host, { standard: 'cis' });
    assert.equal(control(report, '5.2.5').status, 'fail');
    const result = control(scanText(deployment('nginx:latest'), { standard: 'cis' }).report, '5.5.1');
    assert.equal(result.status, 'fail');
    assert.equal(result.reason, undefined);
    assert.deepEqual(result.unevaluated?.map((item) => item.checkId), ['image-registry-not-allowed']);
  });

  it('a check whose input was not fully read leaves its control not evaluated (input-not-read)', () => {
    const namespace = ['apiVersion: v1', 'kind: Namespace', 'metadata: {name: shop}'].join('\n');
    const { report } = scanText(`${namespace}\n---\nkind: [broken\n`, { standard: 'cis' });
    assert.ok(report.errors.some((error) => error.code === 'yaml-syntax'));
    const result = control(report, '5.3.2');
    assert.equal(result.status, 'not-evaluated');
    assert.ok(result.unevaluated?.some((item) => item.checkId === 'namespace-without-default-deny-ingress' && item.reason === 'input-not-read' && item.kinds?.includes('*')), JSON.stringify(result));
    assert.match(result.reason ?? '', /namespace-without-default-deny-ingress[^;]*: input not fully read \(an input of unknown kind\)/);
  });

  it('lists controls whose only checks did not run (stopped by unread input)', () => {
    // Every 5.1.x RBAC check reads other objects: a broken document stops them all, and their
    // controls are still listed, not evaluated, rather than left out.
    const role = ['apiVersion: rbac.authorization.k8s.io/v1', 'kind: Role', 'metadata: {name: reader, namespace: shop}', 'rules: []'].join('\n');
    const { report } = scanText(`${role}\n---\nkind: [broken\n`, { standard: 'cis' });
    const stopped = new Set((report.notEvaluated ?? []).filter((item) => item.status === 'skipped').map((item) => item.checkId));
    const stoppedControls = (report.controls ?? []).filter((item) => item.checks.every((id) => stopped.has(id)));
    assert.ok(stoppedControls.length > 0);
    for (const item of stoppedControls) assert.equal(item.status, 'not-evaluated', item.control);
  });
});

describe('checks of image scan results', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const practices = 'Upgrading and application security practices';
  const imageChecks = (report: ScanReport) => (control(report, practices).unevaluated ?? []).map((item) => item.checkId).filter((id) => id.startsWith('image-'));

  it('are not evaluated on a workload whose image was never scanned', () => {
    const { report } = scanText(deployment(`ghcr.io/acme/web@${digest}`), { standard: 'nsa' });
    assert.deepEqual(imageChecks(report), ['image-os-end-of-life', 'image-too-old', 'image-vulnerabilities-fixable']);
    assert.match(control(report, practices).reason ?? '', /image-os-end-of-life, image-too-old, image-vulnerabilities-fixable: nothing they apply to was scanned \(workloads with an image scanned by palisade image\)/);
  });

  it('are evaluated once its scan results are loaded', () => {
    const images = imageResultsFrom([{ digest, reference: 'ghcr.io/acme/web:1', scannedAt: '2026-05-30T00:00:00Z', vulnerabilities: [] }], '2026-05-31T00:00:00Z');
    const { report } = scanText(deployment(`ghcr.io/acme/web@${digest}`), { standard: 'nsa' }, 'test.yaml', { images });
    assert.deepEqual(imageChecks(report), []);
  });
});

describe('reports without --standard', () => {
  it('have no controls and no summary.controls', () => {
    const { report } = scanText(deployment());
    assert.equal(report.controls, undefined);
    assert.equal('controls' in report.summary, false);
  });
});
