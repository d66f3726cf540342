import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CLUSTER_KINDS } from '../src/adapters/cluster/read.js';
import { extractWorkload } from '../src/core/kinds/pod-spec.js';
import { isClusterScoped } from '../src/core/kinds/scope.js';
import { refOf, type KubeObject, type Resource } from '../src/core/model/resource.js';
import { fileSource } from '../src/core/model/source.js';
import { destinationRuleHost, exportedTo, hostCovers, istioNamespaceMode, istioPodMembership, PeerAuthenticationIndex, readPeerAuthentication, tlsInForce } from '../src/core/mesh/istio.js';
import { linkerdPodMembership, parsePortList } from '../src/core/mesh/linkerd.js';
import { scanText } from './support/scan.js';

/**
 * The service-mesh model against Istio's and Linkerd's documented semantics: PeerAuthentication
 * composition (istiod's ComposePeerAuthentication), sidecar injection (the injector's
 * injectRequired), DestinationRule TLS merging (MergeSubsetTrafficPolicy), and the checks'
 * options. The fixtures under test/fixtures/checks/<id>/ cover the checks on real manifests.
 */

function resource(object: KubeObject): Resource {
  return { ref: refOf(object, isClusterScoped), object, origin: { source: fileSource('test.yaml'), document: 0 } };
}

function pa(namespace: string, name: string, spec: Record<string, unknown>, created?: string) {
  return readPeerAuthentication(resource({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace, ...(created ? { creationTimestamp: created } : {}) }, spec }));
}

const pod = (labels: Record<string, string>, annotations: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
  extractWorkload({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels, annotations }, spec: { containers: [{ name: 'c', image: 'app:1' }], ...extra } })!;

