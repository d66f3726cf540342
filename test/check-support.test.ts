import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findRemovedApi, parseMinorVersion, releasedBy, REMOVED_API_KINDS, REMOVED_APIS } from '../src/core/releases/removed-apis.js';
import { imagePathSegments } from '../src/core/images/reference.js';
import { defaultedPolicyTypes, isDefaultDeny, isEmptySelector, parsePolicy } from '../src/core/network/model.js';
import { limitRangeItemDefaults } from '../src/core/kinds/containers.js';
import type { Resource } from '../src/core/model/resource.js';
import { scanText } from './support/scan.js';

function policy(spec: Record<string, unknown>): Resource {
  return {
    ref: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: 'p', namespace: 'ns' },
    object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'ns' }, spec },
    origin: { source: { kind: 'file', path: 'test' }, document: 0 },
  };
}

describe('NetworkPolicy policyTypes defaulting (SetDefaults_NetworkPolicySpec)', () => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['nothing: Ingress', {}, ['Ingress']],
    ['empty policyTypes counts as missing', { policyTypes: [] }, ['Ingress']],
    ['egress rules add Egress', { egress: [{}] }, ['Ingress', 'Egress']],
    ['an empty egress list adds nothing', { egress: [] }, ['Ingress']],
    ['ingress rules change nothing', { ingress: [{}] }, ['Ingress']],
    ['explicit Egress only', { policyTypes: ['Egress'] }, ['Egress']],
    ['explicit types win over rules', { policyTypes: ['Ingress'], egress: [{}] }, ['Ingress']],
  ];
  for (const [name, spec, expected] of cases) {
    it(name, () => {
      const types = defaultedPolicyTypes(spec);
      assert.deepEqual((['Ingress', 'Egress'] as const).filter((type) => types[type]).sort(), [...expected].sort());
    });
  }
});

describe('default deny', () => {
  const cases: Array<[string, Record<string, unknown>, boolean, boolean]> = [
    // name, spec, deny ingress, deny egress
    ['podSelector {} alone', { podSelector: {} }, true, false],
    ['missing podSelector is {}', {}, true, false],
    ['both types, no rules', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, true, true],
    ['egress: [] without types stays ingress-only', { podSelector: {}, egress: [] }, true, false],
    ['egress rule: not a deny for egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }, false, false],
    ['ingress: [{}] allows all', { podSelector: {}, ingress: [{}] }, false, false],
    ['a label selector selects some pods only', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] }, false, false],
    ['empty matchLabels and matchExpressions', { podSelector: { matchLabels: {}, matchExpressions: [] }, policyTypes: ['Egress'] }, false, true],
  ];
  for (const [name, spec, ingress, egress] of cases) {
    it(name, () => {
      const parsed = parsePolicy(policy(spec), []);
      assert.equal(isDefaultDeny(parsed, 'Ingress'), ingress, 'ingress');
      assert.equal(isDefaultDeny(parsed, 'Egress'), egress, 'egress');
    });
  }
  it('isEmptySelector', () => {
    assert.equal(isEmptySelector(undefined), true);
    assert.equal(isEmptySelector({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }), false);
  });
});

describe('LimitRange item defaulting (SetDefaults_LimitRangeItem)', () => {
  const sorted = (set: Set<string>) => [...set].sort();
  it('default limits become default requests', () => {
    const defaults = limitRangeItemDefaults({ type: 'Container', default: { memory: '1Gi' } });
    assert.deepEqual(sorted(defaults.limits), ['memory']);
    assert.deepEqual(sorted(defaults.requests), ['memory']);
  });
  it('max becomes the default limit (and so the default request)', () => {
    const defaults = limitRangeItemDefaults({ type: 'Container', max: { cpu: '2' } });
    assert.deepEqual(sorted(defaults.limits), ['cpu']);
    assert.deepEqual(sorted(defaults.requests), ['cpu']);
  });
  it('min and defaultRequest default requests only', () => {
    const defaults = limitRangeItemDefaults({ type: 'Container', min: { cpu: '10m' }, defaultRequest: { memory: '64Mi' } });
    assert.deepEqual(sorted(defaults.limits), []);
    assert.deepEqual(sorted(defaults.requests), ['cpu', 'memory']);
  });
  it('Pod and PersistentVolumeClaim items default nothing', () => {
    for (const type of ['Pod', 'PersistentVolumeClaim', undefined]) {
      const defaults = limitRangeItemDefaults({ type, default: { cpu: '1' }, max: { memory: '1Gi' } });
      assert.deepEqual([...defaults.limits, ...defaults.requests], []);
    }
  });
});

