import type { Inventory } from '../inventory/inventory.js';
import { defineAnalysis, keyed } from '../inventory/analysis.js';
import { WORKLOAD_KINDS } from '../kinds/pod-spec.js';
import { podServiceAccount, projectedTokenVolumes } from '../kinds/service-accounts.js';
import { defineCheck } from '../model/check.js';
import { metadataOf, type Resource } from '../model/resource.js';
import { asArray, asRecord, asString, asStringRecord } from '../model/values.js';
import { shortList } from './support/rbac.js';
import { tokenAutomount } from './support/service-accounts.js';

/**
 * The labels that name the application a workload belongs to, in the order they are trusted:
 * a Helm release or other instance first (a chart's server and worker are one application),
 * then the application's name, then the older `app` and `k8s-app` conventions.
 */
const APPLICATION_LABELS = ['app.kubernetes.io/instance', 'app.kubernetes.io/name', 'app', 'k8s-app'] as const;

/** Owners that group nothing: the kubelet makes the Node the controller of each static pod's mirror pod. */
const NON_GROUPING_OWNERS = new Set(['Node']);

function controllerOf(resource: Resource): { kind: string; name: string } | undefined {
  const owner = asArray(metadataOf(resource.object).ownerReferences)
    .map(asRecord)
    .find((reference) => reference?.controller === true);
  const kind = asString(owner?.kind);
  const name = asString(owner?.name);
  if (!kind || !name || NON_GROUPING_OWNERS.has(kind)) return undefined;
  return { kind, name };
}

interface Root {
  /** kind/name of the workload at the top of the owner chain (scanned or not) */
  key: string;
  /** how the workload reads in a message */
  label: string;
  /** the top of the chain among the scanned objects */
  top: Resource;
}

/**
 * The workload an object belongs to: its controller's, up the owner chain (a Pod, its
 * ReplicaSet and its Deployment are one workload; so are a CronJob's Jobs and their Pods).
 * An owner that is not scanned still names the workload, a ReplicaSet `<name>-<pod-template-hash>`
 * read as its Deployment.
 */
function rootOf(resource: Resource, inventory: Inventory): Root {
  const namespace = resource.ref.namespace ?? 'default';
  let current = resource;
  for (let depth = 0; depth < 8; depth++) {
    const owner = controllerOf(current);
    if (!owner) break;
    // Only workload kinds are looked up (what the analysis declares it reads); other owners name the workload.
    const found = WORKLOAD_KINDS.includes(owner.kind) ? inventory.find(owner.kind, namespace, owner.name) : undefined;
    if (found) {
      current = found;
      continue;
    }
    let { kind, name } = owner;
    const hash = asStringRecord(inventory.workloadOf(current)?.podMetadata.labels)['pod-template-hash'];
    if (kind === 'ReplicaSet' && hash && name.endsWith(`-${hash}`)) {
      kind = 'Deployment';
      name = name.slice(0, -hash.length - 1);
    }
    return { key: `${kind}/${name}`, label: `${kind} ${name}`, top: current };
  }
  return { key: `${current.ref.kind}/${current.ref.name}`, label: `${current.ref.kind} ${current.ref.name}`, top: current };
}

/** The application a workload belongs to, from its pod template's labels, then its own; undefined when no label names one. */
function applicationOf(resource: Resource, inventory: Inventory): { label: string; value: string } | undefined {
  const podLabels = asStringRecord(inventory.workloadOf(resource)?.podMetadata.labels);
  const ownLabels = asStringRecord(metadataOf(resource.object).labels);
  for (const label of APPLICATION_LABELS) {
    const value = podLabels[label] ?? ownLabels[label];
    if (value !== undefined && value.trim() !== '') return { label, value };
  }
  return undefined;
}

export interface AccountUser {
  root: Root;
  /** the application, or the workload itself when no label names one */
  application: string;
  /** how the application reads in a message: `Deployment worker (app.kubernetes.io/name=worker)` */
  description: string;
}

/**
 * Per namespace: for each service account other than `default`, the workloads that run as it
 * with an API token (mounted or projected), one entry per workload (root of its owner chain).
 */
