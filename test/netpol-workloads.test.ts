/**
 * How pods are grouped into workloads and how a workload's answer is told when its pods do
 * not all answer alike: static pods (owned by their Node) are workloads of their own, and
 * `explain` says "partly" when some of a workload's pod groups are allowed and others not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildNetworkContext, explainConnection, connectionMatrix } from '../src/app/netpol.js';
import { formatPorts } from '../src/core/network/ports.js';
import { policy, podObject, toResources, type Obj } from './support/netpol-cluster.js';

/** A static pod as the kubelet mirrors it: owned by its Node (controller: true). */
function staticPod(component: string, node: string, port: number): Obj {
  const pod = podObject('kube-system', `${component}-${node}`, { component, tier: 'control-plane' }, [{ name: 'main', port, protocol: 'TCP' }]);
  pod.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: node, uid: `uid-${node}`, controller: true }];
  return pod;
}

/** A pod of a StatefulSet, as the API server returns it. */
function statefulPod(namespace: string, set: string, ordinal: number, labels: Record<string, string>): Obj {
  const name = `${set}-${ordinal}`;
  const pod = podObject(namespace, name, { ...labels, 'statefulset.kubernetes.io/pod-name': name }, [{ name: 'pg', port: 5432, protocol: 'TCP' }]);
  pod.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: set, uid: `uid-${set}`, controller: true }];
  return pod;
}

describe('workloads of the network model', () => {
  it('static pods owned by a Node are each a workload of their own', () => {
    const objects = [
      staticPod('kube-apiserver', 'cp1', 6443),
      staticPod('etcd', 'cp1', 2379),
      staticPod('etcd', 'cp2', 2379),
      podObject('default', 'client', { app: 'client' }, []),
      policy('kube-system', 'etcd-deny-ingress', { podSelector: { matchLabels: { component: 'etcd' } }, policyTypes: ['Ingress'] }),
    ];
    const context = buildNetworkContext({ resources: toResources(objects) });
    const ids = [...context.model.workloads.keys()].sort();
    assert.deepEqual(ids, ['default/Pod/client', 'kube-system/Pod/etcd-cp1', 'kube-system/Pod/etcd-cp2', 'kube-system/Pod/kube-apiserver-cp1']);
    // etcd accepts nothing; its sibling on the node, the API server, accepts everything.
    const etcd = explainConnection(context, 'default/client', 'kube-system/etcd-cp1', { port: 2379, protocol: 'TCP' });
    assert.equal(etcd.allowed, false);
    assert.equal(explainConnection(context, 'default/client', 'kube-system/kube-apiserver-cp1', { port: 6443, protocol: 'TCP' }).allowed, true);
    const into = connectionMatrix(context).filter((connection) => connection.to.startsWith('kube-system/'));
    assert.deepEqual([...new Set(into.map((connection) => connection.to))], ['kube-system/Pod/kube-apiserver-cp1']);
  });

  it('explain: one answer for every pod group, or partly; ports true for every group', () => {
    const objects = [
      statefulPod('payments', 'db', 0, { app: 'db' }),
      statefulPod('payments', 'db', 1, { app: 'db' }),
      podObject('payments', 'client', { app: 'client' }, []),
      policy('payments', 'deny', { podSelector: {} }),
      // Only db-0 accepts the client, on 5432; db-1 accepts it on 9187 (metrics) only.
      policy('payments', 'db-0', {
        podSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': 'db-0' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 5432 }, { port: 9187 }] }],
      }),
      policy('payments', 'db-1', {
        podSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': 'db-1' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 9187 }] }],
      }),
    ];
    const context = buildNetworkContext({ resources: toResources(objects) });
    const partly = explainConnection(context, 'payments/client', 'payments/db', { port: 5432, protocol: 'TCP' });
    assert.equal(partly.results.length, 2);
    assert.deepEqual(partly.results.map((result) => result.allowed).sort(), [false, true]);
    assert.equal(partly.allowed, 'partly');
    const everywhere = explainConnection(context, 'payments/client', 'payments/db', { port: 9187, protocol: 'TCP' });
    assert.equal(everywhere.allowed, true);
    const nowhere = explainConnection(context, 'payments/client', 'payments/db', { port: 80, protocol: 'TCP' });
    assert.equal(nowhere.allowed, false);
    // Any port: every group allows something; the ports allowed for every group are 9187 only.
    const any = explainConnection(context, 'payments/client', 'payments/db');
    assert.equal(any.allowed, true);
    assert.equal(formatPorts(any.ports), 'TCP:9187');
    // From the db: egress is open, every group answers alike.
    assert.equal(explainConnection(context, 'payments/db', 'payments/client').allowed, false);
  });
});
