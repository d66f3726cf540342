import { defineCheck } from '../model/check.js';
import { ignoreNamespacesOption } from './support/multi-tenancy.js';
import { namespaceName } from '../kinds/namespaces.js';

export default defineCheck({
  id: 'namespace-without-resource-quota',
  title: 'Namespace without a ResourceQuota',
  severity: 'low',
  category: 'multi-tenancy',
  description:
    'Without a ResourceQuota one tenant can create pods, services and storage until the cluster runs out, starving every other namespace. Reported for each Namespace object scanned when no ResourceQuota in the scanned objects lives in it.',
  remediation: 'Add a ResourceQuota to the namespace that caps CPU, memory, pod count and storage requests.',
  references: [
    'https://kubernetes.io/docs/concepts/policy/resource-quotas/',
    'https://kubernetes.io/docs/concepts/security/multi-tenancy/#quotas',
  ],
  standards: {
    nsa: ['Network separation: resource policies'],
    mitre: ['T1496', 'T1499'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['Namespace'] },
  reads: { kinds: ['ResourceQuota'], scope: 'namespace' },
  options: {
    ignoreNamespaces: ignoreNamespacesOption('a ResourceQuota'),
  },
  messages: {
    missing: 'namespace "{{namespace}}" has no ResourceQuota',
  },
  *evaluate({ resource, inventory, options }) {
    const name = namespaceName(resource.object);
    if (name === undefined || options.ignoreNamespaces.includes(name)) return;
    if (inventory.ofKindIn('ResourceQuota', name).length > 0) return;
    yield { path: ['metadata', 'name'], messageId: 'missing', data: { namespace: name } };
  },
});
