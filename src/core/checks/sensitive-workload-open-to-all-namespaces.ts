import { defineCheck } from '../model/check.js';
import { asString } from '../model/values.js';
import { imagePathSegments } from '../images/reference.js';
import { admitsEveryNamespace } from '../network/model.js';
import { networkAnalysisOf } from './support/network.js';
import { hasControllerOwner } from './support/ownership.js';
import { networkAnalysis } from '../network/analyses.js';

export default defineCheck({
  id: 'sensitive-workload-open-to-all-namespaces',
  title: 'Sensitive workload accepts connections from every namespace',
  severity: 'high',
  category: 'network',
  description:
    'Databases, caches, message brokers, secret stores and admin UIs hold the data and credentials an attacker wants next after compromising any one pod. When no NetworkPolicy isolates them for ingress, or a rule admits every namespace (no `from`, or `namespaceSelector: {}` without a podSelector), a foothold in any namespace reaches them. Sensitive workloads are recognised by image (last path segment) or by the label palisade.dev/sensitive=true. Non-isolated workloads of a namespace without any policy are reported only when the scan holds some NetworkPolicy or declares that Namespace.',
  remediation: 'Isolate the workload with a NetworkPolicy whose ingress rules name the namespaces and pods that use it (namespaceSelector and podSelector in one peer), on its serving ports only.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
    'https://kubernetes.io/docs/concepts/security/multi-tenancy/#network-isolation',
  ],
  standards: {
    cis: ['5.3.2'],
    nsa: ['Network separation: network policies', 'Network separation: namespaces'],
    mitre: ['T1046'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  reads: { kinds: ['Namespace', 'NetworkPolicy'], analyses: [networkAnalysis], scope: 'cluster' },
  options: {
    images: {
      type: 'string[]',
      default: [
        'postgres', 'postgresql', 'mysql', 'mariadb', 'mongo', 'mongodb', 'redis', 'redis-stack', 'valkey', 'memcached', 'elasticsearch', 'opensearch',
        'cassandra', 'cockroach', 'couchdb', 'neo4j', 'clickhouse-server', 'influxdb', 'etcd', 'rabbitmq', 'kafka', 'zookeeper', 'nats', 'minio',
        'vault', 'consul', 'keycloak', 'kubernetes-dashboard', 'dashboard', 'grafana', 'prometheus', 'argocd', 'jenkins',
      ],
      description: 'Image repository names (the last path segment, without registry, tag or digest) of sensitive workloads.',
    },
    labelKey: {
      type: 'string',
      default: 'palisade.dev/sensitive',
      description: 'A pod template label that marks a workload as sensitive when its value is "true".',
    },
  },
  messages: {
    imageNotIsolated: '{{kind}} "{{name}}" runs {{image}} and no NetworkPolicy isolates it for ingress: every pod of every namespace can connect',
    labelNotIsolated: '{{kind}} "{{name}}" is labelled {{label}}=true and no NetworkPolicy isolates it for ingress: every pod of every namespace can connect',
    imageOpenRule: '{{kind}} "{{name}}" runs {{image}} and NetworkPolicy "{{policy}}" ingress rule {{rule}} admits every namespace',
    labelOpenRule: '{{kind}} "{{name}}" is labelled {{label}}=true and NetworkPolicy "{{policy}}" ingress rule {{rule}} admits every namespace',
  },
  *evaluate({ resource, workload, inventory, options }) {
    if (!workload || workload.kind === 'PodTemplate' || workload.podSpec.hostNetwork === true || hasControllerOwner(resource.object)) return;
    const labels = workload.podMetadata.labels ?? {};
    const image = workload.containers
      .filter((container) => container.type === 'container' || container.sidecar)
      .map((container) => asString(container.container.image))
      .find((reference) => reference !== undefined && options.images.includes(imagePathSegments(reference).at(-1) ?? ''));
    const marked = String(labels[options.labelKey] ?? '') === 'true';
    if (image === undefined && !marked) return;
    const byImage = image !== undefined;
    const data = { kind: resource.ref.kind, name: resource.ref.name, image, label: options.labelKey };
    const analysis = networkAnalysisOf(inventory);
    const podClass = analysis.model.classOf(resource);
    if (!podClass) return;
    const path = [...workload.podMetadataPath, 'labels'];
    if (!analysis.isolated(podClass.id, 'Ingress')) {
      const namespace = podClass.namespace;
      const declared = inventory.find('Namespace', undefined, namespace) !== undefined;
      if (!declared && inventory.ofKind('NetworkPolicy').length === 0) return;
      yield { path, messageId: byImage ? 'imageNotIsolated' : 'labelNotIsolated', data };
      return;
    }
    for (const policy of analysis.isolatingPolicies(podClass.id, 'Ingress')) {
      for (const rule of policy.ingress) {
        if (!admitsEveryNamespace(rule)) continue;
        yield { path, messageId: byImage ? 'imageOpenRule' : 'labelOpenRule', data: { ...data, policy: policy.name, rule: rule.index } };
      }
    }
  },
});
