import { defineCheck } from '../model/check.js';
import { serviceAccountKey } from '../rbac/model.js';
import { serviceAccountUser } from '../rbac/subjects.js';
import { rbacModelOf } from './support/rbac-model.js';
import { rbacModel } from '../rbac/analyses.js';

export default defineCheck({
  id: 'service-account-unused',
  title: 'Service account used by no workload',
  severity: 'low',
  category: 'service-accounts',
  description:
    'No scanned workload runs as this service account. If it holds permissions, they serve only whoever holds a token for it (a long-lived token Secret, a pipeline credential), outside what the manifests show. Off by default: it needs every workload of the namespace among the scanned objects.',
  remediation: 'Delete the service account and its bindings, or document the external client that uses it and give it only what that client needs.',
  references: ['https://kubernetes.io/docs/concepts/security/service-accounts/', 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  standards: { nsa: ['Authentication and authorization'], mitre: ['T1078.001'] },
  enabledByDefault: false,
  appliesTo: { kinds: ['ServiceAccount'] },
  reads: { analyses: [rbacModel], scope: 'cluster' },
  options: {},
  messages: {
    unused: 'no scanned workload runs as service account "{{name}}"',
    unusedBound: 'no scanned workload runs as service account "{{name}}", yet {{count}} binding(s) grant it roles ({{bindings}})',
  },
  *evaluate({ resource, inventory }) {
    const namespace = resource.ref.namespace ?? 'default';
    // every namespace has a default service account, created by the controller whether used or not
    if (resource.ref.name === 'default') return;
    const account = rbacModelOf(inventory).serviceAccounts.get(serviceAccountKey(namespace, resource.ref.name));
    if (!account || account.workloads.length > 0) return;
    const bindings = rbacModelOf(inventory).bindingsFor({ user: serviceAccountUser(namespace, resource.ref.name), groups: [] });
    if (bindings.length === 0) {
      yield { path: ['metadata', 'name'], messageId: 'unused', data: { name: resource.ref.name } };
      return;
    }
    const names = [...new Set(bindings.map(({ binding }) => `${binding.kind} ${binding.namespace ? `${binding.namespace}/` : ''}${binding.name}`))].join(', ');
    yield { path: ['metadata', 'name'], messageId: 'unusedBound', data: { name: resource.ref.name, count: bindings.length, bindings: names } };
  },
});
