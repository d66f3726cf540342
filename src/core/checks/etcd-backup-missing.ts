import type { Inventory } from '../inventory/inventory.js';
import { ANY_KIND, defineAnalysis, IN_NAMESPACE, keyed, objectContent } from '../inventory/analysis.js';
import { componentsOf, etcdSnapshotWorkload, type EtcdSnapshotWorkload } from '../control-plane/backups.js';
import { extractWorkload, isWorkloadKind, WORKLOAD_KINDS } from '../kinds/pod-spec.js';
import { coversNamespace, isVeleroSchedule, readSchedule, type VeleroSchedule } from '../kinds/velero.js';
import { defineCheck } from '../model/check.js';
import type { Resource } from '../model/resource.js';
import { shortList } from './support/rbac.js';

/** Orders resources by (namespace, kind, name), so the object a finding goes on is stable. */
function compare(a: Resource, b: Resource): number {
  const left = [a.ref.namespace ?? '', a.ref.kind, a.ref.name];
  const right = [b.ref.namespace ?? '', b.ref.kind, b.ref.name];
  for (let index = 0; index < left.length; index++) if (left[index] !== right[index]) return left[index]! < right[index]! ? -1 : 1;
  return 0;
}

const named = (resource: Resource) => `${resource.ref.kind} ${resource.ref.namespace ? `${resource.ref.namespace}/` : ''}${resource.ref.name}`;

/**
 * The one control-plane workload the finding goes on: the first (by namespace, kind, name)
 * that runs etcd, else the first that runs kube-apiserver (etcd runs outside the scanned
 * objects). undefined when the input holds no control plane.
 */
/** What the backup evidence reads: Velero Schedules whole, what workloads are (control plane, snapshot); of other objects (operator kinds, namespaces in use) that they exist. */
function backupReads(resource: Resource): unknown {
  const { kind, apiVersion } = resource.ref;
  if (kind === 'Schedule') return objectContent(resource);
  if (isWorkloadKind(kind)) {
    // What gather and the anchor derive from a workload, not its whole pod spec.
    const workload = extractWorkload(resource.object);
    if (!workload) return null;
    const components = componentsOf(workload);
    const snapshot = etcdSnapshotWorkload(resource, workload);
    return { etcd: components.has('etcd'), apiserver: components.has('kube-apiserver'), snapshot: snapshot ? { recognised: snapshot.recognised, hostPathOnly: snapshot.hostPathOnly } : null };
  }
  return { apiVersion };
}

/**
 * What an object adds to the evidence as seen from other objects (Analysis.member): the
 * control plane, snapshot workloads and Schedules count by identity (they are named); any other
 * object, that its namespace is in use and, of a backup operator's kind, that one exists.
 */
function backupMember(resource: Resource, inventory: Inventory, options?: Readonly<Record<string, unknown>>): unknown {
  const { kind } = resource.ref;
  if (kind === 'Schedule' || kind === 'Namespace') return undefined;
  if (isWorkloadKind(kind)) {
    const workload = inventory.workloadOf(resource);
    if (workload) {
      const components = componentsOf(workload);
      if (components.has('etcd') || components.has('kube-apiserver') || etcdSnapshotWorkload(resource, workload)) return undefined;
    }
  }
  const backupKinds = options?.backupKinds;
  return Array.isArray(backupKinds) && !backupKinds.includes(kind) ? IN_NAMESPACE : kind;
}

const controlPlaneAnchor = defineAnalysis({
  id: 'backup/control-plane-anchor',
  reads: WORKLOAD_KINDS,
  scope: 'cluster',
  significant: backupReads,
  member: backupMember,
  build: (inventory): { resource: Resource; etcd: boolean } | undefined => {
    const etcd: Resource[] = [];
    const apiservers: Resource[] = [];
    for (const resource of inventory.ofKinds(WORKLOAD_KINDS)) {
      const workload = inventory.workloadOf(resource);
      if (!workload) continue;
      const components = componentsOf(workload);
      if (components.has('etcd')) etcd.push(resource);
      else if (components.has('kube-apiserver')) apiservers.push(resource);
    }
    const first = [...etcd].sort(compare)[0];
    if (first) return { resource: first, etcd: true };
    const apiserver = [...apiservers].sort(compare)[0];
    return apiserver ? { resource: apiserver, etcd: false } : undefined;
  },
});

