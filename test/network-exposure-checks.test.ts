import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanText } from './support/scan.js';

describe('no-network-policies', () => {
  it('reports on the Namespace whose name sorts first, wherever it is in the files', () => {
    const text = ['apiVersion: v1', 'kind: Namespace', 'metadata: {name: zeta}', '---', 'apiVersion: v1', 'kind: Namespace', 'metadata: {name: alpha}', '---', 'apiVersion: v1', 'kind: Namespace', 'metadata: {name: mid}'].join('\n');
    const findings = scanText(text, { only: ['no-network-policies'] }).findings;
    assert.deepEqual(findings.map((finding) => finding.object.name), ['alpha']);
  });

  const bundle = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web, namespace: shop}',
    'spec:',
    '  template:',
    '    spec:',
    '      containers: [{name: web, image: web:1}]',
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: web-7d9f-abcde',
    '  namespace: a-first',
    '  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9f, uid: u, controller: true}]',
    'spec:',
    '  containers: [{name: web, image: web:1}]',
    '---',
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata: {name: migrate, namespace: shop}',
    'spec:',
    '  template:',
    '    spec:',
    '      containers: [{name: m, image: m:1}]',
  ].join('\n');
  const run = (options?: Record<string, unknown>) =>
    scanText(bundle, { only: ['no-network-policies'], ...(options ? { config: { options: { 'no-network-policies': options } } } : {}) }).findings.map(
      (finding) => `${finding.object.kind}/${finding.object.name}`,
    );

  it('reports a bundle without Namespace objects once by default, on the first workload by namespace, kind and name (controller-owned pods skipped)', () => {
    assert.deepEqual(run(), ['Deployment/web']);
  });
  it('is silent on such a bundle for teams whose policies live elsewhere (reportWithoutNamespaces: false)', () => {
    assert.deepEqual(run({ reportWithoutNamespaces: false }), []);
  });
  it('reports an application of 12 Deployments and no NetworkPolicy once, naming the workloads left open (issue 11)', () => {
    const names = ['ad', 'cart', 'checkout', 'currency', 'email', 'frontend', 'loadgen', 'payment', 'catalog', 'recommend', 'redis', 'shipping'];
    const text = names
      .map((name) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: "r/${name}:1"}]`)
      .join('\n---\n');
    const findings = scanText(text, { only: ['no-network-policies'] }).findings;
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.object.name, 'ad');
    assert.equal(
      findings[0]!.message,
      'none of the scanned objects is a NetworkPolicy: no pod is isolated, every pod accepts traffic from any source; 12 workloads left open: Deployment default/ad, Deployment default/cart, Deployment default/catalog, Deployment default/checkout and 8 more',
    );
  });
  it('counts only the configured policy kinds', () => {
    const withCalico = `${bundle}\n---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: deny}\nspec: {selector: all()}\n`;
    const findings = (policyKinds?: string[]) =>
      scanText(withCalico, { only: ['no-network-policies'], config: { options: { 'no-network-policies': { reportWithoutNamespaces: true, ...(policyKinds ? { policyKinds } : {}) } } } }).findings.length;
    assert.equal(findings(), 0);
    assert.equal(findings(['NetworkPolicy']), 1);
  });
});

describe('sensitive-ui-exposed options', () => {
  const manifest = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: console}',
    'spec:',
    '  template:',
    '    metadata: {labels: {app: console}}',
    '    spec:',
    '      containers: [{name: c, image: "registry.example.com/tools/admin-console:1.2@sha256:0123"}]',
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: console}',
    'spec: {type: NodePort, selector: {app: console}, ports: [{port: 80}]}',
  ].join('\n');
  const run = (images?: string[]) =>
    scanText(manifest, { only: ['sensitive-ui-exposed'], ...(images ? { config: { options: { 'sensitive-ui-exposed': { images } } } } : {}) }).findings.length;

  it('matches image patterns on the end of the repository path, with * inside a segment', () => {
    assert.equal(run(), 0);
    assert.equal(run(['admin-console']), 1);
    assert.equal(run(['tools/admin-*']), 1);
    assert.equal(run(['other/admin-console']), 0);
    assert.equal(run(['console']), 0);
  });
});
