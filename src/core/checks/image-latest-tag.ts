import { defineCheck } from '../model/check.js';
import { effectiveTag } from '../images/reference.js';
import { containerImages } from '../kinds/images.js';

export default defineCheck({
  id: 'image-latest-tag',
  title: 'Image uses the latest tag',
  severity: 'medium',
  category: 'images',
  description:
    "An image without a tag, or tagged latest, names whatever was pushed last: each node may run a different build, a rollback does not roll back, and whoever can push to the repository changes what runs. A reference pinned by digest is immutable and is not reported, whatever its tag.",
  remediation: 'Use a specific version tag (nginx:1.27.3) or, better, pin the image by digest (nginx:1.27.3@sha256:...).',
  references: [
    'https://kubernetes.io/docs/concepts/containers/images/#image-names',
    'https://kubernetes.io/docs/concepts/configuration/overview/#container-images',
  ],
  standards: {
    nsa: ['Pod security: building secure container images'],
    mitre: ['T1525'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    untagged: 'container "{{container}}" uses image "{{image}}" without a tag, which means :latest',
    latest: 'container "{{container}}" uses image "{{image}}" with the latest tag',
  },
  *evaluate({ workload }) {
    for (const { container, image, reference, path } of containerImages(workload)) {
      if (reference.digest !== undefined) continue;
      if (effectiveTag(reference) !== 'latest') continue;
      yield {
        path,
        messageId: reference.tag === undefined ? 'untagged' : 'latest',
        data: { container: container.name, image },
        container: container.name,
      };
    }
  },
});
