import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { isBuiltInObject, TENANT_KINDS } from '../kinds/namespaces.js';

export default defineCheck({
  id: 'default-namespace',
  title: 'Object placed in the default namespace',
  severity: 'low',
  category: 'multi-tenancy',
  description:
    'The default namespace is where everything lands without a namespace, so it mixes unrelated applications under one set of RBAC bindings, quotas and network policies. Only objects that name `namespace: default` explicitly are reported: a manifest with no namespace is applied to the namespace of the kubectl context (or -n), which this scan cannot know.',
  remediation: 'Create a namespace for the application and set metadata.namespace to it.',
  references: [
    'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['5.7.4'],
    nsa: ['Network separation: namespaces'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: TENANT_KINDS },
  options: {},
  messages: {
    placed: '{{kind}} "{{name}}" is placed in the default namespace',
  },
  *evaluate({ resource }) {
    const metadata = metadataOf(resource.object);
    if (metadata.namespace !== 'default') return;
    if (isBuiltInObject(resource.ref.kind, resource.ref.name)) return;
    yield { path: ['metadata', 'namespace'], messageId: 'placed', data: { kind: resource.ref.kind, name: resource.ref.name } };
  },
});