interface BackupEvidence {
  /** Workloads that take etcd snapshots (those writing to a hostPath only among them). */
  snapshots: EtcdSnapshotWorkload[];
  /** Objects of a backup operator's kinds (option backupKinds). */
  operatorObjects: Resource[];
  /** Velero Schedules that run, and those paused. */
  schedules: VeleroSchedule[];
  paused: VeleroSchedule[];
  /** Namespaces among the scanned objects that no running Schedule backs up (ignored ones aside). */
  uncovered: string[];
}

function gather(inventory: Inventory, backupKinds: readonly string[], ignored: ReadonlySet<string>): BackupEvidence {
  const snapshots: EtcdSnapshotWorkload[] = [];
  for (const resource of inventory.ofKinds(WORKLOAD_KINDS)) {
    const workload = inventory.workloadOf(resource);
    if (!workload) continue;
    const components = componentsOf(workload);
    if (components.has('etcd') || components.has('kube-apiserver')) continue; // the control plane itself, not a backup of it
    const found = etcdSnapshotWorkload(resource, workload);
    if (found) snapshots.push(found);
  }
  const operatorObjects = inventory.ofKinds(backupKinds.filter((kind) => kind !== 'Schedule'));
  const all = inventory.ofKind('Schedule').filter(isVeleroSchedule).map(readSchedule);
  const schedules = all.filter((schedule) => !schedule.paused);
  const paused = all.filter((schedule) => schedule.paused);
  // Velero's own namespace holds its configuration, not what it must restore.
  const skip = new Set([...ignored, ...all.map((schedule) => schedule.resource.ref.namespace ?? 'default')]);
  const uncovered = [...inventory.namespaces].filter((namespace) => !skip.has(namespace) && !schedules.some((schedule) => coversNamespace(schedule, namespace))).sort();
  return { snapshots, operatorObjects: [...operatorObjects], schedules, paused, uncovered };
}

const backupEvidence = defineAnalysis({
  id: 'backup/evidence',
  // The operator kinds are an option, and every namespace in the input counts: any kind may matter.
  reads: ['Schedule', 'EtcdBackup', 'Namespace', ...WORKLOAD_KINDS, ANY_KIND],
  scope: 'cluster',
  significant: backupReads,
  member: backupMember,
  build: (inventory) =>
    keyed((key: string) => {
      const [kinds, ignored] = JSON.parse(key) as [string[], string[]];
      return gather(inventory, kinds, new Set(ignored));
    }),
});

