import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { hasControllerOwner } from './support/ownership.js';

/** Static pods carry this annotation on their API mirror; the kubelet keeps them running. */
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

export default defineCheck({
  id: 'bare-pod',
  title: 'Pod without a controller',
  severity: 'low',
  category: 'resources',
  description:
    'A Pod created directly, with no Deployment, StatefulSet, DaemonSet or Job managing it, is not recreated when its node fails or drains, and cannot be rolled out or scaled.',
  remediation: 'Create the pod through a controller (a Deployment for a service, a Job for a one-off task) instead of as a bare Pod.',
  references: ['https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs'],
  standards: {},
  enabledByDefault: true,
  appliesTo: { kinds: ['Pod'] },
  options: {},
  messages: {
    unmanaged: 'the pod is not managed by a controller (no ownerReference with controller: true)',
  },
  *evaluate({ resource }) {
    if (hasControllerOwner(resource.object)) return;
    const annotations = metadataOf(resource.object).annotations;
    if (annotations && typeof annotations === 'object' && MIRROR_ANNOTATION in annotations) return;
    yield {
      path: ['metadata', 'ownerReferences'],
      messageId: 'unmanaged',
    };
  },
});
