import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLUSTER_KINDS } from '../src/adapters/cluster/read.js';
import { etcdSnapshotWorkload } from '../src/core/control-plane/backups.js';
import { extractWorkload } from '../src/core/kinds/pod-spec.js';
import { coversNamespace, readSchedule } from '../src/core/kinds/velero.js';
import type { KubeObject, Resource } from '../src/core/model/resource.js';
import { createIncrementalInventory } from '../src/core/inventory/inventory.js';
import { loadText } from '../src/adapters/manifests/documents.js';
import { evaluateAll } from '../src/core/engine/run.js';
import { scanText } from './support/scan.js';

/**
 * etcd-backup-missing, the Velero Schedule model and the etcd snapshot reading, beyond the
 * fixtures: what counts as the control plane, once per scan, namespace coverage, where a
 * snapshot lands.
 */

const etcdPod = (name: string) =>
  [
    'apiVersion: v1',
    'kind: Pod',
    `metadata: {name: ${name}, namespace: kube-system}`,
    'spec:',
    '  containers:',
    '    - name: etcd',
    '      image: registry.k8s.io/etcd:3.5.16-0',
    '      command: [etcd, --data-dir=/var/lib/etcd, --cert-file=/pki/server.crt]',
  ].join('\n');

const schedule = (name: string, template: string, extra = '') =>
  ['apiVersion: velero.io/v1', 'kind: Schedule', `metadata: {name: ${name}, namespace: velero}`, 'spec:', `  schedule: "0 1 * * *"${extra}`, `  template: ${template}`].join('\n');

const deployment = (name: string, namespace: string) =>
  ['apiVersion: apps/v1', 'kind: Deployment', `metadata: {name: ${name}, namespace: ${namespace}}`, 'spec:', '  template:', '    spec:', `      containers: [{name: ${name}, image: ghcr.io/acme/${name}:1.0.0}]`].join('\n');

function findings(text: string, only = 'etcd-backup-missing') {
  return scanText(text, { only: [only] }).findings.map((finding) => `${finding.object.name}: ${finding.messageId}`);
}

function resourceOf(object: KubeObject): Resource {
  return { ref: { apiVersion: String(object.apiVersion), kind: String(object.kind), name: 'x', namespace: 'default' }, object, origin: { source: { type: 'stdin' }, document: 0 } } as unknown as Resource;
}

describe('etcd-backup-missing', () => {
  it('is not evaluated on application manifests: nothing there runs etcd or kube-apiserver', () => {
    const result = scanText([deployment('web', 'shop'), deployment('api', 'shop')].join('\n---\n'), { only: ['etcd-backup-missing'] });
    assert.deepEqual(result.findings, []);
    assert.equal(result.evaluated?.has('etcd-backup-missing'), false);
  });

  it('reports once for a three-member etcd, on the pod that sorts first, wherever it is in the input', () => {
    assert.deepEqual(findings([etcdPod('etcd-cp3'), etcdPod('etcd-cp1'), etcdPod('etcd-cp2')].join('\n---\n')), ['etcd-cp1: missing']);
  });

  it('counts Schedules together: one per namespace covers the cluster, and leaving out kube-system or Velero\'s own namespace is not reported', () => {
    const input = [etcdPod('etcd-cp1'), deployment('web', 'shop'), deployment('api', 'payments'), deployment('velero', 'velero')];
    assert.deepEqual(findings([...input, schedule('shop', '{includedNamespaces: [shop]}')].join('\n---\n')), ['etcd-cp1: partial']);
    assert.deepEqual(findings([...input, schedule('shop', '{includedNamespaces: [shop]}'), schedule('pay', '{includedNamespaces: [payments]}')].join('\n---\n')), []);
    assert.deepEqual(findings([...input, schedule('all', "{excludedNamespaces: [kube-system, velero]}")].join('\n---\n')), []);
  });

  it('does not count a paused Schedule, nor a k8up Schedule', () => {
    const paused = schedule('all', '{ttl: 720h0m0s}', '\n  paused: true');
    assert.deepEqual(findings([etcdPod('etcd-cp1'), paused].join('\n---\n')), ['etcd-cp1: paused']);
    const k8up = ['apiVersion: k8up.io/v1', 'kind: Schedule', 'metadata: {name: s, namespace: shop}', 'spec: {backup: {schedule: "@daily"}}'].join('\n');
    assert.deepEqual(findings([etcdPod('etcd-cp1'), k8up].join('\n---\n')), ['etcd-cp1: missing']);
  });

  it('the option backupKinds makes another operator\'s objects count', () => {
    const text = [etcdPod('etcd-cp1'), 'apiVersion: config.kio.kasten.io/v1alpha1\nkind: Policy\nmetadata: {name: nightly, namespace: kasten-io}\nspec: {frequency: "@daily"}'].join('\n---\n');
    assert.deepEqual(findings(text), ['etcd-cp1: missing']);
    const configured = scanText(text, { only: ['etcd-backup-missing'], config: { options: { 'etcd-backup-missing': { backupKinds: ['EtcdBackup', 'Policy'] } } } });
    assert.deepEqual(configured.findings, []);
  });

  it('is kept current by an incremental inventory: a Schedule added later clears the finding', () => {
    const { plan, loaded } = scanText(etcdPod('etcd-cp1'), { only: ['etcd-backup-missing'] });
    const inventory = createIncrementalInventory(loaded.resources);
    const run = () => evaluateAll(inventory.resources, inventory, plan).findings.length;
    assert.equal(run(), 1);
    for (const resource of loadText(schedule('all', '{ttl: 720h0m0s}'), 'velero.yaml').resources) inventory.upsert(resource);
    assert.equal(run(), 0);
  });

  it('a cluster scan lists Velero Schedules and EtcdBackups, and a cluster without the CRDs is not an error', () => {
    const listed = CLUSTER_KINDS.filter((kind) => kind.kind === 'Schedule' || kind.kind === 'EtcdBackup').map((kind) => `${kind.group}/${kind.version}/${kind.plural} ${kind.optional}`);
    assert.deepEqual(listed.sort(), ['etcd.database.coreos.com/v1beta2/etcdbackups true', 'velero.io/v1/schedules true']);
  });
});

