import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { resolvePlan } from '../src/core/engine/config.js';
import { parseInlineExceptions, isExpired } from '../src/core/engine/exceptions.js';
import { FIXED_NOW, scanText } from './support/scan.js';
import { loadText } from '../src/adapters/manifests/documents.js';
import { scanResources } from '../src/app/scan.js';
import type { InputError } from '../src/core/model/finding.js';

const PRIVILEGED = (annotations = '', podAnnotations = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations: {${annotations}}
spec:
  template:
    metadata:
      annotations: {${podAnnotations}}
    spec:
      containers:
        - name: a
          image: x
          securityContext: {privileged: true}
        - name: b
          image: x
          securityContext: {privileged: true}
`;

describe('inline exceptions', () => {
  it('suppresses a check on the whole object, with its reason, and reports the suppression', () => {
    const result = scanText(PRIVILEGED('"ignore-check.palisade.dev/privileged-container": "CNI agent needs it"'), { only: ['privileged-container'] });
    assert.equal(result.findings.length, 0);
    assert.deepEqual(result.suppressed.map((s) => [s.finding.container, s.source, s.reason]), [
      ['a', 'annotation', 'CNI agent needs it'],
      ['b', 'annotation', 'CNI agent needs it'],
    ]);
  });

  it('suppresses per container, also from the pod template annotations', () => {
    const result = scanText(PRIVILEGED('', '"ignore-check.palisade.dev/privileged-container.b": "only b"'), { only: ['privileged-container'] });
    assert.deepEqual(result.findings.map((f) => f.container), ['a']);
    assert.deepEqual(result.suppressed.map((s) => s.finding.container), ['b']);
  });

  it('stops applying after the expiry date', () => {
    const expired = scanText(PRIVILEGED('"ignore-check.palisade.dev/privileged-container": "expires=2026-05-31 temporary"'), { only: ['privileged-container'] });
    assert.equal(expired.findings.length, 2);
    const active = scanText(PRIVILEGED('"ignore-check.palisade.dev/privileged-container": "expires=2026-06-01 temporary"'), { only: ['privileged-container'] });
    assert.equal(active.findings.length, 0);
    assert.equal(active.suppressed[0]!.expires, '2026-06-01');
  });

  it('requires a reason: an exception without one does not apply and is reported', () => {
    const result = scanText(PRIVILEGED('"ignore-check.palisade.dev/privileged-container": ""'), { only: ['privileged-container'] });
    assert.equal(result.findings.length, 2);
    assert.equal(result.errors[0]?.code, 'invalid-exception');
    assert.match(result.errors[0]!.message, /needs a reason/);
  });

  it('is ignored with inlineExceptions false (--no-inline-exceptions)', () => {
    const result = scanText(PRIVILEGED('"ignore-check.palisade.dev/privileged-container": "x"'), { only: ['privileged-container'], inlineExceptions: false });
    assert.equal(result.findings.length, 2);
    assert.equal(result.suppressed.length, 0);
  });

  it('parses expiry and container', () => {
    assert.deepEqual(parseInlineExceptions({ 'ignore-check.palisade.dev/host-network.web': 'expires=2027-01-31 legacy', other: 'x' }), [
      { checkId: 'host-network', container: 'web', reason: 'legacy', expires: '2027-01-31', annotation: 'ignore-check.palisade.dev/host-network.web' },
    ]);
    assert.equal(isExpired('2026-06-01', FIXED_NOW), false);
    assert.equal(isExpired('2026-05-31', FIXED_NOW), true);
  });
});

describe('configuration', () => {
  it('applies exceptions by kind, namespace, name pattern and container', () => {
    const config = { exceptions: [{ checks: ['privileged-container'], kinds: ['Deployment'], namespaces: ['shop'], names: ['we*'], containers: ['a'], reason: 'reviewed' }] };
    const result = scanText(PRIVILEGED(), { only: ['privileged-container'], config });
    assert.deepEqual(result.findings.map((f) => f.container), ['b']);
    assert.deepEqual(result.suppressed.map((s) => [s.finding.container, s.source, s.reason]), [['a', 'config', 'reviewed']]);
  });

  it('overrides severity', () => {
    const result = scanText(PRIVILEGED(), { only: ['privileged-container'], config: { severity: { 'privileged-container': 'low' } } });
    assert.equal(result.findings[0]!.severity, 'low');
  });

  it('names every unknown check id, bad option and bad setting', () => {
    const { problems } = resolvePlan(ALL_CHECKS, {
      now: FIXED_NOW,
      config: {
        checks: { disable: ['no-such-check'] },
        severity: { 'host-network': 'urgent' },
        options: { 'host-network': { nope: 1 } },
        exceptions: [{ checks: ['host-network'] }],
        colour: true,
      },
    });
    assert.deepEqual(
      problems.map((p) => `${p.path.join('.')}: ${p.message}`).sort(),
      [
        'checks.disable.0: unknown check id "no-such-check"',
        'colour: unknown setting "colour"',
        'exceptions.0: an exception needs a reason',
        'options.host-network.nope: check "host-network" has no option "nope"',
        'severity.host-network: severity must be one of info, low, medium, high, critical',
      ],
    );
  });

  it('selects checks by standard: pss-baseline excludes restricted-only controls', () => {
    const baseline = resolvePlan(ALL_CHECKS, { now: FIXED_NOW, standard: 'pss-baseline' }).plan.checks.map((p) => p.check.id);
    const restricted = resolvePlan(ALL_CHECKS, { now: FIXED_NOW, standard: 'pss-restricted' }).plan.checks.map((p) => p.check.id);
    assert.ok(baseline.includes('privileged-container'));
    assert.ok(!baseline.includes('run-as-root'));
    assert.ok(restricted.includes('run-as-root') && restricted.includes('privileged-container'));
    for (const id of baseline) assert.ok(restricted.includes(id), `${id} is baseline but not in restricted`);
  });
});

describe('pod security context inheritance', () => {
  it('a pod that sets runAsNonRoot once is not reported per container', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true}
  initContainers: [{name: i, image: x}]
  containers: [{name: a, image: x}, {name: b, image: x}]
  ephemeralContainers: [{name: debug, image: x}]
`;
    assert.equal(scanText(text, { only: ['run-as-root'] }).findings.length, 0);
    const unset = scanText(text.replace('runAsNonRoot: true', 'fsGroup: 1'), { only: ['run-as-root'] });
    assert.deepEqual(unset.findings.map((f) => f.container), ['i', 'a', 'b', 'debug']);
  });
});

