import { objectContent } from '../inventory/analysis.js';
import { defineCheck } from '../model/check.js';
import { RBAC_REFERENCES, shortList } from './support/rbac.js';
import { serviceAccountPower, serviceAccountPowers } from './support/rbac-model.js';
import { namespaceSecretAccess } from './support/secret-access.js';
import { tokenAutomount } from './support/service-accounts.js';
import { podServiceAccount, projectedTokenVolumes } from '../kinds/service-accounts.js';
import { referencedSecrets } from '../kinds/secret-references.js';

export default defineCheck({
  id: 'workload-reads-unreferenced-secrets',
  title: 'Pod can read every Secret of its namespace but uses only some',
  severity: 'medium',
  category: 'service-accounts',
  description:
    "The pod names the Secrets it uses (volumes, secretKeyRef, envFrom, imagePullSecrets), yet the service account whose token it holds can list, watch or get every Secret of the namespace, through the RBAC model (bindings, aggregated ClusterRoles, wildcards; rules limited by resourceNames do not count). Code execution in the pod then reads the credentials of every other workload of the namespace, service account tokens included. Pods whose account can read every Secret of the cluster, or reach cluster-admin, are reported by workload-powerful-service-account instead; pods that reference no Secret (operators that manage them) are not reported.",
  remediation:
    'Mount the Secrets the pod needs instead of reading them through the API, or limit the rule with resourceNames to those Secrets; give the workload its own service account when several share one, and set automountServiceAccountToken: false when it does not call the API.',
  references: [`${RBAC_REFERENCES.goodPractices}#listing-secrets`, 'https://kubernetes.io/docs/concepts/security/secrets-good-practices/'],
  standards: { nsa: ['Pod security: protecting pod service account tokens', 'Network separation: secrets'], mitre: ['T1552.007', 'T1528'] },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  // Of Secrets, which exist (the other Secrets of the namespace are named).
  reads: { kinds: ['Secret', 'ServiceAccount'], lookups: 'namespace', significant: (resource) => (resource.ref.kind === 'Secret' ? null : objectContent(resource)), analyses: [namespaceSecretAccess, serviceAccountPowers], scope: 'cluster' },
  options: {},
  messages: {
    bulk: 'serviceaccount:{{namespace}}:{{account}}, whose token the pod holds, can {{verbs}} every Secret of namespace "{{namespace}}" ({{via}}), while the pod references only {{referenced}}',
    bulkOthers: 'serviceaccount:{{namespace}}:{{account}}, whose token the pod holds, can {{verbs}} every Secret of namespace "{{namespace}}" ({{via}}), while the pod references only {{referenced}}; the scanned objects hold {{count}} other Secret(s) there: {{others}}',
    byName: 'serviceaccount:{{namespace}}:{{account}}, whose token the pod holds, can get any Secret of namespace "{{namespace}}" by name ({{via}}), while the pod references only {{referenced}}',
    byNameOthers: 'serviceaccount:{{namespace}}:{{account}}, whose token the pod holds, can get any Secret of namespace "{{namespace}}" by name ({{via}}), while the pod references only {{referenced}}; the scanned objects hold {{count}} other Secret(s) there: {{others}}',
  },
  *evaluate({ workload, resource, inventory }) {
    if (!workload || resource.ref.kind === 'PodTemplate') return;
    if (!tokenAutomount(workload, resource, inventory).mounted && projectedTokenVolumes(workload).length === 0) return;
    const referenced = referencedSecrets(workload);
    if (referenced.size === 0) return;
    const account = podServiceAccount(workload);
    const namespace = resource.ref.namespace ?? 'default';
    const access = inventory.get(namespaceSecretAccess)(`${namespace}/${account.name}`);
    if (!access) return;
    // Cluster-wide secret reads and cluster-admin are workload-powerful-service-account's.
    if (serviceAccountPower(inventory, namespace, account.name)) return;
    const others = inventory
      .ofKindIn('Secret', namespace)
      .map((secret) => secret.ref.name)
      .filter((name) => !referenced.has(name))
      .sort();
    const names = [...referenced].sort().map((name) => `"${name}"`);
    const data = {
      namespace,
      account: account.name,
      verbs: access.verbs.filter((verb) => verb !== 'get').join(' and '),
      via: access.via,
      referenced: `${names.length === 1 ? 'Secret' : 'Secrets'} ${shortList(names)}`,
      count: others.length,
      others: shortList(others.map((name) => `"${name}"`)),
    };
    const messageId = access.bulk ? (others.length > 0 ? 'bulkOthers' : 'bulk') : others.length > 0 ? 'byNameOthers' : 'byName';
    yield { path: account.path, messageId, data };
  },
});