describe('removed API table', () => {
  it('has one entry per apiVersion and kind, with parsable releases', () => {
    const seen = new Set<string>();
    for (const entry of REMOVED_APIS) {
      assert.ok(parseMinorVersion(entry.removedIn), entry.removedIn);
      assert.ok(entry.replacement.length > 0);
      for (const kind of entry.kinds) {
        const key = `${entry.apiVersion} ${kind}`;
        assert.ok(!seen.has(key), `duplicate ${key}`);
        seen.add(key);
      }
    }
    assert.deepEqual([...REMOVED_API_KINDS], [...REMOVED_API_KINDS].sort());
  });
  it('knows the removals named in the deprecation guide', () => {
    assert.equal(findRemovedApi('extensions/v1beta1', 'Ingress')?.removedIn, '1.22');
    assert.equal(findRemovedApi('policy/v1beta1', 'PodSecurityPolicy')?.removedIn, '1.25');
    assert.equal(findRemovedApi('autoscaling/v2beta2', 'HorizontalPodAutoscaler')?.removedIn, '1.26');
    assert.equal(findRemovedApi('storage.k8s.io/v1beta1', 'CSIStorageCapacity')?.removedIn, '1.27');
    assert.equal(findRemovedApi('flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema')?.removedIn, '1.32');
    assert.equal(findRemovedApi('storage.k8s.io/v1beta1', 'VolumeAttributesClass'), undefined);
    assert.equal(findRemovedApi('apps/v1', 'Deployment'), undefined);
  });
  it('parses and orders versions', () => {
    assert.deepEqual(parseMinorVersion('1.32'), [1, 32]);
    assert.deepEqual(parseMinorVersion('v1.9'), [1, 9]);
    assert.deepEqual(parseMinorVersion('1.30.2'), [1, 30]);
    assert.equal(parseMinorVersion('1'), undefined);
    assert.equal(parseMinorVersion('latest'), undefined);
    assert.equal(releasedBy([1, 9], [1, 16]), true, '1.9 <= 1.16 (numeric, not lexical)');
    assert.equal(releasedBy([1, 16], [1, 9]), false);
    assert.equal(releasedBy([1, 32], [1, 32]), true);
    assert.equal(releasedBy([1, 40], [2, 0]), true);
  });
});

describe('removed-api-version targetVersion', () => {
  const flowSchema = 'apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata:\n  name: f\n';
  const run = (options?: Record<string, unknown>) =>
    scanText(flowSchema, { only: ['removed-api-version'], ...(options ? { config: { options: { 'removed-api-version': options } } } : {}) });
  it('defaults to 1.32, where flowcontrol v1beta3 is gone', () => {
    assert.deepEqual(run().findings.map((finding) => finding.message), [
      'flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema was removed in Kubernetes 1.32: use flowcontrol.apiserver.k8s.io/v1',
    ]);
  });
  it('reports nothing for an earlier target', () => {
    assert.deepEqual(run({ targetVersion: '1.31' }).findings, []);
  });
  it('reports a malformed target as a check error', () => {
    const result = run({ targetVersion: 'one-thirty' });
    assert.deepEqual(result.findings, []);
    assert.equal(result.errors[0]?.code, 'check-error');
  });
});

describe('image references', () => {
  const cases: Array<[string, string[]]> = [
    ['kubernetesui/dashboard:v2.7.0', ['kubernetesui', 'dashboard']],
    ['docker.io/kubernetesui/dashboard', ['kubernetesui', 'dashboard']],
    ['registry.local:5000/kubernetesui/dashboard-web@sha256:abc', ['kubernetesui', 'dashboard-web']],
    ['localhost/tiller:v2', ['tiller']],
    ['tiller', ['tiller']],
    ['GCR.IO/Kubernetes-Helm/Tiller:v2.16.0', ['kubernetes-helm', 'tiller']],
  ];
  for (const [image, expected] of cases) it(image, () => assert.deepEqual(imagePathSegments(image), expected));
});

// Metadata of every check (vocabularies, references, sorted kinds) is checked in test/docs.test.ts.
