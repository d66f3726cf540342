import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compareObject, quantityValue, type FieldDrift } from '../src/core/drift/compare.js';
import { compareDesired } from '../src/core/drift/drift.js';
import { isClusterScoped } from '../src/core/kinds/scope.js';
import { refOf, type KubeObject, type Resource } from '../src/core/model/resource.js';
import { fileSource } from '../src/core/model/source.js';
import { palisade } from './support/cli.js';
import { requireProgram, TEST_PATH } from './support/programs.js';
import { tempDir } from './support/temp.js';

const deployment = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', ...metadata },
  spec,
});
const pod = (containers: unknown[], extra: Record<string, unknown> = {}) => ({ replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers, ...extra } } });
const C = 'spec.template.spec.containers';

/** [what, desired, live, the differences expected as path -> change] */
const CASES: Array<[string, KubeObject, KubeObject, Array<Pick<FieldDrift, 'path' | 'change'> & { desired?: unknown; live?: unknown }>]> = [
  [
    'server defaults, status and managed metadata are not drift',
    deployment(pod([{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }])),
    deployment(
      { ...pod([{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }], imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', resources: {} }], { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', securityContext: {} }), strategy: { type: 'RollingUpdate' }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 },
      { uid: 'u-1', resourceVersion: '42', generation: 3, creationTimestamp: '2026-12-02T00:00:00Z', managedFields: [{ manager: 'kubectl' }], annotations: { 'deployment.kubernetes.io/revision': '3', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    ),
    [],
  ],
  [
    'a scalar set in the manifest and changed live',
    deployment(pod([{ name: 'web', image: 'nginx:1.27' }])),
    deployment({ ...pod([{ name: 'web', image: 'nginx:1.28' }]), replicas: 5 }),
    [
      { path: 'spec.replicas', change: 'changed', desired: 2, live: 5 },
      { path: `${C}[name=web].image`, change: 'changed', desired: 'nginx:1.27', live: 'nginx:1.28' },
    ],
  ],
  [
    'containers match by name, not position; a container only live is drift',
    deployment(pod([{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }])),
    deployment(pod([{ name: 'b', image: 'b:1' }, { name: 'sidecar', image: 's:1' }, { name: 'a', image: 'a:1' }])),
    [{ path: `${C}[name=sidecar]`, change: 'extra', live: { name: 'sidecar', image: 's:1' } }],
  ],
  [
    'env by name: an added variable, a changed one, a removed one',
    deployment(pod([{ name: 'web', image: 'w', env: [{ name: 'MODE', value: 'prod' }, { name: 'GONE', value: 'x' }] }])),
    deployment(pod([{ name: 'web', image: 'w', env: [{ name: 'DEBUG', value: '1' }, { name: 'MODE', value: 'dev' }] }])),
    [
      { path: `${C}[name=web].env[name=MODE].value`, change: 'changed', desired: 'prod', live: 'dev' },
      { path: `${C}[name=web].env[name=GONE]`, change: 'missing', desired: { name: 'GONE', value: 'x' } },
      { path: `${C}[name=web].env[name=DEBUG]`, change: 'extra', live: { name: 'DEBUG', value: '1' } },
    ],
  ],
  [
    'ports by containerPort, volumes by name, volumeMounts by mountPath',
    deployment(pod([{ name: 'web', image: 'w', ports: [{ containerPort: 80, name: 'http' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }], { volumes: [{ name: 'data', emptyDir: {} }] })),
    deployment(pod([{ name: 'web', image: 'w', ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }], volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }] }], { volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'data', emptyDir: {} }] })),
    [
      { path: `${C}[name=web].ports[containerPort=80]`, change: 'missing', desired: { containerPort: 80, name: 'http' } },
      { path: `${C}[name=web].ports[containerPort=8080]`, change: 'extra', live: { containerPort: 8080, name: 'http', protocol: 'TCP' } },
      { path: `${C}[name=web].volumeMounts[mountPath=/tmp]`, change: 'extra', live: { name: 'tmp', mountPath: '/tmp' } },
      { path: 'spec.template.spec.volumes[name=tmp]', change: 'extra', live: { name: 'tmp', emptyDir: {} } },
    ],
  ],
  [
    'quantities compare by value; a real change is reported as written',
    deployment(pod([{ name: 'web', image: 'w', resources: { limits: { cpu: '0.5', memory: '1Gi' }, requests: { cpu: 1, memory: '128Mi' } } }])),
    deployment(pod([{ name: 'web', image: 'w', resources: { limits: { cpu: '500m', memory: '1024Mi' }, requests: { cpu: '1', memory: '256Mi' } } }])),
    [{ path: `${C}[name=web].resources.requests.memory`, change: 'changed', desired: '128Mi', live: '256Mi' }],
  ],
  [
    'a port written as a string equals the number the server stores; a named targetPort stays a name',
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: '8080' }, { port: 443, targetPort: 'https' }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'shop' }, spec: { selector: { app: 'web' }, type: 'ClusterIP', clusterIP: '10.0.0.1', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }, { port: 443, targetPort: 'http', protocol: 'TCP' }] } },
    [{ path: 'spec.ports[port=443].targetPort', change: 'changed', desired: 'https', live: 'http' }],
  ],
  [
    'lists without a merge key: position by position, and a different length is drift',
    deployment(pod([{ name: 'web', image: 'w', args: ['--a', '--b'] }], { tolerations: [{ key: 'k', operator: 'Exists' }] })),
    deployment(pod([{ name: 'web', image: 'w', args: ['--b', '--a'] }], { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, { key: 'x' }] })),
    [
      { path: `${C}[name=web].args`, change: 'changed', desired: ['--a', '--b'], live: ['--b', '--a'] },
      { path: 'spec.template.spec.tolerations', change: 'changed', desired: [{ key: 'k', operator: 'Exists' }], live: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, { key: 'x' }] },
    ],
  ],
  [
    'labels and annotations: a desired one changed or removed; one only live is not drift',
    deployment(pod([{ name: 'web', image: 'w' }]), { labels: { app: 'web', tier: 'front' }, annotations: { owner: 'a' } }),
    deployment(pod([{ name: 'web', image: 'w' }]), { labels: { app: 'web', added: 'by-someone' }, annotations: { owner: 'b' } }),
    [
      { path: 'metadata.labels.tier', change: 'missing', desired: 'front' },
      { path: 'metadata.annotations.owner', change: 'changed', desired: 'a', live: 'b' },
    ],
  ],
  [
    'empty values the server drops are not drift',
    deployment(pod([{ name: 'web', image: 'w', env: [], securityContext: {}, command: null }])),
    deployment(pod([{ name: 'web', image: 'w' }])),
    [],
  ],
];

