import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { resolvePlan } from '../src/core/engine/config.js';
import { parseInlineExceptions, isExpired } from '../src/core/engine/exceptions.js';
import { FIXED_NOW, scanText } from './support/scan.js';

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
