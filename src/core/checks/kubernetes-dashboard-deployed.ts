import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { asString } from '../model/values.js';
import { imagePathSegments } from '../images/reference.js';

/** The dashboard's images: kubernetesui/dashboard (and its v7 -api, -web, -auth parts) and the legacy kubernetes-dashboard-<arch>. */
function isDashboardImage(image: string): boolean {
  const segments = imagePathSegments(image);
  const last = segments[segments.length - 1] ?? '';
  const parent = segments[segments.length - 2];
  if (parent === 'kubernetesui' && /^dashboard(?:-(?:api|web|auth))?$/.test(last)) return true;
  return /^kubernetes-dashboard(?:-(?:amd64|arm64|arm|ppc64le|s390x))?$/.test(last);
}

export default defineCheck({
  id: 'kubernetes-dashboard-deployed',
  title: 'Kubernetes Dashboard deployed',
  severity: 'medium',
  category: 'add-ons',
  description:
    'The Kubernetes Dashboard is a web front end to the API: exposed, or bound to a powerful service account, it has handed clusters to attackers (the Tesla cryptojacking incident), and it widens the attack surface even when locked down.',
  remediation: 'Remove the dashboard, or keep it reachable only through kubectl proxy or port-forward, logging in with each user\'s own token and a service account with no permissions of its own.',
  references: [
    'https://kubernetes.io/docs/tasks/access-application-cluster/web-ui-dashboard/',
    'https://github.com/kubernetes/dashboard/blob/master/docs/user/access-control/README.md',
  ],
  standards: {
    mitre: ['T1133', 'T1190'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    image: '{{kind}} "{{name}}" runs the Kubernetes Dashboard image {{image}}',
    named: '{{kind}} "kubernetes-dashboard" deploys the Kubernetes Dashboard',
  },
  *evaluate({ resource, workload }) {
    if (!workload || workload.kind === 'PodTemplate') return;
    for (const container of workload.containers) {
      const image = asString(container.container.image);
      if (image === undefined || !isDashboardImage(image)) continue;
      yield { path: [...container.path, 'image'], messageId: 'image', data: { kind: resource.ref.kind, name: resource.ref.name, image }, container: container.name };
      return;
    }
    if (metadataOf(resource.object).name === 'kubernetes-dashboard') {
      yield { path: ['metadata', 'name'], messageId: 'named', data: { kind: resource.ref.kind } };
    }
  },
});
