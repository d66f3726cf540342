import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readdirSync } from 'node:fs';
import { loadSources } from '../src/adapters/manifests/files.js';
import { scanResources } from '../src/app/scan.js';
import { sourceLabel } from '../src/core/model/source.js';
import { FIXED_NOW } from './support/scan.js';
import { SHARED } from './support/paths.js';

/**
 * Scans the manifest files of a folder of ../shared/corpus with every check, on or
 * off by default. Files are passed one by one, so a kustomization.yaml does not turn
 * the folder into a rendered Kustomize build and lines stay those of the files.
 */
async function scanCorpus(folder: string) {
  const directory = path.join(SHARED, 'corpus', folder);
  const files = readdirSync(directory).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml').sort();
  const loaded = await loadSources(files.map((file) => path.join(directory, file)));
  const { evaluation } = scanResources(loaded, { planRequest: { now: FIXED_NOW, enable: ['*'] }, version: 'test' });
  const at = (checkId: string, file: string) =>
    evaluation.findings
      .filter((finding) => finding.checkId === checkId && path.basename(sourceLabel(finding.source)) === file)
      .map((finding) => `${finding.location.line}:${finding.location.column}`);
  return { loaded, evaluation, at };
}

describe('real-world corpus: kube-prometheus', async () => {
  const { loaded, evaluation, at } = await scanCorpus('kube-prometheus');

  it('reads every object without errors', () => {
    assert.deepEqual(loaded.errors, []);
    assert.deepEqual(loaded.skipped, []);
    assert.equal(loaded.resources.length, 120);
    assert.deepEqual(evaluation.errors, []);
  });

  it('finds the node exporter on the host network and PID namespace, at their lines', () => {
    assert.deepEqual(at('host-network', 'nodeExporter-daemonset.yaml'), ['100:7']);
    assert.deepEqual(at('host-pid', 'nodeExporter-daemonset.yaml'), ['101:7']);
    assert.deepEqual(at('host-port', 'nodeExporter-daemonset.yaml'), ['80:11']);
  });

  it('finds the node exporter host mounts and its added capability, at their lines', () => {
    assert.deepEqual(at('host-path-sensitive', 'nodeExporter-daemonset.yaml'), ['114:11', '117:11']);
    // `/` contains the runtime sockets; `/sys` does not.
    assert.deepEqual(at('container-runtime-socket', 'nodeExporter-daemonset.yaml'), ['117:11']);
    assert.deepEqual(at('dangerous-capabilities', 'nodeExporter-daemonset.yaml'), ['54:15']);
    assert.deepEqual(at('capabilities-all-not-dropped', 'nodeExporter-daemonset.yaml'), []);
  });

  it('does not report run-as-root where the pod sets runAsNonRoot once (inheritance)', () => {
    // nodeExporter-daemonset.yaml sets runAsNonRoot at pod level (line 107) and per container.
    assert.deepEqual(at('run-as-root', 'nodeExporter-daemonset.yaml'), []);
    assert.deepEqual(at('run-as-root', 'prometheusOperator-deployment.yaml'), []);
  });

  it('finds secret readers at the exact rule entry', () => {
    assert.deepEqual(at('rbac-read-secrets', 'kubeStateMetrics-clusterRole.yaml'), ['15:5']);
  });
});

describe('real-world corpus: microservices-demo', async () => {
  const { loaded, evaluation, at } = await scanCorpus('microservices-demo');

  it('reads every object, skipping nothing silently', () => {
    assert.deepEqual(loaded.errors, []);
    assert.deepEqual(loaded.skipped, []);
    assert.equal(loaded.resources.length, 35);
    assert.deepEqual(evaluation.errors, []);
  });

  it('reports no privileged containers, host namespaces or root users in hardened pods', () => {
    const ids = new Set(evaluation.findings.map((finding) => finding.checkId));
    for (const id of ['privileged-container', 'host-network', 'host-pid', 'run-as-root', 'allow-privilege-escalation', 'writable-root-filesystem']) assert.ok(!ids.has(id), id);
  });

  it('finds untagged images, missing seccomp profiles and the public load balancer at their lines', () => {
    assert.deepEqual(at('image-latest-tag', 'frontend.yaml'), ['47:11']);
    assert.deepEqual(at('seccomp-profile-missing', 'frontend.yaml'), ['40:11']);
    assert.deepEqual(at('service-load-balancer', 'frontend.yaml'), ['130:3']);
  });
});
