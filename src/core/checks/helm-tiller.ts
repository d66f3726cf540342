import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { asString } from '../model/values.js';
import { imagePathSegments } from '../images/reference.js';

/** gcr.io/kubernetes-helm/tiller, ghcr.io/helm/tiller and rebuilds such as tiller-multiarch. */
function isTillerImage(image: string): boolean {
  const segments = imagePathSegments(image);
  const last = segments[segments.length - 1] ?? '';
  return last === 'tiller' || /^tiller[-_]/.test(last) || /[-_]tiller$/.test(last);
}

export default defineCheck({
  id: 'helm-tiller',
  title: 'Helm 2 Tiller deployed',
  severity: 'high',
  category: 'add-ons',
  description:
    'Tiller, the server side of Helm 2, usually runs with cluster-admin and answers unauthenticated gRPC on port 44134 to any pod that reaches it: every pod in the cluster can install charts as cluster-admin. Helm 2 is unsupported since 2020.',
  remediation: 'Migrate the releases to Helm 3 (helm-2to3), which has no server component, then delete the tiller-deploy Deployment and its service account binding.',
  references: [
    'https://helm.sh/docs/topics/v2_v3_migration/',
    'https://helm.sh/blog/helm-2-becomes-unsupported/',
  ],
  standards: {
    mitre: ['T1610'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    image: '{{kind}} "{{name}}" runs the Helm 2 Tiller image {{image}}',
    deployment: 'Deployment "tiller-deploy" deploys Helm 2 Tiller',
  },
  *evaluate({ resource, workload }) {
    if (!workload || workload.kind === 'PodTemplate') return;
    for (const container of workload.containers) {
      const image = asString(container.container.image);
      if (image === undefined || !isTillerImage(image)) continue;
      yield { path: [...container.path, 'image'], messageId: 'image', data: { kind: resource.ref.kind, name: resource.ref.name, image }, container: container.name };
      return;
    }
    if (resource.ref.kind === 'Deployment' && metadataOf(resource.object).name === 'tiller-deploy') {
      yield { path: ['metadata', 'name'], messageId: 'deployment' };
    }
  },
});
