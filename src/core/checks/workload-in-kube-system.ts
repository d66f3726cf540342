import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { asRecord } from '../model/values.js';
import { hasControllerOwner } from './support/ownership.js';
import { SYSTEM_NAMESPACES } from '../kinds/namespaces.js';

export default defineCheck({
  id: 'workload-in-kube-system',
  title: 'Workload in a system namespace',
  severity: 'medium',
  category: 'multi-tenancy',
  description:
    "kube-system holds the control plane's service accounts, secrets and privileged add-ons, and kube-public and kube-node-lease are not meant for workloads at all; an application there shares that trust boundary, and whoever deploys it can mount the system service accounts. Add-ons labelled as cluster components (k8s-app, tier, addonmanager.kubernetes.io/mode, kubernetes.io/cluster-service) and static pods are left alone.",
  remediation: 'Deploy applications to their own namespace; keep kube-system for cluster components.',
  references: [
    'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces',
    'https://kubernetes.io/docs/concepts/security/multi-tenancy/',
  ],
  standards: {
    cis: ['5.7.1'],
    nsa: ['Network separation: namespaces'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {
    namespaces: {
      type: 'string[]',
      default: SYSTEM_NAMESPACES,
      description: 'Namespaces reserved for the cluster itself.',
    },
    systemLabels: {
      type: 'string[]',
      default: ['addonmanager.kubernetes.io/mode', 'k8s-app', 'kubernetes.io/cluster-service', 'tier'],
      description: 'Label keys that mark a cluster component (on the object or its pod template); such workloads are not reported.',
    },
  },
  messages: {
    system: '{{kind}} "{{name}}" runs in the system namespace "{{namespace}}"',
  },
  *evaluate({ resource, workload, options }) {
    const metadata = metadataOf(resource.object);
    const namespace = metadata.namespace;
    if (typeof namespace !== 'string' || !options.namespaces.includes(namespace)) return;
    // Static pods (kubelet mirror pods, owned by their Node) and pods of a controller are reported at the source.
    if (hasControllerOwner(resource.object)) return;
    if (asRecord(metadata.annotations)?.['kubernetes.io/config.mirror'] !== undefined) return;
    const labels = { ...(asRecord(metadata.labels) ?? {}), ...(asRecord(workload?.podMetadata.labels) ?? {}) };
    if (options.systemLabels.some((key) => key in labels)) return;
    yield { path: ['metadata', 'namespace'], messageId: 'system', data: { kind: resource.ref.kind, name: resource.ref.name, namespace } };
  },
});
