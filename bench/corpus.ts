import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import jsyaml from 'js-yaml';

/**
 * A synthetic corpus with the mix of ../shared/corpus (kube-prometheus and
 * microservices-demo): workloads with hardened and unhardened pods, Services,
 * ServiceAccounts, RBAC across namespaces, NetworkPolicies, ConfigMaps and
 * custom resources. Deterministic for a given seed.
 */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Make = (i: number, ns: string, random: () => number) => object;

const labels = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/version': '1.4.2' });

function container(name: string, random: () => number, hardened: boolean) {
  return {
    name,
    image: random() < 0.2 ? `nginx:latest` : `registry.example.com/team/${name}:v${Math.floor(random() * 20)}.2.1`,
    ports: [{ containerPort: 8080, name: 'http' }],
    env: [
      { name: 'PORT', value: '8080' },
      { name: 'REDIS_ADDR', value: 'redis-cart:6379' },
      ...(random() < 0.1 ? [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] : []),
    ],
    resources: random() < 0.7 ? { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } } : undefined,
    readinessProbe: random() < 0.6 ? { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 } : undefined,
    livenessProbe: random() < 0.6 ? { httpGet: { path: '/healthz', port: 8080 } } : undefined,
    securityContext: hardened
      ? { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, privileged: false }
      : random() < 0.1
        ? { privileged: true }
        : undefined,
  };
}

function podSpec(name: string, random: () => number) {
  const hardened = random() < 0.5;
  return {
    serviceAccountName: random() < 0.7 ? name : undefined,
    securityContext: hardened ? { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } } : undefined,
    hostNetwork: random() < 0.03 ? true : undefined,
    containers: [container(name, random, hardened), ...(random() < 0.3 ? [container(`${name}-sidecar`, random, hardened)] : [])],
    volumes: random() < 0.2 ? [{ name: 'config', configMap: { name: `${name}-config` } }, { name: 'tmp', emptyDir: {} }] : undefined,
  };
}

const KINDS: Array<[number, Make]> = [
  [18, (i, ns, r) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `app-${i}`, namespace: ns, labels: labels(`app-${i}`) }, spec: { replicas: 2, selector: { matchLabels: labels(`app-${i}`) }, template: { metadata: { labels: labels(`app-${i}`) }, spec: podSpec(`app-${i}`, r) } } })],
  [18, (i, ns, r) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: `app-${i}`, namespace: ns, labels: labels(`app-${i}`) }, spec: { type: r() < 0.05 ? 'NodePort' : 'ClusterIP', selector: labels(`app-${i}`), ports: [{ name: 'http', port: 80, targetPort: 8080 }] } })],
  [14, (i, ns) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `app-${i}`, namespace: ns, labels: labels(`app-${i}`) }, automountServiceAccountToken: false })],
  [10, (i, ns, r) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `app-${i}-config`, namespace: ns }, data: { 'config.yaml': Array.from({ length: 20 + Math.floor(r() * 40) }, (_, k) => `setting_${k}: value-${k}-${Math.floor(r() * 1e6)}`).join('\n') + '\n', LOG_LEVEL: 'info' } })],
  [8, (i, ns) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `app-${i}`, namespace: ns }, spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': `app-${i}` } }, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'frontend' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }], egress: [{}] } })],
  [5, (i, ns) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: `app-${i}`, namespace: ns }, rules: [{ apiGroups: [''], resources: ['configmaps', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] }] })],
  [7, (i, ns) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `app-${i}`, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `app-${i}` }, subjects: [{ kind: 'ServiceAccount', name: `app-${i}`, namespace: ns }] })],
  [3, (i, _ns, r) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `cluster-app-${i}` }, rules: [{ apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] }, ...(r() < 0.1 ? [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] : [])] })],
  [3, (i, ns) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `cluster-app-${i}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `cluster-app-${i}` }, subjects: [{ kind: 'ServiceAccount', name: `app-${i}`, namespace: ns }] })],
  [6, (i, ns) => ({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: `app-${i}`, namespace: ns, labels: labels(`app-${i}`) }, spec: { endpoints: [{ port: 'http', interval: '30s', relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'instance' }] }], selector: { matchLabels: labels(`app-${i}`) } } })],
  [3, (i, ns, r) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: `db-${i}`, namespace: ns }, spec: { serviceName: `db-${i}`, selector: { matchLabels: { app: `db-${i}` } }, template: { metadata: { labels: { app: `db-${i}` } }, spec: podSpec(`db-${i}`, r) }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }] } })],
  [1, (i, ns, r) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: `agent-${i}`, namespace: ns }, spec: { selector: { matchLabels: { app: `agent-${i}` } }, template: { metadata: { labels: { app: `agent-${i}` } }, spec: { ...podSpec(`agent-${i}`, r), hostPID: true, volumes: [{ name: 'root', hostPath: { path: '/' } }] } } } })],
  [2, (i, ns) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `app-${i}-tls`, namespace: ns }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'LS0tLS1CRUdJTi', 'tls.key': 'LS0tLS1CRUdJTi' } })],
  [2, (i, ns, r) => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: `job-${i}`, namespace: ns }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { ...podSpec(`job-${i}`, r), restartPolicy: 'OnFailure' } } } } } })],
];

export function generateCorpus(directory: string, objects: number, perFile = 100, seed = 42): { files: number; bytes: number } {
  const random = prng(seed);
  const total = KINDS.reduce((sum, [weight]) => sum + weight, 0);
  mkdirSync(directory, { recursive: true });
  let bytes = 0;
  let files = 0;
  for (let start = 0; start < objects; start += perFile) {
    const documents: string[] = [];
    for (let i = start; i < Math.min(objects, start + perFile); i++) {
      let pick = random() * total;
      let make = KINDS[0]![1];
      for (const [weight, candidate] of KINDS) {
        if ((pick -= weight) < 0) {
          make = candidate;
          break;
        }
      }
      const ns = `team-${Math.floor(random() * 200)}`;
      documents.push(jsyaml.dump(JSON.parse(JSON.stringify(make(i, ns, random))), { lineWidth: -1, noRefs: true }));
    }
    const text = documents.map((document) => `---\n${document}`).join('');
    bytes += Buffer.byteLength(text);
    writeFileSync(path.join(directory, `bundle-${String(files).padStart(4, '0')}.yaml`), text);
    files++;
  }
  return { files, bytes };
}
