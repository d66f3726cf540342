import { defineCheck } from '../model/check.js';
import { defaultPullPolicy } from '../images/reference.js';
import { containerImages } from '../kinds/images.js';
import { fixedContainer } from './support/fixes.js';

export default defineCheck({
  id: 'image-pull-policy',
  title: 'Image with a mutable tag is not always pulled',
  severity: 'low',
  category: 'images',
  description:
    "With imagePullPolicy IfNotPresent or Never a node runs whatever copy of the tag it already holds: nodes drift apart, an image pre-seeded on the node is trusted as is, and any pod on the node can run a private image pulled earlier without credentials. Kubernetes defaults to IfNotPresent for every tag except latest. Digest-pinned images are immutable and are not reported. Off by default.",
  remediation: 'Pin the image by digest, or set imagePullPolicy: Always (and enable the AlwaysPullImages admission plugin in multi-tenant clusters).',
  references: [
    'https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy',
    'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwayspullimages',
  ],
  standards: {
    mitre: ['T1525'],
  },
  enabledByDefault: false,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    explicit: 'container "{{container}}" uses the mutable image "{{image}}" with imagePullPolicy: {{policy}}',
    defaulted: 'container "{{container}}" uses the mutable image "{{image}}" without imagePullPolicy, which defaults to IfNotPresent for this tag',
  },
  fix: {
    description: 'Sets imagePullPolicy: Always on the container (pinning the image by digest is the better fix, and needs a person to choose the digest).',
    edits({ workload }, finding) {
      const container = fixedContainer(workload, finding);
      return container ? [{ kind: 'set', path: [...container.path, 'imagePullPolicy'], value: 'Always' }] : [];
    },
  },
  *evaluate({ workload }) {
    for (const { container, image, reference, path } of containerImages(workload)) {
      if (reference.digest !== undefined) continue;
      const explicit = container.container.imagePullPolicy;
      if (typeof explicit === 'string' && explicit !== '') {
        if (explicit === 'Always') continue;
        yield {
          path: [...container.path, 'imagePullPolicy'],
          messageId: 'explicit',
          data: { container: container.name, image, policy: explicit },
          container: container.name,
        };
      } else if (defaultPullPolicy(reference) !== 'Always') {
        yield {
          path,
          messageId: 'defaulted',
          data: { container: container.name, image },
          container: container.name,
        };
      }
    }
  },
});