interface NamespaceUsers {
  /** service account name -> workload key -> user */
  byAccount: Map<string, Map<string, AccountUser>>;
  /** each scanned workload's key */
  keyOf: Map<Resource, string>;
}

function usersIn(inventory: Inventory, namespace: string): NamespaceUsers {
  const out = new Map<string, Map<string, AccountUser>>();
  const keyOf = new Map<Resource, string>();
  for (const resource of inventory.ofKindsIn(WORKLOAD_KINDS, namespace)) {
    const workload = inventory.workloadOf(resource);
    if (!workload || resource.ref.kind === 'PodTemplate') continue;
    const account = podServiceAccount(workload).name;
    if (account === 'default') continue;
    if (!tokenAutomount(workload, resource, inventory).mounted && projectedTokenVolumes(workload).length === 0) continue;
    const root = rootOf(resource, inventory);
    keyOf.set(resource, root.key);
    let users = out.get(account);
    if (!users) out.set(account, (users = new Map()));
    if (users.has(root.key)) continue;
    const application = applicationOf(root.top, inventory);
    users.set(root.key, {
      root,
      application: application ? `${application.label}=${application.value}` : `workload ${root.key}`,
      description: application ? `${root.label} (${application.label}=${application.value})` : root.label,
    });
  }
  return { byAccount: out, keyOf };
}

const serviceAccountUsers = defineAnalysis({
  id: 'service-accounts/users-by-namespace',
  reads: [...WORKLOAD_KINDS, 'ServiceAccount'],
  scope: 'namespace',
  build: (inventory) => keyed((namespace: string) => usersIn(inventory, namespace)),
});

export default defineCheck({
  id: 'service-account-shared',
  title: 'Service account shared by unrelated workloads',
  severity: 'low',
  category: 'service-accounts',
  description:
    "When workloads of different applications run as one service account, each holds the union of the rights granted for all of them, and the API server's audit log cannot tell which of them acted: a compromise of the least trusted one reaches what the others may do. Workloads are one when they share an owner chain (a Deployment, its ReplicaSets and Pods; a CronJob, its Jobs and Pods); applications are told apart by the pod template's (else the workload's) `app.kubernetes.io/instance`, then `app.kubernetes.io/name`, `app` or `k8s-app` label, and a workload without any of them is an application of its own. Only workloads that receive an API token (automounted or projected) count. The `default` service account is left to default-service-account and default-service-account-bound, which report every workload that runs as it with a token.",
  remediation:
    'Create a ServiceAccount per application, set spec.serviceAccountName in each workload, and bind each one only the roles its application needs.',
  references: [
    'https://kubernetes.io/docs/concepts/security/service-accounts/',
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege',
  ],
  standards: {
    nsa: ['Authentication and authorization'],
    mitre: ['T1078.001'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  reads: { kinds: ['ServiceAccount'], analyses: [serviceAccountUsers], scope: 'namespace' },
  options: {},
  messages: {
    shared: 'the pod runs as service account "{{account}}", which {{count}} other application(s) of the namespace use too ({{others}}): each holds the rights granted for all of them',
  },
  *evaluate({ resource, workload, inventory }) {
    if (!workload || resource.ref.kind === 'PodTemplate') return;
    const account = podServiceAccount(workload);
    if (account.name === 'default') return;
    const namespace = inventory.get(serviceAccountUsers)(resource.ref.namespace ?? 'default');
    const users = namespace.byAccount.get(account.name);
    const key = namespace.keyOf.get(resource);
    if (!users || users.size < 2 || key === undefined) return; // shared by nobody, or this workload gets no token
    const own = users.get(key);
    if (!own) return;
    const others = [...users.values()].filter((user) => user.application !== own.application);
    if (others.length === 0) return;
    const applications = new Set(others.map((user) => user.application));
    yield {
      path: account.path,
      messageId: 'shared',
      data: { account: account.name, count: applications.size, others: shortList(others.map((user) => user.description).sort()) },
    };
  },
});
