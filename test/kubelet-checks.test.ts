import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadText } from '../src/adapters/manifests/documents.js';
import { parseGoDuration } from '../src/core/kinds/kubelet.js';
import { scanText } from './support/scan.js';

describe('kubelet /configz answers', () => {
  it('load as a cluster-scoped KubeletConfiguration, located under kubeletconfig', () => {
    const text = '{\n  "kubeletconfig": {\n    "readOnlyPort": 10255\n  }\n}\n';
    const loaded = loadText(text, 'node-1.json');
    assert.deepEqual(loaded.skipped, []);
    assert.equal(loaded.resources.length, 1);
    assert.deepEqual(loaded.resources[0]!.ref, { apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', name: '' });
    const result = scanText(text, { only: ['kubelet-read-only-port-enabled'] }, 'node-1.json');
    assert.deepEqual(
      result.findings.map((finding) => `${finding.location.line}:${finding.location.column} ${finding.location.path}`),
      ['3:5 kubeletconfig.readOnlyPort'],
    );
  });

  it('are told apart from other objects without kind', () => {
    const loaded = loadText('{"kubeletconfig": {}, "extra": 1}\n---\n{"kubeletconfig": "x"}\n', 'x.json');
    assert.equal(loaded.resources.length, 0);
    assert.equal(loaded.skipped.length, 2);
  });

  it('config files are cluster-scoped too', () => {
    const loaded = loadText('apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n', 'config.yaml');
    assert.equal(loaded.resources[0]!.ref.namespace, undefined);
  });
});

describe('parseGoDuration', () => {
  it('reads metav1.Duration strings', () => {
    assert.equal(parseGoDuration('0'), 0);
    assert.equal(parseGoDuration('0s'), 0);
    assert.equal(parseGoDuration('0h0m0s'), 0);
    assert.equal(parseGoDuration('4h0m0s'), 14400);
    assert.equal(parseGoDuration('1.5h'), 5400);
    assert.equal(parseGoDuration('500ms'), 0.5);
    assert.equal(parseGoDuration('-5m'), -300);
  });
  it('rejects what Go rejects', () => {
    for (const text of ['', '5', 'h', '4 hours', '1d', 'ten']) assert.equal(parseGoDuration(text), undefined, text);
  });
});
