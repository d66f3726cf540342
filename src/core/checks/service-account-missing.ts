import { defineAnalysis, existenceOnly } from '../inventory/analysis.js';
import { defineCheck } from '../model/check.js';
import { podServiceAccount } from '../kinds/service-accounts.js';

/** Namespaces holding a ServiceAccount of each name. */
const namespacesByAccountName = defineAnalysis<ReadonlyMap<string, readonly string[]>>({
  id: 'service-accounts/namespaces-by-name',
  reads: ['ServiceAccount'],
  scope: 'cluster',
  significant: existenceOnly,
  build(inventory) {
    const index = new Map<string, string[]>();
    for (const item of inventory.ofKind('ServiceAccount')) {
      const list = index.get(item.ref.name);
      if (list) list.push(item.ref.namespace ?? 'default');
      else index.set(item.ref.name, [item.ref.namespace ?? 'default']);
    }
    return index;
  },
});

export default defineCheck({
  id: 'service-account-missing',
  title: 'Pod names a service account that does not exist',
  severity: 'low',
  category: 'service-accounts',
  description:
    "A pod whose service account does not exist is refused by the API server, and whoever later creates an account of that name, with whatever permissions, decides what the workload can do. Reported only when the scanned objects manage the namespace's service accounts: they declare the Namespace or at least one ServiceAccount in it, so scanning a single file does not report accounts defined elsewhere.",
  remediation: 'Add the ServiceAccount to the manifests next to the workload, or correct serviceAccountName.',
  references: ['https://kubernetes.io/docs/concepts/security/service-accounts/#assign-to-pod'],
  standards: {
    nsa: ['Authentication and authorization'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  // Whether the account and the namespace exist, nothing of their content.
  reads: { kinds: ['Namespace', 'ServiceAccount'], significant: existenceOnly, lookups: 'namespace', analyses: [namespacesByAccountName], scope: 'cluster' },
  options: {},
  messages: {
    missing: 'ServiceAccount "{{account}}" is not among the scanned objects of namespace "{{namespace}}"',
    missingHere: 'ServiceAccount "{{account}}" is not among the scanned objects of namespace "{{namespace}}" (one exists in namespace "{{elsewhere}}")',
  },
  *evaluate({ workload, resource, inventory }) {
    if (!workload) return;
    const account = podServiceAccount(workload);
    // `default` is created by the service account controller in every namespace.
    if (account.name === 'default') return;
    const namespace = resource.ref.namespace ?? 'default';
    if (inventory.find('ServiceAccount', namespace, account.name)) return;
    const managed =
      inventory.find('Namespace', undefined, namespace) !== undefined ||
      inventory.ofKindIn('ServiceAccount', namespace).length > 0;
    if (!managed) return;
    const elsewhere = inventory.get(namespacesByAccountName).get(account.name)?.find((other) => other !== namespace);
    yield {
      path: account.path,
      messageId: elsewhere !== undefined ? 'missingHere' : 'missing',
      data: { account: account.name, namespace, elsewhere },
    };
  },
});