describe('Velero Schedule namespaces', () => {
  const covers = (template: Record<string, unknown>, namespace: string) => coversNamespace(readSchedule(resourceOf({ apiVersion: 'velero.io/v1', kind: 'Schedule', spec: { template } })), namespace);

  it('follows the documented rules: empty or * is every namespace, an exclusion wins, patterns match', () => {
    assert.equal(covers({}, 'shop'), true);
    assert.equal(covers({ includedNamespaces: ['*'] }, 'shop'), true);
    assert.equal(covers({ includedNamespaces: ['*'], excludedNamespaces: ['shop'] }, 'shop'), false);
    assert.equal(covers({ includedNamespaces: ['app-*'] }, 'app-prod'), true);
    assert.equal(covers({ includedNamespaces: ['app-*'] }, 'shop'), false);
    assert.equal(covers({ includedNamespaces: ['ns?'] }, 'ns1'), true);
    assert.equal(covers({ includedNamespaces: ['ns?'] }, 'ns10'), false);
    assert.equal(covers({ includedNamespaces: ['[ab]c'] }, 'bc'), true);
    assert.equal(covers({ excludedNamespaces: ['kube-*'] }, 'kube-system'), false);
    assert.equal(covers({ includedNamespaces: ['a.b'] }, 'axb'), false);
  });
});

describe('etcd snapshot workloads', () => {
  const job = (script: string[], volumes: string, mounts: string, extraContainer = '') => {
    const object = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'snap', namespace: 'kube-system' },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'snap', image: 'registry.k8s.io/etcd:3.5.16-0', command: script, volumeMounts: JSON.parse(mounts) },
              ...(extraContainer ? [{ name: extraContainer, image: 'amazon/aws-cli:2.17.0', command: ['sh', '-c', 'sleep 60; aws s3 sync /backup s3://b'] }] : []),
            ],
            volumes: JSON.parse(volumes),
          },
        },
      },
    } as KubeObject;
    return etcdSnapshotWorkload(resourceOf(object), extractWorkload(object)!);
  };
  const hostBackup = '[{"name":"backup","hostPath":{"path":"/var/backups/etcd/"}}]';
  const mountBackup = '[{"name":"backup","mountPath":"/backup"}]';

  it('finds the snapshot file after flags, in a shell script, and maps it to the node directory', () => {
    const found = job(['sh', '-c', 'ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 \\\n  snapshot save --command-timeout 30s /backup/daily/etcd.db && echo done'], hostBackup, mountBackup);
    assert.equal(found?.recognised, 'command');
    assert.equal(found?.hostPathOnly?.hostPath, '/var/backups/etcd/daily');
  });

  it('does not judge a snapshot that is uploaded, written to another volume, moved by a sidecar, or not named plainly', () => {
    assert.equal(job(['sh', '-c', 'etcdctl snapshot save /backup/s.db; rclone copy /backup remote:etcd'], hostBackup, mountBackup)?.hostPathOnly, undefined);
    assert.equal(job(['etcdctl', 'snapshot', 'save', '/backup/s.db'], '[{"name":"backup","persistentVolumeClaim":{"claimName":"etcd-backups"}}]', mountBackup)?.hostPathOnly, undefined);
    assert.equal(job(['etcdctl', 'snapshot', 'save', '/backup/s.db'], hostBackup, mountBackup, 'upload')?.hostPathOnly, undefined);
    assert.equal(job(['sh', '-c', 'etcdctl snapshot save "$TARGET"'], hostBackup, mountBackup)?.hostPathOnly, undefined);
    assert.equal(job(['etcdctl', 'snapshot', 'save', 'relative.db'], hostBackup, mountBackup)?.hostPathOnly, undefined);
  });

  it('recognises nothing in a job that does not take snapshots', () => {
    assert.equal(job(['etcdctl', 'endpoint', 'health'], '[]', '[]'), undefined);
    assert.equal(job(['sh', '-c', 'etcdctl snapshot status /backup/s.db'], '[]', '[]'), undefined);
  });
});

describe('service-account-shared', () => {
  const pod = (name: string, labels: string, account: string) =>
    ['apiVersion: v1', 'kind: Pod', `metadata: {name: ${name}, namespace: shop, labels: ${labels}}`, 'spec:', `  serviceAccountName: ${account}`, `  containers: [{name: c, image: ghcr.io/acme/${name}:1.0.0}]`].join('\n');

  it('tells applications apart by instance first: the same app label in two releases is two applications', () => {
    const text = [pod('a', '{app: redis, app.kubernetes.io/instance: cache}', 'redis'), pod('b', '{app: redis, app.kubernetes.io/instance: sessions}', 'redis')].join('\n---\n');
    assert.deepEqual(findings(text, 'service-account-shared'), ['a: shared', 'b: shared']);
  });

  it('reports nothing for workloads of one application, or one workload alone', () => {
    assert.deepEqual(findings([pod('a', '{app: redis}', 'redis'), pod('b', '{app: redis}', 'redis')].join('\n---\n'), 'service-account-shared'), []);
    assert.deepEqual(findings(pod('a', '{app: redis}', 'redis'), 'service-account-shared'), []);
  });
});