describe('PeerAuthentication composition', () => {
  it('workload over namespace over mesh; UNSET inherits; nothing means PERMISSIVE', () => {
    const none = new PeerAuthenticationIndex([], 'istio-system');
    assert.deepEqual(none.effective('shop', { app: 'web' }).mode, 'PERMISSIVE');
    assert.equal(none.effective('shop', { app: 'web' }).source.level, 'default');

    const mesh = pa('istio-system', 'default', { mtls: { mode: 'STRICT' } });
    const namespaceUnset = pa('shop', 'default', { mtls: { mode: 'UNSET' } });
    const workloadPermissive = pa('shop', 'web', { selector: { matchLabels: { app: 'web' } }, mtls: { mode: 'PERMISSIVE' } });
    const index = new PeerAuthenticationIndex([mesh, namespaceUnset, workloadPermissive], 'istio-system');
    assert.equal(index.namespaceMode('shop').mode, 'STRICT', 'UNSET at the namespace inherits the mesh');
    assert.equal(index.effective('shop', { app: 'db' }).mode, 'STRICT');
    assert.equal(index.effective('shop', { app: 'web', tier: 'front' }).mode, 'PERMISSIVE', 'a selector matches a subset of the labels');
    assert.equal(index.effective('other', { app: 'web' }).mode, 'STRICT', 'workload policies stay in their namespace');
  });

  it('a mesh policy with mode UNSET counts as PERMISSIVE', () => {
    const index = new PeerAuthenticationIndex([pa('istio-system', 'default', {})], 'istio-system');
    assert.equal(index.namespaceMode('shop').mode, 'PERMISSIVE');
  });

  it('selector policies in the root namespace are ignored, for every namespace including the root', () => {
    const index = new PeerAuthenticationIndex(
      [pa('istio-system', 'default', { mtls: { mode: 'STRICT' } }), pa('istio-system', 'gw', { selector: { matchLabels: { app: 'gw' } }, mtls: { mode: 'DISABLE' } })],
      'istio-system',
    );
    assert.equal(index.effective('shop', { app: 'gw' }).mode, 'STRICT');
    assert.equal(index.effective('istio-system', { app: 'gw' }).mode, 'STRICT');
  });

  it('the root namespace is an option: elsewhere, istio-system is an ordinary namespace', () => {
    const policies = [pa('istio-system', 'default', { mtls: { mode: 'STRICT' } })];
    assert.equal(new PeerAuthenticationIndex(policies, 'mesh-root').namespaceMode('shop').mode, 'PERMISSIVE');
    assert.equal(new PeerAuthenticationIndex(policies, 'mesh-root').namespaceMode('istio-system').mode, 'STRICT');
  });

  it('portLevelMtls comes from the workload policy; UNSET ports inherit the workload mode', () => {
    const index = new PeerAuthenticationIndex(
      [pa('shop', 'default', { mtls: { mode: 'STRICT' } }), pa('shop', 'web', { selector: { matchLabels: { app: 'web' } }, portLevelMtls: { 8080: { mode: 'UNSET' }, 9090: { mode: 'DISABLE' } } })],
      'istio-system',
    );
    const effective = index.effective('shop', { app: 'web' });
    assert.equal(effective.mode, 'STRICT');
    assert.equal(effective.source.level, 'namespace');
    assert.deepEqual(effective.ports.map((port) => [port.port, port.mode]), [[8080, 'STRICT'], [9090, 'DISABLE']]);
  });

  it('the oldest policy of a level wins, then the name; the order they are listed in does not matter', () => {
    const arbitraryPolicy = fc.record({
      namespace: fc.constantFrom('istio-system', 'shop'),
      name: fc.constantFrom('a', 'b', 'c', 'default'),
      selector: fc.constantFrom(undefined, { app: 'web' }, { app: 'db' }),
      mode: fc.constantFrom('STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET', undefined),
      ports: fc.constantFrom(undefined, { 80: { mode: 'DISABLE' } }, { 80: { mode: 'UNSET' }, 443: { mode: 'STRICT' } }),
      created: fc.constantFrom(undefined, '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
    });
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryPolicy, { selector: (item) => `${item.namespace}/${item.name}`, maxLength: 8 }), fc.constantFrom<Record<string, string>>({ app: 'web' }, { app: 'db' }, {}), (items, labels) => {
        const policies = items.map((item) =>
          pa(item.namespace, item.name, { ...(item.selector ? { selector: { matchLabels: item.selector } } : {}), ...(item.mode ? { mtls: { mode: item.mode } } : {}), ...(item.ports ? { portLevelMtls: item.ports } : {}) }, item.created),
        );
        const forward = new PeerAuthenticationIndex(policies, 'istio-system').effective('shop', labels);
        const backward = new PeerAuthenticationIndex([...policies].reverse(), 'istio-system').effective('shop', labels);
        assert.deepEqual({ mode: backward.mode, ports: backward.ports }, { mode: forward.mode, ports: forward.ports });
        // A STRICT workload policy older than every other one decides the mode.
        if (Object.keys(labels).length > 0) {
          // No creationTimestamp is Go's zero time, older than any; among those the name decides.
          const oldest = pa('shop', '0-oldest', { selector: { matchLabels: labels }, mtls: { mode: 'STRICT' } });
          assert.equal(new PeerAuthenticationIndex([...policies, oldest], 'istio-system').effective('shop', labels).mode, 'STRICT');
        }
      }),
    );
    const older = pa('shop', 'z', { mtls: { mode: 'STRICT' } }, '2024-01-01T00:00:00Z');
    const newer = pa('shop', 'a', { mtls: { mode: 'PERMISSIVE' } }, '2024-02-01T00:00:00Z');
    assert.equal(new PeerAuthenticationIndex([newer, older], 'istio-system').namespaceMode('shop').mode, 'STRICT');
    const sameTime = [pa('shop', 'b', { mtls: { mode: 'STRICT' } }), pa('shop', 'a', { mtls: { mode: 'DISABLE' } })];
    assert.equal(new PeerAuthenticationIndex(sameTime, 'istio-system').namespaceMode('shop').mode, 'DISABLE', 'without timestamps the name decides');
  });
});

