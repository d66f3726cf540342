import { defineCheck } from '../model/check.js';
import { containerImages } from '../kinds/images.js';

export default defineCheck({
  id: 'image-not-pinned-by-digest',
  title: 'Image is not pinned by digest',
  severity: 'low',
  category: 'images',
  description:
    "Every tag can be moved: whoever can push to the repository, or compromise the registry, can change what a tag points to and the next pull runs it. Only a digest names fixed content. Off by default, since most teams pin by version tag and accept that risk.",
  remediation: 'Reference the image by digest (name:tag@sha256:...), and let an automated tool (Renovate, Dependabot) update the digest.',
  references: [
    'https://kubernetes.io/docs/concepts/containers/images/#image-names',
    'https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy',
  ],
  standards: {
    cis: ['5.5.1'],
    nsa: ['Pod security: building secure container images'],
    mitre: ['T1525'],
  },
  enabledByDefault: false,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    unpinned: 'container "{{container}}" uses image "{{image}}", which is not pinned by digest',
  },
  *evaluate({ workload }) {
    for (const { container, image, reference, path } of containerImages(workload)) {
      if (reference.digest !== undefined) continue;
      yield { path, messageId: 'unpinned', data: { container: container.name, image }, container: container.name };
    }
  },
});
