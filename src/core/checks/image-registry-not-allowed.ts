import { defineCheck } from '../model/check.js';
import { matchesRegistryEntry } from '../images/reference.js';
import { containerImages } from '../kinds/images.js';

export default defineCheck({
  id: 'image-registry-not-allowed',
  title: 'Image comes from a registry that is not allowed',
  severity: 'high',
  category: 'images',
  description:
    "Images from registries outside your control skip your scanning, signing and retention policies, and a typo-squatted or compromised public image runs with the workload's permissions. The check does nothing until allowedRegistries is configured. Images are normalised as Docker does: nginx is docker.io/library/nginx, foo/bar is docker.io/foo/bar, localhost:5000/x comes from localhost:5000.",
  remediation: 'Mirror the image into an allowed registry and reference it there, or add the registry to allowedRegistries if it is trusted.',
  references: [
    'https://kubernetes.io/docs/concepts/containers/images/#image-names',
    'https://kubernetes.io/docs/concepts/security/security-checklist/#images',
  ],
  standards: {
    cis: ['5.5.1'],
    nsa: ['Pod security: building secure container images'],
    mitre: ['T1204.003'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {
    allowedRegistries: {
      type: 'string[]',
      default: [],
      required: true,
      description:
        'Registries images may come from: a host (ghcr.io, localhost:5000), a host with a leading wildcard (*.dkr.ecr.eu-west-1.amazonaws.com) or a host and repository prefix (ghcr.io/acme, docker.io/library). Empty: the check reports nothing.',
    },
  },
  messages: {
    notAllowed: 'container "{{container}}" uses image "{{image}}" from {{registry}}/{{repository}}, which no allowedRegistries entry covers',
  },
  *evaluate({ workload, options }) {
    if (options.allowedRegistries.length === 0) return;
    for (const { container, image, reference, path } of containerImages(workload)) {
      if (options.allowedRegistries.some((entry) => matchesRegistryEntry(reference, entry))) continue;
      yield {
        path,
        messageId: 'notAllowed',
        data: { container: container.name, image, registry: reference.registry, repository: reference.repository },
        container: container.name,
      };
    }
  },
});
