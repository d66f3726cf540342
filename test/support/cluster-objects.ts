/**
 * Random cluster objects for the property tests that compare incremental state (the
 * inventory's analyses, the watcher's findings) with a fresh scan: the kinds the relational
 * checks and analyses read, controllers and the objects they control, with names that collide
 * so updates happen; and the operations (upsert, delete) that drive them.
 */
import fc from 'fast-check';
import { isClusterScoped } from '../../src/core/kinds/scope.js';
import { refOf, type KubeObject, type Resource } from '../../src/core/model/resource.js';
import { fileSource } from '../../src/core/model/source.js';

const NAMESPACES = ['shop', 'payments', 'default'];
const NAMES = ['api', 'db', 'web'];
const APP = fc.constantFrom('api', 'db', 'web');

const HASH = '5f7b9c';
const replicaSetName = (name: string, hashed: boolean) => (hashed ? `${name}-${HASH}` : `${name}-rs`);

const meta = (name: string, namespace?: string, labels?: Record<string, string>) => ({ name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) });

const podSpec = fc.record({
  app: APP,
  serviceAccountName: fc.constantFrom('default', 'deployer', 'admin-sa'),
  privileged: fc.boolean(),
  hostNetwork: fc.boolean(),
  automount: fc.constantFrom(undefined, true, false),
  resources: fc.boolean(),
  runtimeClassName: fc.constantFrom(undefined, 'gvisor', 'runc'),
});

type PodSpecInput = typeof podSpec extends fc.Arbitrary<infer T> ? T : never;

function template(spec: PodSpecInput) {
  return {
    metadata: { labels: { app: spec.app } },
    spec: {
      serviceAccountName: spec.serviceAccountName,
      ...(spec.hostNetwork ? { hostNetwork: true } : {}),
      ...(spec.automount === undefined ? {} : { automountServiceAccountToken: spec.automount }),
      ...(spec.runtimeClassName ? { runtimeClassName: spec.runtimeClassName } : {}),
      containers: [
        {
          name: 'main',
          image: 'registry.example/app:1.0',
          ports: [{ containerPort: 8080 }],
          ...(spec.resources ? { resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } } } : {}),
          securityContext: { privileged: spec.privileged },
        },
      ],
    },
  };
}