describe('configuration drift: one object against its live object', () => {
  for (const [what, desired, live, expected] of CASES) {
    it(what, () => {
      assert.deepEqual(compareObject(desired, live).fields, expected);
    });
  }

  it('reads quantities as the API server does', () => {
    for (const [text, value] of [['500m', 0.5], ['0.5', 0.5], ['1Gi', 2 ** 30], ['1024Mi', 2 ** 30], ['1e3', 1000], ['1k', 1000], ['.5', 0.5], ['100n', 1e-7]] as const) assert.equal(quantityValue(text), value, text);
    for (const text of ['abc', '1Xi', '', '1 Gi']) assert.equal(quantityValue(text), undefined, text);
  });

  it('compares a Secret by key only and never carries a value', () => {
    const secret = (data: Record<string, string> | undefined, stringData?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop', labels: { app: 'db' } }, ...(data ? { data } : {}), ...(stringData ? { stringData } : {}) });
    const desired = secret({ password: 'c2VjcmV0LWE=', user: 'YWRtaW4=' }, { token: 'plain-token-value' });
    const withData = compareObject(desired, secret({ password: 'c2VjcmV0LWI=', user: 'YWRtaW4=' }));
    assert.deepEqual(withData.fields, [
      { path: 'data.password', change: 'changed', secret: true },
      { path: 'data.token', change: 'missing', secret: true },
    ]);
    const text = JSON.stringify(withData);
    for (const value of ['c2VjcmV0LWE=', 'c2VjcmV0LWI=', 'YWRtaW4=', 'plain-token-value']) assert.ok(!text.includes(value), value);
    // Read from a cluster, a Secret is metadata only: its data is not compared, and that is said.
    const metadataOnly = compareObject({ ...desired, type: 'Opaque' }, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop', labels: { app: 'other' } } });
    assert.deepEqual(metadataOnly.fields, [{ path: 'metadata.labels.app', change: 'changed', desired: 'db', live: 'other' }]);
    assert.match(metadataOnly.notCompared ?? '', /data not compared: Palisade reads Secrets as metadata only/);
  });
});

const resource = (object: KubeObject, defaultNamespace?: string): Resource => {
  const ref = refOf(object, isClusterScoped);
  const metadata = object.metadata as Record<string, unknown>;
  if (defaultNamespace && ref.namespace !== undefined && !metadata.namespace) ref.namespace = defaultNamespace;
  return { ref, object, origin: { source: fileSource('k8s/app.yaml'), document: 0 } };
};

describe('configuration drift: matching desired and live objects', () => {
  const live = [
    resource(deployment(pod([{ name: 'web', image: 'w' }]))),
    resource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { a: '1' } }),
    resource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray', namespace: 'shop' }, data: {} }),
    resource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'shop' }, data: {} }),
    resource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'elsewhere', namespace: 'other' }, data: {} }),
    resource({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }),
    resource({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'shop', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] } }),
  ];
  const desired = [
    // No namespace: it takes the one given with -n, as kubectl apply -n does.
    resource({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: pod([{ name: 'web', image: 'w' }]) }, 'shop'),
    resource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { a: '2' } }),
    resource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'missing', namespace: 'shop' }, data: {} }),
    resource({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }),
    // Same kind name, another group: not the Deployment above.
    resource({ apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } }),
  ];

  it('matches by group, kind, namespace and name; reports not deployed', () => {
    const result = compareDesired(desired, live);
    assert.deepEqual(result.objects.map((object) => [object.status, `${object.object.group}/${object.object.kind}/${object.object.namespace}/${object.object.name}`]), [
      ['not-deployed', '/ConfigMap/shop/missing'],
      ['drifted', '/ConfigMap/shop/settings'],
      ['not-deployed', '/Namespace/undefined/shop'],
      ['in-sync', 'apps/Deployment/shop/web'],
      ['not-deployed', 'example.com/Deployment/shop/web'],
    ]);
    assert.equal(result.drift, true);
    assert.deepEqual(result.counts, { drifted: 1, 'not-deployed': 3, 'not-desired': 0, 'in-sync': 1 });
  });

  it('with prune, reports live objects no manifest describes (namespaced desired kinds, desired namespaces; not owned, not made by the control plane)', () => {
    const result = compareDesired(desired, live, { prune: true });
    assert.deepEqual(result.objects.filter((object) => object.status === 'not-desired').map((object) => object.object.name), ['stray']);
  });

  it('no drift when every desired object matches', () => {
    const result = compareDesired(desired.slice(0, 1), live);
    assert.equal(result.drift, false);
  });
});

