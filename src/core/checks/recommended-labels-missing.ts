import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { ignoreNamespacesOption } from './support/multi-tenancy.js';
import { isBuiltInObject } from '../kinds/namespaces.js';
import { hasControllerOwner, hasNonEmpty, OWNED_KINDS } from './support/ownership.js';

export default defineCheck({
  id: 'recommended-labels-missing',
  title: 'Recommended labels missing',
  severity: 'info',
  category: 'ownership',
  description:
    'The app.kubernetes.io labels let tools and people tell which application and which installation an object belongs to; without them, inventories, dashboards and incident response guess from names.',
  remediation: 'Add the recommended labels (app.kubernetes.io/name, app.kubernetes.io/instance, and where useful version, component, part-of and managed-by).',
  references: ['https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/'],
  standards: {},
  enabledByDefault: false,
  appliesTo: { kinds: OWNED_KINDS },
  options: {
    ignoreNamespaces: {
      ...ignoreNamespacesOption(''),
      description: 'Namespaces whose objects (and the Namespace objects themselves) need not name them: the control plane\'s own by default.',
    },
    labels: {
      type: 'string[]',
      default: ['app.kubernetes.io/name', 'app.kubernetes.io/instance'],
      description: 'Label keys every object must carry, non-empty.',
    },
  },
  messages: {
    one: '{{kind}} "{{name}}" lacks the recommended label {{labels}}',
    several: '{{kind}} "{{name}}" lacks the recommended labels {{labels}}',
  },
  *evaluate({ resource, options }) {
    if (hasControllerOwner(resource.object) || isBuiltInObject(resource.ref.kind, resource.ref.name)) return;
    const namespace = resource.ref.kind === 'Namespace' ? resource.ref.name : resource.ref.namespace;
    if (namespace !== undefined && options.ignoreNamespaces.includes(namespace)) return;
    const labels = metadataOf(resource.object).labels;
    const missing = options.labels.filter((key) => !hasNonEmpty(labels, key));
    if (missing.length === 0) return;
    yield {
      path: ['metadata', 'labels'],
      messageId: missing.length === 1 ? 'one' : 'several',
      data: { kind: resource.ref.kind, name: resource.ref.name, labels: missing.join(', ') },
    };
  },
});
