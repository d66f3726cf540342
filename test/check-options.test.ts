import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanText } from './support/scan.js';

/** Option defaults that the fixtures (which run with options.yaml) do not show. */

describe('image-registry-not-allowed', () => {
  it('reports nothing until allowedRegistries is configured', () => {
    const pod = ['apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'spec:', '  containers:', '    - {name: a, image: quay.io/x/y:1}'].join('\n');
    assert.deepEqual(scanText(pod, { only: ['image-registry-not-allowed'] }).findings, []);
    const configured = scanText(pod, { only: ['image-registry-not-allowed'], config: { options: { 'image-registry-not-allowed': { allowedRegistries: ['ghcr.io'] } } } });
    assert.equal(configured.findings.length, 1);
  });
});

describe('service-account-token-automount', () => {
  const manifest = (podValue: string) =>
    [
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata: {name: operator}',
      'automountServiceAccountToken: false',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: p}',
      'spec:',
      '  serviceAccountName: operator',
      `  automountServiceAccountToken: ${podValue}`,
      '  containers:',
      '    - {name: a, image: a:1}',
    ].join('\n');
  const run = (podValue: string, reportExplicitTrue?: boolean) =>
    scanText(manifest(podValue), {
      only: ['service-account-token-automount'],
      ...(reportExplicitTrue === undefined ? {} : { config: { options: { 'service-account-token-automount': { reportExplicitTrue } } } }),
    }).findings.map((finding) => finding.location.path);

  it('does not report a pod that opts in explicitly, by default', () => {
    assert.deepEqual(run('true'), []);
    assert.deepEqual(run('true', false), []);
  });
  it('reports it with reportExplicitTrue: the pod field wins over the ServiceAccount', () => {
    assert.deepEqual(run('true', true), ['spec.automountServiceAccountToken']);
  });
  it('never reports a pod that opts out', () => {
    assert.deepEqual(run('false', true), []);
  });
});

describe('host-port', () => {
  it('reports every host port when allowedHostPorts is empty (the default)', () => {
    const pod = ['apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'spec:', '  containers:', '    - name: a', '      image: a:1', '      ports: [{containerPort: 80, hostPort: 80}]'].join('\n');
    assert.equal(scanText(pod, { only: ['host-port'] }).findings.length, 1);
  });
});