const name = fc.constantFrom(...NAMES);
const namespace = fc.constantFrom(...NAMESPACES);
const rule = fc.constantFrom(
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['create'] },
  { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
  { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
);
const subject = fc.constantFrom(
  { kind: 'ServiceAccount', name: 'deployer', namespace: 'shop' },
  { kind: 'ServiceAccount', name: 'admin-sa', namespace: 'payments' },
  { kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' },
  { kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' },
);

/** Objects of the kinds the relational checks and analyses read, with names that collide so updates happen. */
export const clusterObject: fc.Arbitrary<KubeObject> = fc.oneof(
  fc.record({ name: fc.constantFrom(...NAMESPACES), team: fc.constantFrom('a', 'b'), enforce: fc.constantFrom(undefined, 'restricted'), istio: fc.constantFrom(undefined, 'enabled') }).map(({ name, team, enforce, istio }) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta(name, undefined, { team, ...(enforce ? { 'pod-security.kubernetes.io/enforce': enforce } : {}), ...(istio ? { 'istio-injection': istio } : {}) }),
  })),
  fc.record({ namespace: fc.constantFrom('istio-system', 'istio-system', ...NAMESPACES), app: fc.constantFrom(undefined, undefined, 'api'), mode: fc.constantFrom('STRICT', 'PERMISSIVE', 'UNSET') }).map(({ namespace, app, mode }) => ({
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: meta(app ?? 'default', namespace),
    spec: { ...(app ? { selector: { matchLabels: { app } } } : {}), mtls: { mode } },
  })),
  fc.record({ name, namespace, mode: fc.constantFrom('DISABLE', 'ISTIO_MUTUAL') }).map(({ name, namespace, mode }) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: meta(name, namespace),
    spec: { host: name, trafficPolicy: { tls: { mode } } },
  })),
  fc.record({ name, namespace, kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet'), spec: podSpec, replicas: fc.constantFrom(1, 2) }).map(({ name, namespace, kind, spec, replicas }) => ({
    apiVersion: 'apps/v1',
    kind,
    metadata: meta(name, namespace),
    spec: { replicas, selector: { matchLabels: { app: spec.app } }, template: template(spec) },
  })),
  // ReplicaSets and Pods controlled by a Deployment or ReplicaSet of the same name (present or not): reported on the controller while it exists.
  // Named as the Deployment controller names them (with pod-template-hash in the labels) or not; two Pods per ReplicaSet, so siblings come and go.
  fc.record({ name, namespace, spec: podSpec, owned: fc.boolean(), hashed: fc.boolean() }).map(({ name, namespace, spec, owned, hashed }) => {
    const pods = template(spec);
    if (hashed) pods.metadata.labels = { ...pods.metadata.labels, 'pod-template-hash': HASH } as typeof pods.metadata.labels;
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { ...meta(replicaSetName(name, hashed), namespace), ...(owned ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: 'u', controller: true }] } : {}) },
      spec: { replicas: 1, selector: { matchLabels: pods.metadata.labels }, template: pods },
    };
  }),
  fc.record({ name, namespace, spec: podSpec, owned: fc.boolean(), hashed: fc.boolean(), sibling: fc.constantFrom('x', 'y') }).map(({ name, namespace, spec, owned, hashed, sibling }) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta(`${replicaSetName(name, hashed)}-${sibling}`, namespace, { app: spec.app, ...(hashed ? { 'pod-template-hash': HASH } : {}) }),
      ...(owned ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSetName(name, hashed), uid: 'u', controller: true }] } : {}),
    },
    spec: template(spec).spec,
  })),
  fc.record({ name, namespace, app: APP, type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer') }).map(({ name, namespace, app, type }) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name, namespace),
    spec: { type, selector: { app }, ports: [{ port: 80, targetPort: 8080 }] },
  })),
  fc.record({ name, namespace, backend: fc.constantFrom(...NAMES) }).map(({ name, namespace, backend }) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(name, namespace),
    spec: { rules: [{ host: 'shop.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: { number: 80 } } } }] } }] },
  })),
  fc.record({ name: fc.constantFrom('default', 'deployer', 'admin-sa'), namespace, automount: fc.constantFrom(undefined, true, false) }).map(({ name, namespace, automount }) => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(name, namespace),
    ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
  })),
  fc.record({ name, namespace, cluster: fc.boolean(), rules: fc.array(rule, { minLength: 1, maxLength: 2 }) }).map(({ name, namespace, cluster, rules }) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: cluster ? 'ClusterRole' : 'Role',
    metadata: meta(`${name}-role`, cluster ? undefined : namespace),
    rules,
  })),
  fc.record({ name, namespace, cluster: fc.boolean(), role: fc.constantFrom('api-role', 'db-role', 'cluster-admin', 'missing-role'), roleKind: fc.constantFrom('Role', 'ClusterRole'), subjects: fc.array(subject, { minLength: 1, maxLength: 2 }) }).map(
    ({ name, namespace, cluster, role, roleKind, subjects }) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: cluster ? 'ClusterRoleBinding' : 'RoleBinding',
      metadata: meta(`${name}-binding`, cluster ? undefined : namespace),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: cluster ? 'ClusterRole' : roleKind, name: role },
      subjects,
    }),
  ),
  fc.record({ name, namespace, app: fc.constantFrom(undefined, 'api', 'db', 'nothing'), egress: fc.boolean(), peerTeam: fc.constantFrom(undefined, 'a', 'z') }).map(({ name, namespace, app, egress, peerTeam }) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(`${name}-policy`, namespace),
    spec: {
      podSelector: app ? { matchLabels: { app } } : {},
      policyTypes: egress ? ['Ingress', 'Egress'] : ['Ingress'],
      ingress: peerTeam ? [{ from: [{ namespaceSelector: { matchLabels: { team: peerTeam } }, podSelector: { matchLabels: { app: 'web' } } }] }] : [],
    },
  })),
  fc.record({ namespace, kind: fc.constantFrom('LimitRange', 'ResourceQuota') }).map(({ namespace, kind }) => ({
    apiVersion: 'v1',
    kind,
    metadata: meta('limits', namespace),
    spec: kind === 'LimitRange' ? { limits: [{ type: 'Container', default: { cpu: '1', memory: '1Gi' }, defaultRequest: { cpu: '100m', memory: '64Mi' } }] } : { hard: { pods: '10' } },
  })),
  fc.record({ name, namespace, app: APP, minAvailable: fc.constantFrom(1, 2, '100%') }).map(({ name, namespace, app, minAvailable }) => ({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(`${name}-pdb`, namespace),
    spec: { minAvailable, selector: { matchLabels: { app } } },
  })),
  fc.record({ namespace }).map(({ namespace }) => ({ apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: meta('k8s', namespace), spec: {} })),
  fc.constantFrom('gvisor', 'runc').map((name) => ({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: meta(name), handler: name === 'gvisor' ? 'runsc' : 'runc' })),
);

export type Operation = { op: 'upsert'; object: KubeObject } | { op: 'delete'; index: number };
export const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 3, arbitrary: clusterObject.map((item) => ({ op: 'upsert' as const, object: item })) },
  { weight: 1, arbitrary: fc.nat(50).map((index) => ({ op: 'delete' as const, index })) },
);

let serial = 0;
export function resourceOf(item: KubeObject): Resource {
  // Each version of an object gets its own file, so findings sort the same in both inventories.
  return { ref: refOf(item, isClusterScoped), object: item, origin: { source: fileSource(`object-${String(serial++).padStart(6, '0')}.yaml`), document: 0 } };
}

