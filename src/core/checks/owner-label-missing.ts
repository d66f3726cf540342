import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { OWNER_ANNOTATION_KEYS, OWNER_LABEL_KEYS } from '../model/owner.js';
import { ignoreNamespacesOption } from './support/multi-tenancy.js';
import { isBuiltInObject } from '../kinds/namespaces.js';
import { hasControllerOwner, hasNonEmpty, OWNED_KINDS } from './support/ownership.js';

/** "a", "a or b", "a, b or c" */
function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export default defineCheck({
  id: 'owner-label-missing',
  title: 'Object names no owner',
  severity: 'info',
  category: 'ownership',
  description:
    'When a finding, an incident or a cost spike lands on an object, someone has to be reached; an owner or team label (or a contact annotation) says who, and lets policies and alerts route by team. Pods and ReplicaSets managed by a controller are judged on their controller.',
  remediation: 'Add an owner or team label (or an owner, team or contact annotation) naming the responsible team.',
  references: [
    'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/',
    'https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/',
  ],
  standards: {},
  enabledByDefault: true,
  appliesTo: { kinds: OWNED_KINDS },
  options: {
    ignoreNamespaces: {
      ...ignoreNamespacesOption(''),
      description: 'Namespaces whose objects (and the Namespace objects themselves) need not name an owner: the control plane\'s own by default.',
    },
    labels: {
      type: 'string[]',
      default: [...OWNER_LABEL_KEYS],
      description: 'Label keys that name an owner; any one of them, non-empty, is enough.',
    },
    annotations: {
      type: 'string[]',
      default: [...OWNER_ANNOTATION_KEYS],
      description: 'Annotation keys that name an owner; any one of them, non-empty, is enough.',
    },
  },
  messages: {
    labelsAndAnnotations: '{{kind}} "{{name}}" names no owner: no {{labels}} label and no {{annotations}} annotation',
    labels: '{{kind}} "{{name}}" names no owner: no {{labels}} label',
    annotations: '{{kind}} "{{name}}" names no owner: no {{annotations}} annotation',
    nothingAsked: '{{kind}} "{{name}}" names no owner: ',
  },
  *evaluate({ resource, options }) {
    if (hasControllerOwner(resource.object) || isBuiltInObject(resource.ref.kind, resource.ref.name)) return;
    const namespace = resource.ref.kind === 'Namespace' ? resource.ref.name : resource.ref.namespace;
    if (namespace !== undefined && options.ignoreNamespaces.includes(namespace)) return;
    const metadata = metadataOf(resource.object);
    if (options.labels.some((key) => hasNonEmpty(metadata.labels, key))) return;
    if (options.annotations.some((key) => hasNonEmpty(metadata.annotations, key))) return;
    const labels = options.labels.length > 0;
    const annotations = options.annotations.length > 0;
    yield {
      path: ['metadata', 'labels'],
      messageId: labels && annotations ? 'labelsAndAnnotations' : labels ? 'labels' : annotations ? 'annotations' : 'nothingAsked',
      data: { kind: resource.ref.kind, name: resource.ref.name, labels: orList(options.labels), annotations: orList(options.annotations) },
    };
  },
});
