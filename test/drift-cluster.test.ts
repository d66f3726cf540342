import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSources } from '../src/adapters/manifests/files.js';
import { kindInfo } from '../src/core/kinds/catalog.js';
import { startCluster, type TestCluster } from './support/cluster.js';
import { palisade } from './support/cli.js';
import { repoPath } from './support/paths.js';
import { tempDir } from './support/temp.js';

/**
 * The real API server is the oracle for what it defaults: the desired manifests are created
 * through the API, and right after that `palisade drift` must find no drift at all, whatever
 * the server filled in (strategy, imagePullPolicy, protocol, policyTypes, clusterIP, ...,
 * quantities written back in canonical form). Then fields are changed live and exactly those
 * paths must be reported, with both values.
 */
const SECRET_VALUE = 'drift-secret-never-print';

const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata:
  name: drift
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 8080
              name: http
          env:
            - name: MODE
              value: prod
          resources:
            requests: {cpu: "0.5", memory: 1024Mi}
            limits: {cpu: 1000m, memory: 1Gi}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
spec:
  podSelector: {}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: busybox:1.36
              args: [sh, -c, "echo done"]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  level: info
---
apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: ${SECRET_VALUE}
`;

describe('palisade drift against the real API server', () => {
  let cluster: TestCluster;
  const dir = tempDir('palisade-drift-cluster');
  const desired = path.join(dir, 'k8s');
  const drift = (...args: string[]) => palisade(['drift', '--desired', desired, '--cluster', '--kubeconfig', cluster.kubeconfig, '-n', 'drift', ...args]);
  const objectPath = (apiVersion: string, kind: string, name?: string) => {
    const info = kindInfo(kind)!;
    const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return `${prefix}${info.namespaced ? '/namespaces/drift' : ''}/${info.plural}${name ? `/${name}` : ''}`;
  };
  /** GET, change, PUT: a live edit as kubectl edit makes it. */
  const edit = async (apiVersion: string, kind: string, name: string, change: (object: any) => void) => {
    const read = await cluster.get(objectPath(apiVersion, kind, name));
    assert.equal(read.status, 200, read.body);
    const object = JSON.parse(read.body);
    change(object);
    const written = await cluster.request('PUT', objectPath(apiVersion, kind, name), object);
    assert.equal(written.status, 200, written.body.slice(0, 300));
  };

  before(async () => {
    mkdirSync(desired);
    writeFileSync(path.join(desired, 'app.yaml'), MANIFESTS);
    cluster = await startCluster();
    // Created as `kubectl apply -n drift` would: the same objects the drift command reads.
    const loaded = await loadSources([desired], { defaultNamespace: 'drift' });
    assert.deepEqual(loaded.errors, []);
    for (const resource of loaded.resources) {
      const object = structuredClone(resource.object) as { apiVersion: string; kind: string; metadata: Record<string, unknown> };
      if (resource.ref.namespace) object.metadata.namespace = resource.ref.namespace;
      const response = await cluster.post(objectPath(object.apiVersion, object.kind), object);
      assert.equal(response.status, 201, `${object.kind}: ${response.body.slice(0, 300)}`);
    }
  });
  after(async () => {
    await cluster?.stop();
  });

  it('finds no drift right after the manifests are created: what the server defaults is not drift', () => {
    const result = drift('-o', 'json');
    assert.equal(result.code, 0, `${result.stderr}\n${result.stdout}`);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.counts, { drifted: 0, 'not-deployed': 0, 'not-desired': 0, 'in-sync': 7 });
    assert.deepEqual(report.errors, []);
    const secret = report.objects.find((object: { object: { kind: string } }) => object.object.kind === 'Secret');
    assert.match(secret.notCompared, /metadata only/);
    assert.ok(!result.stdout.includes(SECRET_VALUE));
  });

  it('reports exactly the fields changed live, with both values', async () => {
    await edit('apps/v1', 'Deployment', 'web', (object) => {
      object.spec.replicas = 5;
      const container = object.spec.template.spec.containers[0];
      container.image = 'nginx:1.28';
      container.env.push({ name: 'DEBUG', value: '1' });
      container.resources.limits.memory = '2Gi';
    });
    await edit('v1', 'ConfigMap', 'settings', (object) => {
      object.data.level = 'debug';
      object.metadata.labels = { added: 'live' };
    });
    const result = drift('-o', 'json');
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout);
    // Lines and columns are in the desired file (tested on snapshots); here the paths and values.
    const fields = Object.fromEntries(report.objects.filter((object: { status: string }) => object.status === 'drifted').map((object: { object: { kind: string; name: string }; fields: Array<Record<string, unknown>> }) => [`${object.object.kind}/${object.object.name}`, object.fields.map(({ line: _line, column: _column, ...field }) => field)]));
    const C = 'spec.template.spec.containers[name=web]';
    assert.deepEqual(fields, {
      'ConfigMap/settings': [{ path: 'data.level', change: 'changed', desired: 'info', live: 'debug' }],
      'Deployment/web': [
        { path: 'spec.replicas', change: 'changed', desired: 2, live: 5 },
        { path: `${C}.image`, change: 'changed', desired: 'nginx:1.27', live: 'nginx:1.28' },
        { path: `${C}.env[name=DEBUG]`, change: 'extra', live: { name: 'DEBUG', value: '1' } },
        { path: `${C}.resources.limits.memory`, change: 'changed', desired: '1Gi', live: '2Gi' },
      ],
    });
  });

  it('reports a deleted object as not deployed, and with --prune a live object no manifest describes', async () => {
    assert.equal((await cluster.request('DELETE', objectPath('v1', 'ConfigMap', 'settings'))).status, 200);
    assert.equal((await cluster.post(objectPath('v1', 'ConfigMap'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray', namespace: 'drift' }, data: {} })).status, 201);
    const plain = JSON.parse(drift('-o', 'json').stdout);
    assert.deepEqual(plain.objects.filter((object: { status: string }) => object.status === 'not-deployed').map((object: { object: { name: string } }) => object.object.name), ['settings']);
    assert.equal(plain.counts['not-desired'], 0);
    const prunedReport = JSON.parse(drift('--prune', '-o', 'json').stdout);
    // Not the control plane's namespaces (cluster-scoped), not the namespace's kube-root-ca.crt or default ServiceAccount.
    assert.deepEqual(prunedReport.objects.filter((object: { status: string }) => object.status === 'not-desired').map((object: { object: { kind: string; name: string } }) => `${object.object.kind}/${object.object.name}`), ['ConfigMap/stray']);
    const pruned = drift('--prune', '-o', 'line');
    assert.equal(pruned.code, 1);
    assert.match(pruned.stdout, /cluster:[^:]+: drift not-desired: ConfigMap drift\/stray is not in desired state/);
    assert.match(pruned.stdout, /app\.yaml:\d+:1: drift not-deployed: ConfigMap drift\/settings is not deployed/);
  });

  it('posture drift: palisade watch --baseline marks the findings not in a scan baseline as new', async () => {
    const privileged = (name: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'posture' },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', securityContext: { privileged: true } }] } } },
    });
    assert.equal((await cluster.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'posture' } })).status, 201);
    assert.equal((await cluster.post('/apis/apps/v1/namespaces/posture/deployments', privileged('accepted'))).status, 201);
    const baseline = path.join(dir, 'baseline.json');
    const written = palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '-n', 'posture', '--write-baseline', baseline, '-o', 'json']);
    assert.equal(written.code, 0, written.stderr);

    const home = tempDir('palisade-drift-watch');
    const { NO_COLOR: _noColor, PALISADE_FINDING_STORE: _store, ...inherited } = process.env;
    const child = spawn(process.execPath, [repoPath('bin/palisade.js'), 'watch', '-o', 'json', '--kubeconfig', cluster.kubeconfig, '-n', 'posture', '--baseline', baseline, '--store', path.join(home, 'findings.db')], { cwd: home, env: { ...inherited, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') } });
    const events: Array<{ event: string; checkId: string; object: { name: string }; newSinceBaseline?: boolean }> = [];
    let buffer = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) if (line.trim()) events.push(JSON.parse(line));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const find = (name: string) => events.find((event) => event.checkId === 'privileged-container' && event.object.name === name);
    const until = async (what: string, ready: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!ready()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events)}; stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await until('the initial sync', () => find('accepted') !== undefined);
      assert.equal(find('accepted')!.newSinceBaseline, false);
      assert.equal((await cluster.post('/apis/apps/v1/namespaces/posture/deployments', privileged('added'))).status, 201);
      await until('the new deployment', () => find('added') !== undefined);
      assert.equal(find('added')!.event, 'opened');
      assert.equal(find('added')!.newSinceBaseline, true);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
    }
  });
});
