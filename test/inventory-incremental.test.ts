import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { resolvePlan } from '../src/core/engine/config.js';
import { evaluateAll } from '../src/core/engine/run.js';
import type { Analysis } from '../src/core/inventory/analysis.js';
import { buildInventory, createIncrementalInventory, type IncrementalInventory, type Inventory } from '../src/core/inventory/inventory.js';
import { isClusterScoped } from '../src/core/kinds/scope.js';
import { refOf, type KubeObject, type Resource } from '../src/core/model/resource.js';
import { fileSource } from '../src/core/model/source.js';
import { FIXED_NOW } from './support/scan.js';

/**
 * An incremental inventory fed a random sequence of adds, updates and deletes must give every
 * check the same findings as a fresh snapshot of the same objects, after every step: analyses
 * built at one step and kept must be dropped exactly when an object they read changes.
 */

const NAMESPACES = ['shop', 'payments', 'default'];
const NAMES = ['api', 'db', 'web'];
const APP = fc.constantFrom('api', 'db', 'web');

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
const object: fc.Arbitrary<KubeObject> = fc.oneof(
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
  fc.record({ name, namespace, spec: podSpec }).map(({ name, namespace, spec }) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { ...meta(`${name}-pod`, namespace), labels: { app: spec.app } }, spec: template(spec).spec })),
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

type Operation = { op: 'upsert'; object: KubeObject } | { op: 'delete'; index: number };
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 3, arbitrary: object.map((item) => ({ op: 'upsert' as const, object: item })) },
  { weight: 1, arbitrary: fc.nat(50).map((index) => ({ op: 'delete' as const, index })) },
);

let serial = 0;
function resourceOf(item: KubeObject): Resource {
  // Each version of an object gets its own file, so findings sort the same in both inventories.
  return { ref: refOf(item, isClusterScoped), object: item, origin: { source: fileSource(`object-${String(serial++).padStart(6, '0')}.yaml`), document: 0 } };
}

const { plan } = resolvePlan(ALL_CHECKS, { now: FIXED_NOW, enable: ['*'] });

/** Applies the operations one by one, comparing findings with a fresh snapshot after each; the first difference, if any. */
function divergence(operations: readonly Operation[], inventory: IncrementalInventory & { readonly view?: Inventory }): string | undefined {
  const view = inventory.view ?? inventory;
  for (const [step, operation] of operations.entries()) {
    if (operation.op === 'upsert') inventory.upsert(resourceOf(operation.object));
    else {
      const target = inventory.resources[operation.index % Math.max(1, inventory.resources.length)];
      if (target) inventory.delete(target.ref);
    }
    const resources = [...inventory.resources];
    const incremental = evaluateAll(resources, view, plan);
    const fresh = evaluateAll(resources, buildInventory(resources), plan);
    try {
      assert.deepEqual(incremental, fresh);
    } catch (error) {
      return `after step ${step} (${operation.op}): ${(error as Error).message.slice(0, 2000)}`;
    }
  }
  return undefined;
}

/** An incremental inventory whose analyses are never dropped: what the property must catch. */
function neverInvalidated(): IncrementalInventory & { view: Inventory } {
  const inner = createIncrementalInventory();
  const kept = new Map<unknown, unknown>();
  const view: Inventory = Object.create(inner, {
    get: {
      value: <T>(analysis: Analysis<T>): T => {
        if (!kept.has(analysis)) kept.set(analysis, analysis.build(view));
        return kept.get(analysis) as T;
      },
    },
  });
  return Object.assign(inner, { view });
}

describe('incremental inventory', () => {
  it('gives every check the findings of a fresh snapshot after every add, update and delete', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 60 }), (operations) => {
        const problem = divergence(operations, createIncrementalInventory());
        assert.equal(problem, undefined);
      }),
      { numRuns: 100 },
    );
  });

  it('the comparison catches analyses that are kept past a change (the property can fail)', () => {
    const result = fc.check(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 40 }), (operations) => divergence(operations, neverInvalidated()) === undefined),
      { numRuns: 200 },
    );
    assert.equal(result.failed, true, 'a stale analysis went unnoticed');
  });

  it('keeps objects in place on update, drops them on delete, and tracks namespaces in use', () => {
    const inventory = createIncrementalInventory();
    const pod = (name: string, namespace: string, image: string) => resourceOf({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c', image }] } });
    inventory.upsert(pod('a', 'shop', 'one'));
    inventory.upsert(pod('b', 'web', 'one'));
    inventory.upsert(pod('a', 'shop', 'two'));
    assert.deepEqual(inventory.resources.map((resource) => `${resource.ref.name}:${(resource.object.spec as { containers: Array<{ image: string }> }).containers[0]!.image}`), ['a:two', 'b:one']);
    assert.equal(inventory.ofKindIn('Pod', 'shop').length, 1);
    assert.deepEqual([...inventory.namespaces].sort(), ['shop', 'web']);
    assert.equal(inventory.delete({ kind: 'Pod', namespace: 'web', name: 'b' }), true);
    assert.equal(inventory.delete({ kind: 'Pod', namespace: 'web', name: 'b' }), false);
    assert.deepEqual([...inventory.namespaces], ['shop']);
    assert.equal(inventory.find('Pod', 'web', 'b'), undefined);
    assert.deepEqual(inventory.ofKind('Pod').map((resource) => resource.ref.name), ['a']);
  });
});