describe('inline exceptions on a Pod', () => {
  it('reads the annotations once (the pod template is the object)', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    ignore-check.palisade.dev/host-network: ""\nspec:\n  hostNetwork: true\n  containers: [{name: a, image: x}]\n';
    const result = scanText(text, { only: ['host-network'] });
    assert.equal(result.errors.length, 1);
  });
});

describe('effective security context', () => {
  it('merges windowsOptions field by field, as the kubelet does, and replaces the other fields whole', async () => {
    const { extractWorkload } = await import('../src/core/kinds/pod-spec.js');
    const workload = extractWorkload({
      kind: 'Pod',
      spec: {
        securityContext: { windowsOptions: { hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM' }, seLinuxOptions: { type: 'a_t', level: 's0' } },
        containers: [
          { name: 'a', securityContext: { windowsOptions: { runAsUserName: 'ContainerUser' }, seLinuxOptions: { level: 's1' } } },
          { name: 'b' },
        ],
      },
    })!;
    const [a, b] = workload.containers;
    assert.deepEqual(a!.effective.windowsOptions?.value, { hostProcess: true, runAsUserName: 'ContainerUser' });
    assert.equal(a!.effective.windowsOptions?.inherited, false);
    assert.deepEqual(a!.effective.seLinuxOptions?.value, { level: 's1' });
    assert.deepEqual(b!.effective.windowsOptions?.value, { hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM' });
    assert.equal(b!.effective.windowsOptions?.inherited, true);
    assert.deepEqual(b!.effective.seLinuxOptions?.path, ['spec', 'securityContext', 'seLinuxOptions']);
  });
});

describe('checks whose inputs were not fully read (issue 11)', () => {
  const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n';
  const NETWORK_CHECKS = ['namespace-without-default-deny-ingress', 'pod-not-selected-by-network-policy', 'network-policy-rule-allows-all', 'privileged-container'];
  const forbidden = (kind: string, plural: string): InputError => ({ code: 'forbidden', message: `not allowed to list ${plural}`, file: 'cluster:carol', field: `/apis/x/v1/${plural}`, kind });

  it('a kind that was not read (a forbidden list): every check that applies to or reads it, also through analyses, does not run and is named', () => {
    const loaded = loadText(`${NAMESPACE}---\n${PRIVILEGED()}`, 'cluster.yaml');
    const { report } = scanResources({ ...loaded, errors: [forbidden('NetworkPolicy', 'networkpolicies')] }, { planRequest: { now: FIXED_NOW, only: NETWORK_CHECKS }, version: 'x' });
    assert.deepEqual([...new Set(report.findings.map((f) => f.checkId))], ['privileged-container']);
    assert.deepEqual(report.notEvaluated, [
      { checkId: 'namespace-without-default-deny-ingress', status: 'skipped', kinds: ['NetworkPolicy'] },
      { checkId: 'network-policy-rule-allows-all', status: 'skipped', kinds: ['NetworkPolicy'] },
      { checkId: 'pod-not-selected-by-network-policy', status: 'skipped', kinds: ['NetworkPolicy'] },
    ]);
    assert.deepEqual(report.checks.map((c) => c.id), ['privileged-container']);
    assert.equal(report.summary.notEvaluated, 3);
  });

  it('a kind a check of one object applies to was not read: it runs on what was read and says it is partial', () => {
    const loaded = loadText(PRIVILEGED(), 'cluster.yaml');
    const { report } = scanResources({ ...loaded, errors: [forbidden('Pod', 'pods')] }, { planRequest: { now: FIXED_NOW, only: ['privileged-container'] }, version: 'x' });
    assert.equal(report.findings.length, 2);
    assert.deepEqual(report.notEvaluated, [{ checkId: 'privileged-container', status: 'partial', kinds: ['Pod'] }]);
  });

  it('a document that did not parse could be of any kind: relational checks do not run, checks of one object do', () => {
    const broken = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n bad: indentation\n';
    const result = scanText(`${NAMESPACE}---\n${PRIVILEGED()}---\n${broken}`, { only: NETWORK_CHECKS });
    assert.equal(result.loaded.errors[0]?.code, 'yaml-syntax');
    assert.deepEqual([...new Set(result.report.findings.map((f) => f.checkId))], ['privileged-container']);
    assert.deepEqual(result.report.notEvaluated, [
      { checkId: 'namespace-without-default-deny-ingress', status: 'skipped', kinds: ['*'] },
      { checkId: 'pod-not-selected-by-network-policy', status: 'skipped', kinds: ['*'] },
    ]);
  });

  it('says nothing when every input was read', () => {
    const { report } = scanText(`${NAMESPACE}---\n${PRIVILEGED()}`, { only: NETWORK_CHECKS });
    assert.ok(report.findings.some((f) => f.checkId === 'namespace-without-default-deny-ingress'));
    assert.equal('notEvaluated' in report, false);
    assert.equal('notEvaluated' in report.summary, false);
  });
});

describe('inline exception problems are named (issue 20)', () => {
  const annotated = (key: string, value: string) => scanText(PRIVILEGED(`${JSON.stringify(key)}: ${JSON.stringify(value)}`), { only: ['privileged-container'] });

  it('a malformed, impossible or misplaced expiry is an error naming the annotation, and the exception does not apply', () => {
    for (const value of ['expires=2020-1-1 temporary', 'expires=notadate temporary', 'temporary expires=2020-01-01', 'expires=2099-02-30 temporary', 'expires= temporary']) {
      const result = annotated('ignore-check.palisade.dev/privileged-container', value);
      assert.equal(result.findings.length, 2, value);
      assert.equal(result.suppressed.length, 0, value);
      assert.equal(result.errors.length, 1, value);
      assert.equal(result.errors[0]!.code, 'invalid-exception');
      assert.match(result.errors[0]!.message, /^ignore-check\.palisade\.dev\/privileged-container: .*expir/, value);
    }
  });

  it('an unknown check id or container is an error naming the annotation', () => {
    const typo = annotated('ignore-check.palisade.dev/privileged-containr', 'CNI agent');
    assert.equal(typo.findings.length, 2);
    assert.match(typo.errors[0]?.message ?? '', /^ignore-check\.palisade\.dev\/privileged-containr: unknown check id "privileged-containr"/);
    const container = annotated('ignore-check.palisade.dev/privileged-container.c', 'only c');
    assert.equal(container.findings.length, 2);
    assert.match(container.errors[0]?.message ?? '', /^ignore-check\.palisade\.dev\/privileged-container\.c: .*no container "c" \(containers: a, b\)/);
  });

  it('reports expired exceptions, inline and configured', () => {
    const config = { exceptions: [{ checks: ['privileged-container'], reason: 'reviewed', expires: '2026-01-31' }] };
    const result = scanText(PRIVILEGED('"ignore-check.palisade.dev/privileged-container": "expires=2026-05-31 temporary"'), { only: ['privileged-container'], config });
    assert.equal(result.findings.length, 2);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.report.expiredExceptions, [
      { source: 'annotation', annotation: 'ignore-check.palisade.dev/privileged-container', checks: ['privileged-container'], reason: 'temporary', expires: '2026-05-31', object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' }, file: 'test.yaml' },
      { source: 'config', rule: 0, checks: ['privileged-container'], reason: 'reviewed', expires: '2026-01-31' },
    ]);
    assert.equal('expiredExceptions' in scanText(PRIVILEGED(), { only: ['privileged-container'] }).report, false);
  });

  it('the configuration is a mapping, and its dates are real dates', () => {
    const list = resolvePlan(ALL_CHECKS, { now: FIXED_NOW, config: [{ checks: { disable: ['host-network'] } }] }).problems;
    assert.deepEqual(list.map((p) => p.message), ['the configuration must be a mapping of settings, not a list']);
    const date = resolvePlan(ALL_CHECKS, { now: FIXED_NOW, config: { exceptions: [{ checks: ['host-network'], reason: 'r', expires: '2099-02-30' }] } }).problems;
    assert.deepEqual(date.map((p) => `${p.path.join('.')}: ${p.message}`), ['exceptions.0.expires: expires must be a date, YYYY-MM-DD (2099-02-30 is not a day of the calendar)']);
  });
});