describe('Istio and Linkerd membership', () => {
  it('sidecar injection: the label wins over the annotation; only y, yes, true and on inject', () => {
    assert.equal(istioPodMembership(pod({}), 'sidecar').mode, 'sidecar');
    for (const value of ['false', 'no', 'n', 'disabled', 'FALSE']) assert.equal(istioPodMembership(pod({ 'sidecar.istio.io/inject': value }), 'sidecar').mode, 'none', value);
    for (const value of ['true', 'Yes', 'y', 'ON']) assert.equal(istioPodMembership(pod({ 'sidecar.istio.io/inject': value }), 'sidecar').mode, 'sidecar', value);
    assert.equal(istioPodMembership(pod({ 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }), 'sidecar').mode, 'sidecar');
    assert.deepEqual(istioPodMembership(pod({}, { 'sidecar.istio.io/inject': 'false' }), 'sidecar').optOut?.field, 'annotation');
    // Outside an injection namespace only the label reaches the webhook.
    assert.equal(istioPodMembership(pod({ 'sidecar.istio.io/inject': 'true' }), 'none').mode, 'sidecar');
    assert.equal(istioPodMembership(pod({}, { 'sidecar.istio.io/inject': 'true' }), 'none').mode, 'none');
    assert.equal(istioPodMembership(pod({}), undefined).mode, 'unknown');
    // A pod's revision label reaches that revision's webhook in a namespace without injection labels.
    assert.equal(istioPodMembership(pod({ 'istio.io/rev': 'canary' }), 'none').mode, 'sidecar');
    assert.equal(istioPodMembership(pod({ 'istio.io/rev': 'canary', 'sidecar.istio.io/inject': 'false' }), 'none').mode, 'none');
    // istio-injection=disabled (or any value but enabled) closes the namespace, even to pods that ask.
    assert.equal(istioPodMembership(pod({ 'sidecar.istio.io/inject': 'true' }), 'closed').mode, 'none');
    assert.equal(istioPodMembership(pod({ 'istio.io/rev': 'canary' }), 'closed').mode, 'none');
    assert.equal(istioPodMembership(pod({}, {}, { hostNetwork: true }), 'sidecar').mode, 'none');
  });

  it('namespace labels: istio-injection=enabled, else istio.io/rev; any other istio-injection value closes it', () => {
    const ns = (labels: Record<string, string>) => istioNamespaceMode({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', labels } });
    assert.equal(ns({ 'istio-injection': 'enabled' }), 'sidecar');
    assert.equal(ns({ 'istio.io/rev': 'stable' }), 'sidecar');
    assert.equal(ns({ 'istio-injection': 'disabled', 'istio.io/rev': 'stable' }), 'closed');
    assert.equal(ns({ 'istio.io/dataplane-mode': 'ambient' }), 'ambient');
    assert.equal(ns({}), 'none');
  });

  it('ambient: the pod label over the namespace; a sidecar takes the pod out of ambient capture', () => {
    assert.equal(istioPodMembership(pod({}), 'ambient').mode, 'ambient');
    assert.equal(istioPodMembership(pod({ 'istio.io/dataplane-mode': 'none' }), 'ambient').optOut?.key, 'istio.io/dataplane-mode');
    assert.equal(istioPodMembership(pod({ 'istio.io/dataplane-mode': 'ambient' }), 'none').mode, 'ambient');
    assert.equal(istioPodMembership(pod({ 'sidecar.istio.io/inject': 'true' }), 'ambient').mode, 'sidecar');
  });

  it('Linkerd: the pod annotation over the namespace; enabled and ingress mesh', () => {
    assert.deepEqual(linkerdPodMembership(pod({}), true), { meshed: true });
    assert.deepEqual(linkerdPodMembership(pod({}, { 'linkerd.io/inject': 'ingress' }), false), { meshed: true });
    assert.deepEqual(linkerdPodMembership(pod({}, { 'linkerd.io/inject': 'disabled' }), true), { meshed: false, optOut: { key: 'linkerd.io/inject', value: 'disabled' } });
    assert.deepEqual(linkerdPodMembership(pod({}, { 'linkerd.io/inject': 'disabled' }), false), { meshed: false });
    assert.deepEqual(linkerdPodMembership(pod({}), undefined), { meshed: 'unknown' });
  });

  it('port lists: ports and ranges, anything else is not a port', () => {
    assert.deepEqual(parsePortList(' 25, 587,8000-8100 '), [
      { text: '25', from: 25, to: 25 },
      { text: '587', from: 587, to: 587 },
      { text: '8000-8100', from: 8000, to: 8100 },
    ]);
    assert.deepEqual(parsePortList('http,0,70000,20-10'), [undefined, undefined, undefined, undefined]);
  });
});

describe('DestinationRule TLS in force', () => {
  const rule = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'r', namespace: 'shop' }, spec: { host: 'web', ...spec } });
  const modes = (object: KubeObject, port: number) => tlsInForce(object, port).map((entry) => `${entry.subset ?? '-'}:${entry.setting?.mode ?? 'auto'}`);

  it('a port-level entry replaces the rule level for its port, tls or not', () => {
    const object = rule({ trafficPolicy: { tls: { mode: 'DISABLE' }, portLevelSettings: [{ port: { number: 80 }, connectionPool: {} }, { port: { number: 443 }, tls: { mode: 'SIMPLE' } }] } });
    assert.deepEqual(modes(object, 80), ['-:auto']);
    assert.deepEqual(modes(object, 443), ['-:SIMPLE']);
    assert.deepEqual(modes(object, 8080), ['-:DISABLE']);
  });

  it('a subset inherits the rule unless it sets tls or has an entry for the port', () => {
    const object = rule({
      trafficPolicy: { tls: { mode: 'DISABLE' } },
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { simple: 'RANDOM' } } },
        { name: 'v3', labels: { version: 'v3' }, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
        { name: 'v4', labels: { version: 'v4' }, trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, loadBalancer: { simple: 'RANDOM' } }] } },
      ],
    });
    assert.deepEqual(modes(object, 80), ['-:DISABLE', 'v1:DISABLE', 'v2:DISABLE', 'v3:ISTIO_MUTUAL', 'v4:auto']);
    assert.deepEqual(modes(object, 9090), ['-:DISABLE', 'v1:DISABLE', 'v2:DISABLE', 'v3:ISTIO_MUTUAL', 'v4:DISABLE']);
  });

  it('a tls block without a mode is DISABLE (the enum zero)', () => {
    assert.deepEqual(modes(rule({ trafficPolicy: { tls: {} } }), 80), ['-:DISABLE']);
  });

  it('hosts: short names complete in the rule namespace; names with a dot stay as written; wildcards cover suffixes', () => {
    assert.equal(destinationRuleHost('Reviews', 'books', 'cluster.local'), 'reviews.books.svc.cluster.local');
    assert.equal(destinationRuleHost('reviews.books', 'shop', 'cluster.local'), 'reviews.books');
    assert.equal(destinationRuleHost('reviews', 'books', 'corp.internal'), 'reviews.books.svc.corp.internal');
    assert.ok(hostCovers('*.books.svc.cluster.local', 'reviews.books.svc.cluster.local'));
    assert.ok(!hostCovers('*.books.svc.cluster.local', 'reviews.shop.svc.cluster.local'));
    assert.ok(hostCovers('*', 'reviews.shop.svc.cluster.local'));
  });

  it('exportTo: "." is the own namespace, "*" or nothing is everywhere, "~" alone is nowhere', () => {
    assert.equal(exportedTo(rule({}), 'shop'), undefined);
    assert.equal(exportedTo(rule({ exportTo: ['*'] }), 'shop'), undefined);
    assert.deepEqual([...exportedTo(rule({ exportTo: ['.', 'web'] }), 'shop')!], ['shop', 'web']);
    assert.equal(exportedTo(rule({ exportTo: ['~'] }), 'shop')!.size, 0);
  });
});