describe('palisade drift against a snapshot file (the built CLI)', () => {
  const dir = tempDir('palisade-drift');
  const desiredDir = path.join(dir, 'k8s');
  const snapshot = path.join(dir, 'cluster.json');
  const SECRET = 'c25hcHNob3QtbmV2ZXItcHJpbnQ=';
  mkdirSync(desiredDir);
  writeFileSync(
    path.join(desiredDir, 'app.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
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
          resources:
            limits: {cpu: "0.5", memory: 1Gi}
---
apiVersion: v1
kind: Secret
metadata:
  name: db
data:
  password: ${SECRET}
`,
  );
  const liveList = (replicas: number, image: string) => ({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      deployment({ ...pod([{ name: 'web', image, imagePullPolicy: 'IfNotPresent', resources: { limits: { cpu: '500m', memory: '1024Mi' } } }]), replicas }, { uid: 'x', resourceVersion: '7' }),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop', uid: 'y' } },
    ],
  });

  it('exits 0 and says in sync when only server defaults differ', () => {
    writeFileSync(snapshot, JSON.stringify(liveList(2, 'nginx:1.27')));
    const result = palisade(['drift', '--desired', desiredDir, '--snapshot', snapshot, '-n', 'shop']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /Deployment shop\/web {2}in sync/);
    assert.match(result.stdout, /data not compared: Palisade reads Secrets as metadata only/);
    assert.ok(!result.stdout.includes(SECRET));
  });

  it('exits 1 and reports each changed field with both values (table, json, line)', () => {
    writeFileSync(snapshot, JSON.stringify(liveList(5, 'nginx:1.28')));
    const table = palisade(['drift', '--desired', desiredDir, '--snapshot', snapshot, '-n', 'shop']);
    assert.equal(table.code, 1, table.stderr);
    assert.match(table.stdout, /spec\.replicas: desired 2, live 5/);
    assert.match(table.stdout, /spec\.template\.spec\.containers\[name=web\]\.image: desired "nginx:1\.27", live "nginx:1\.28"/);
    const json = palisade(['drift', '--desired', desiredDir, '--snapshot', snapshot, '-n', 'shop', '-o', 'json']);
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout);
    assert.equal(report.schemaVersion, 'palisade.dev/drift/v1');
    const web = report.objects.find((object: { object: { kind: string } }) => object.object.kind === 'Deployment');
    assert.deepEqual(web.fields, [
      // Each at its line and column in the desired file.
      { path: 'spec.replicas', change: 'changed', desired: 2, live: 5, line: 6, column: 3 },
      { path: 'spec.template.spec.containers[name=web].image', change: 'changed', desired: 'nginx:1.27', live: 'nginx:1.28', line: 15, column: 11 },
    ]);
    assert.match(web.desired, /app\.yaml:1:1$/);
    const line = palisade(['drift', '--desired', desiredDir, '--snapshot', snapshot, '-n', 'shop', '-o', 'line']);
    assert.equal(line.stdout.trim().split('\n').length, 2);
    assert.match(line.stdout, /app\.yaml:6:3: drift drifted: Deployment shop\/web spec\.replicas: desired 2, live 5\n/);
    assert.match(line.stdout, /app\.yaml:15:11: drift drifted: Deployment shop\/web spec\.template\.spec\.containers\[name=web\]\.image: desired "nginx:1\.27", live "nginx:1\.28"\n/);
  });

  it('reports a desired object missing from the snapshot as not deployed (another namespace)', () => {
    writeFileSync(snapshot, JSON.stringify(liveList(2, 'nginx:1.27')));
    const result = palisade(['drift', '--desired', desiredDir, '--snapshot', snapshot, '-n', 'other', '-o', 'json']);
    assert.equal(result.code, 1);
    assert.deepEqual(JSON.parse(result.stdout).counts, { drifted: 0, 'not-deployed': 2, 'not-desired': 0, 'in-sync': 0 });
  });

  it('a kind the snapshot does not hold is not compared (exit 2), never "not deployed"', () => {
    writeFileSync(snapshot, JSON.stringify(liveList(2, 'nginx:1.27')));
    const extra = path.join(dir, 'storage.yaml');
    writeFileSync(extra, 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: example.com/fast\n');
    const result = palisade(['drift', '--desired', desiredDir, '--desired', extra, '--snapshot', snapshot, '-n', 'shop', '-o', 'json']);
    assert.equal(result.code, 2, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.notCompared.map((item: { kind: string; name: string }) => `${item.kind}/${item.name}`), ['StorageClass/fast']);
    assert.match(report.notCompared[0].reason, /holds no StorageClass/);
    assert.equal(report.counts['not-deployed'], 0);
  });

  it('usage errors exit 2 with a message', () => {
    for (const [args, message] of [
      [['drift', '--snapshot', snapshot], /no desired manifests/],
      [['drift', '--desired', desiredDir], /give --cluster .* or --snapshot FILE/],
      [['drift', '--desired', desiredDir, '--cluster', '--snapshot', snapshot], /--cluster and --snapshot: give one/],
      [['drift', '--desired', desiredDir, '--snapshot', path.join(dir, 'nope.json')], /nope\.json/],
    ] as const) {
      const result = palisade([...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}`);
      assert.match(result.stderr + result.stdout, message);
    }
  });

  it('--help ends with examples', () => {
    const result = palisade(['drift', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /\nExamples:\n(.+\n)+$/);
  });
});

