import { defineCheck } from '../model/check.js';
import { ignoreNamespacesOption } from './support/multi-tenancy.js';
import { namespaceName } from '../kinds/namespaces.js';

export default defineCheck({
  id: 'namespace-without-limit-range',
  title: 'Namespace without a LimitRange',
  severity: 'low',
  category: 'multi-tenancy',
  description:
    'A LimitRange gives containers that declare no requests or limits sane defaults and bounds what a single container may ask for; without one, a pod that forgets its limits can use a whole node. Reported for each Namespace object scanned when no LimitRange in the scanned objects lives in it.',
  remediation: 'Add a LimitRange to the namespace with default requests and limits (type: Container) and a maximum per container.',
  references: [
    'https://kubernetes.io/docs/concepts/policy/limit-range/',
    'https://kubernetes.io/docs/concepts/security/multi-tenancy/#quotas',
  ],
  standards: {
    nsa: ['Network separation: resource policies'],
    mitre: ['T1496', 'T1499'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['Namespace'] },
  reads: { kinds: ['LimitRange'], scope: 'namespace' },
  options: {
    ignoreNamespaces: ignoreNamespacesOption('a LimitRange'),
  },
  messages: {
    missing: 'namespace "{{namespace}}" has no LimitRange',
  },
  *evaluate({ resource, inventory, options }) {
    const name = namespaceName(resource.object);
    if (name === undefined || options.ignoreNamespaces.includes(name)) return;
    if (inventory.ofKindIn('LimitRange', name).length > 0) return;
    yield { path: ['metadata', 'name'], messageId: 'missing', data: { namespace: name } };
  },
});
