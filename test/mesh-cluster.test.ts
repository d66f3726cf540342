import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clusterAvailable, startCluster, type TestCluster } from './support/cluster.js';
import { palisade } from './support/cli.js';

/**
 * `palisade scan --cluster` reads the mesh kinds from a real API server: the CRDs are served
 * with the versions Istio and Linkerd serve (PeerAuthentication at v1beta1 and v1; Linkerd's
 * Server at v1beta1 without accessPolicy and v1beta3 with it, stored at v1beta3, so reading
 * v1beta1 would prune the field), DestinationRule's CRD is not installed (an optional kind:
 * skipped, not an error), and the checks report on what the cluster holds.
 */

const skip = clusterAvailable() ? false : 'the test control plane is not built (scripts/provision.sh)';

const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

function crd(group: string, kind: string, plural: string, versions: Array<{ name: string; storage: boolean; spec?: Record<string, unknown> }>) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: versions.map((version) => ({
        name: version.name,
        served: true,
        storage: version.storage,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: version.spec ?? open } } },
      })),
    },
  };
}

/** Linkerd's Server schemas, trimmed to the fields that differ (charts/linkerd-crds/templates/policy/server.yaml). */
const serverV1beta1 = { type: 'object', properties: { podSelector: open, port: { 'x-kubernetes-int-or-string': true }, proxyProtocol: { type: 'string' } } };
const serverV1beta3 = { type: 'object', properties: { ...serverV1beta1.properties, accessPolicy: { type: 'string', default: 'deny' } } };

describe('palisade scan --cluster and the mesh kinds', { skip }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster();
    const create = async (path: string, object: unknown) => {
      const response = await cluster.post(path, object);
      assert.equal(response.status, 201, `POST ${path}: ${response.body.slice(0, 300)}`);
    };
    await create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd('security.istio.io', 'PeerAuthentication', 'peerauthentications', [{ name: 'v1beta1', storage: false }, { name: 'v1', storage: true }]));
    await create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd('policy.linkerd.io', 'Server', 'servers', [{ name: 'v1beta1', storage: false, spec: serverV1beta1 }, { name: 'v1beta3', storage: true, spec: serverV1beta3 }]));
    for (const path of ['/apis/security.istio.io/v1beta1', '/apis/policy.linkerd.io/v1beta3']) {
      for (let attempt = 0; ; attempt++) {
        if ((await cluster.get(path)).status === 200) break;
        assert.ok(attempt < 100, `${path} is not served`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } });
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'orders', labels: { 'istio-injection': 'enabled' } } });
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'emojivoto', annotations: { 'linkerd.io/inject': 'enabled' } } });
    await create('/apis/security.istio.io/v1/namespaces/shop/peerauthentications', { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default' }, spec: { mtls: { mode: 'PERMISSIVE' } } });
    await create('/apis/security.istio.io/v1/namespaces/orders/peerauthentications', { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default' }, spec: { mtls: { mode: 'STRICT' } } });
    // Written at v1beta3; a reader at v1beta1 would not see accessPolicy.
    await create('/apis/policy.linkerd.io/v1beta3/namespaces/emojivoto/servers', {
      apiVersion: 'policy.linkerd.io/v1beta3',
      kind: 'Server',
      metadata: { name: 'voting-grpc' },
      spec: { podSelector: { matchLabels: { app: 'voting-svc' } }, port: 'grpc', proxyProtocol: 'gRPC', accessPolicy: 'all-unauthenticated' },
    });
    const atV1beta1 = JSON.parse((await cluster.get('/apis/policy.linkerd.io/v1beta1/namespaces/emojivoto/servers/voting-grpc')).body) as { spec: Record<string, unknown> };
    assert.equal(atV1beta1.spec.accessPolicy, undefined, 'v1beta1 prunes accessPolicy');
  });
  after(async () => {
    await cluster?.stop();
  });

  it('reports what the mesh kinds say, skips the kinds whose CRD is not installed, and reads Servers at v1beta3', () => {
    const result = palisade(['scan', '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', 'json', '--check', 'istio-mtls-not-strict', '--check', 'linkerd-unauthenticated-access', '--check', 'istio-destination-rule-tls-disabled']);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.errors, [], 'DestinationRule, ServerAuthorization and AuthorizationPolicy are not served: skipped, not errors');
    const findings = report.findings.map((finding: { checkId: string; object: { kind: string; namespace?: string; name: string }; message: string }) => `${finding.checkId} ${finding.object.kind}/${finding.object.namespace ?? ''}/${finding.object.name}: ${finding.message}`);
    assert.deepEqual(findings.sort(), [
      'istio-mtls-not-strict Namespace//shop: namespace "shop" is in the Istio mesh and accepts plaintext (PERMISSIVE): PeerAuthentication shop/default sets PERMISSIVE for the namespace',
      'linkerd-unauthenticated-access Server/emojivoto/voting-grpc: Server "voting-grpc" has accessPolicy all-unauthenticated: on port grpc, traffic that no authorization matches is admitted from any client, meshed or not, from any network, with no mesh identity required',
    ]);
  });
});