describe('mesh checks: options and absence of a mesh', () => {
  const meshed = [
    'apiVersion: v1',
    'kind: Namespace',
    'metadata: {name: shop, labels: {istio-injection: enabled}}',
    '---',
    'apiVersion: security.istio.io/v1',
    'kind: PeerAuthentication',
    'metadata: {name: default, namespace: mesh-root}',
    'spec: {mtls: {mode: STRICT}}',
  ].join('\n');

  it('istio-mtls-not-strict reads the mesh-wide policy from the rootNamespace option', () => {
    const run = (options?: Record<string, unknown>) =>
      scanText(meshed, { only: ['istio-mtls-not-strict'], ...(options ? { config: { options: { 'istio-mtls-not-strict': options } } } : {}) }).findings.map((finding) => finding.message);
    assert.deepEqual(run(), ['namespace "shop" is in the Istio mesh and accepts plaintext (PERMISSIVE): no PeerAuthentication applies, and Istio defaults to PERMISSIVE']);
    assert.deepEqual(run({ rootNamespace: 'mesh-root' }), []);
  });

  it('istio-destination-rule-tls-disabled completes short hosts with the clusterDomain option', () => {
    const text = [
      meshed,
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web, namespace: shop}',
      'spec: {selector: {app: web}, ports: [{port: 80}]}',
      '---',
      'apiVersion: networking.istio.io/v1',
      'kind: DestinationRule',
      'metadata: {name: web, namespace: shop}',
      'spec: {host: web, trafficPolicy: {tls: {mode: DISABLE}}}',
    ].join('\n');
    const run = (options?: Record<string, unknown>) =>
      scanText(text, { only: ['istio-destination-rule-tls-disabled'], ...(options ? { config: { options: { 'istio-destination-rule-tls-disabled': options } } } : {}) }).findings.length;
    assert.equal(run(), 1);
    assert.equal(run({ clusterDomain: 'corp.internal' }), 1, 'the Service is indexed under the same domain');
    assert.equal(scanText(text.replace('host: web', 'host: web.shop.svc.corp.internal'), { only: ['istio-destination-rule-tls-disabled'] }).findings.length, 0);
  });

  it('nothing is reported on manifests that use no mesh', () => {
    const plain = [
      'apiVersion: v1',
      'kind: Namespace',
      'metadata: {name: shop}',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web, namespace: shop}',
      'spec:',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec: {containers: [{name: web, image: "web:1"}]}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web, namespace: shop}',
      'spec: {selector: {app: web}, ports: [{port: 80}]}',
    ].join('\n');
    const ids = ['istio-mtls-not-strict', 'istio-destination-rule-tls-disabled', 'mesh-injection-disabled', 'linkerd-skip-inbound-ports', 'linkerd-unauthenticated-access'];
    assert.deepEqual(scanText(plain, { only: ids }).findings, []);
  });
});

describe('a cluster scan lists the mesh kinds at their groups, as optional', () => {
  it('Istio at v1beta1 (served since Istio 1.5), Linkerd Server at v1beta3 (the version with accessPolicy)', () => {
    const find = (kind: string) => CLUSTER_KINDS.filter((item) => item.kind === kind).map((item) => `${item.group}/${item.version} ${item.plural}${item.optional ? ' optional' : ''}`);
    assert.deepEqual(find('PeerAuthentication'), ['security.istio.io/v1beta1 peerauthentications optional']);
    assert.deepEqual(find('DestinationRule'), ['networking.istio.io/v1beta1 destinationrules optional']);
    assert.deepEqual(find('Server'), ['policy.linkerd.io/v1beta3 servers optional']);
    assert.deepEqual(find('ServerAuthorization'), ['policy.linkerd.io/v1beta1 serverauthorizations optional']);
    assert.deepEqual(find('AuthorizationPolicy'), ['policy.linkerd.io/v1alpha1 authorizationpolicies optional']);
  });
});