describe('palisade drift: the desired state as a Kustomize overlay or a Helm chart (rendered by the real programs)', () => {
  const dir = tempDir('palisade-drift-render');
  const base = path.join(dir, 'base');
  const overlay = path.join(dir, 'overlays', 'prod');
  const chart = path.join(dir, 'chart');
  const snapshot = path.join(dir, 'cluster.json');
  for (const folder of [base, overlay, path.join(chart, 'templates')]) mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(base, 'kustomization.yaml'), 'resources: [deployment.yaml]\n');
  writeFileSync(
    path.join(base, 'deployment.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n',
  );
  writeFileSync(
    path.join(overlay, 'kustomization.yaml'),
    'namespace: shop\nresources: [../../base]\npatches:\n  - patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 3\n    target: {kind: Deployment, name: web}\n',
  );
  writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
  writeFileSync(path.join(chart, 'values.yaml'), 'replicas: 1\nimage: nginx:1.27\n');
  writeFileSync(
    path.join(chart, 'templates', 'deployment.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {{ .Values.replicas }}\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: {{ .Values.image }}\n',
  );
  writeFileSync(snapshot, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [deployment({ ...pod([{ name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent' }]), replicas: 3 })] }));
  const env = { PATH: TEST_PATH };

  it('a Kustomize overlay: its namespace and patches are the desired state', () => {
    requireProgram('kustomize');
    const synced = palisade(['drift', '--desired', overlay, '--snapshot', snapshot, '-o', 'json'], { env });
    assert.equal(synced.code, 0, synced.stderr + synced.stdout);
    const drifted = palisade(['drift', '--desired', base, '--snapshot', snapshot, '-n', 'shop', '-o', 'json'], { env });
    assert.equal(drifted.code, 1, drifted.stderr);
    assert.deepEqual(JSON.parse(drifted.stdout).objects[0].fields, [{ path: 'spec.replicas', change: 'changed', desired: 1, live: 3, line: 6, column: 3 }]);
  });

  it('a Helm chart with --set and -n', () => {
    requireProgram('helm');
    const synced = palisade(['drift', '--desired', chart, '--set', 'replicas=3', '-n', 'shop', '--snapshot', snapshot], { env });
    assert.equal(synced.code, 0, synced.stderr + synced.stdout);
    const drifted = palisade(['drift', '--desired', chart, '--set', 'replicas=3', '--set', 'image=nginx:1.28', '-n', 'shop', '--snapshot', snapshot, '-o', 'line'], { env });
    assert.equal(drifted.code, 1, drifted.stderr);
    assert.match(drifted.stdout, /templates\/deployment\.yaml \(helm template\):17:11: drift drifted: Deployment shop\/web spec\.template\.spec\.containers\[name=web\]\.image: desired "nginx:1\.28", live "nginx:1\.27"/);
  });
});