export default defineCheck({
  id: 'etcd-backup-missing',
  title: 'No backup of the cluster state',
  severity: 'medium',
  category: 'control-plane',
  description:
    "etcd holds every object of the cluster: without a backup kept off the control-plane nodes, a failed disk, a botched upgrade or ransomware loses every Deployment, Secret, RoleBinding and certificate at once. Reported once, on the etcd workload (else the kube-apiserver one), and only when the scanned objects hold the control plane, so a bundle of application manifests is never told it has no backup. Counted as a backup: a workload that runs `etcdctl snapshot save` or whose name or image names an etcd backup tool (etcd-backup, etcd-snapshot, etcdbrctl); an object of a backup operator's kind (option backupKinds); running Velero Schedules that together cover every namespace among the scanned objects (Velero's own and those of ignoredNamespaces aside). Snapshots written to a hostPath with nothing in the pod that copies them elsewhere do not count: they share the node's fate. A backup taken outside the cluster (a cron job on the node, a managed control plane's own) is not visible in manifests: record it with an exception.",
  remediation:
    'Schedule etcd snapshots (etcdctl snapshot save) and copy them off the control-plane nodes, or run Velero with a Schedule covering every namespace, stored in object storage outside the cluster; test a restore.',
  references: [
    'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#backing-up-an-etcd-cluster',
    'https://etcd.io/docs/v3.5/op-guide/recovery/',
    'https://velero.io/docs/main/api-types/schedule/',
  ],
  standards: { mitre: ['T1485'] },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  appliesWhen: {
    description: 'workloads that run etcd or kube-apiserver',
    test: ({ workload }) => {
      if (!workload) return false;
      const components = componentsOf(workload);
      return components.has('etcd') || components.has('kube-apiserver');
    },
  },
  reads: { kinds: ['Schedule', 'EtcdBackup', 'Namespace', ANY_KIND], significant: backupReads, member: backupMember, analyses: [controlPlaneAnchor, backupEvidence], scope: 'cluster' },
  options: {
    backupKinds: {
      type: 'string[]',
      default: ['EtcdBackup'],
      description:
        "Kinds whose objects count as a backup of the cluster, besides Velero Schedules (judged field by field) and etcd snapshot workloads: by default the etcd operator's EtcdBackup. Add your operator's kinds (a cluster scan reads only the kinds Palisade catalogs; a manifest scan reads any).",
    },
    ignoredNamespaces: {
      type: 'string[]',
      default: ['kube-node-lease', 'kube-public', 'kube-system'],
      description: 'Namespaces a Velero backup may leave out without a finding: by default those a new control plane recreates.',
    },
  },
  messages: {
    missing:
      'no backup of the cluster among the scanned objects: no workload runs "etcdctl snapshot save", no Velero Schedule, no {{kinds}}; losing etcd would lose every object of the cluster',
    missingExternal:
      'no backup of the cluster among the scanned objects: no workload runs "etcdctl snapshot save", no Velero Schedule, no {{kinds}}; etcd runs outside the scanned objects, so if its snapshots are taken where it runs, record that with an exception',
    paused: 'no etcd snapshot is taken and every Velero Schedule is paused ({{schedules}}): no backup of the cluster is being made',
    partial:
      'no etcd snapshot is taken, and the running Velero Schedules ({{schedules}}) leave {{count}} namespace(s) out of every backup: {{namespaces}}',
    hostPathOnly:
      'the only etcd snapshots ({{workloads}}) are written to the node\'s own disk (hostPath {{hostPaths}}) and nothing copies them elsewhere: losing the node loses the cluster and its backup',
  },
  *evaluate({ resource, inventory, options }) {
    const anchor = inventory.get(controlPlaneAnchor);
    if (anchor?.resource !== resource) return;
    const evidence = inventory.get(backupEvidence)(JSON.stringify([[...options.backupKinds].sort(), [...options.ignoredNamespaces].sort()]));
    if (evidence.operatorObjects.length > 0) return;
    if (evidence.snapshots.some((snapshot) => !snapshot.hostPathOnly)) return;
    if (evidence.schedules.length > 0 && evidence.uncovered.length === 0) return;
    const path = ['metadata', 'name'];
    if (evidence.snapshots.length > 0) {
      const hostPaths = [...new Set(evidence.snapshots.map((snapshot) => snapshot.hostPathOnly!.hostPath))].sort();
      yield { path, messageId: 'hostPathOnly', data: { workloads: shortList(evidence.snapshots.map((snapshot) => named(snapshot.resource)).sort()), hostPaths: shortList(hostPaths) } };
      return;
    }
    if (evidence.schedules.length > 0) {
      yield {
        path,
        messageId: 'partial',
        data: { schedules: shortList(evidence.schedules.map((schedule) => named(schedule.resource)).sort()), count: evidence.uncovered.length, namespaces: shortList(evidence.uncovered, 8) },
      };
      return;
    }
    if (evidence.paused.length > 0) {
      yield { path, messageId: 'paused', data: { schedules: shortList(evidence.paused.map((schedule) => named(schedule.resource)).sort()) } };
      return;
    }
    const kinds = options.backupKinds.filter((kind) => kind !== 'Schedule');
    yield { path, messageId: anchor.etcd ? 'missing' : 'missingExternal', data: { kinds: kinds.length > 0 ? `${kinds.join(' or ')} object` : 'backup operator object' } };
  },
});
