import { defineCheck } from '../model/check.js';
import { familiarName, type ImageReference } from '../images/reference.js';
import { containerImages } from '../kinds/images.js';

interface Deprecation {
  /** what to say about the old location */
  registry: string;
  /** the reference to use instead, when there is an exact one */
  replacement?: string;
  advice: string;
}

function withSuffix(reference: ImageReference, base: string): string {
  return `${base}${reference.tag !== undefined ? `:${reference.tag}` : ''}${reference.digest !== undefined ? `@${reference.digest}` : ''}`;
}

/** The frozen or retired registries, and where their images live now. */
export function deprecationOf(reference: ImageReference): Deprecation | undefined {
  const { registry, repository } = reference;
  const k8s = (path: string, name: string): Deprecation => ({
    registry: name,
    replacement: withSuffix(reference, `registry.k8s.io/${path}`),
    advice: 'registry.k8s.io',
  });
  if (registry === 'k8s.gcr.io' || registry === 'staging-k8s.gcr.io') return k8s(repository, registry);
  if (registry === 'gcr.io') {
    for (const project of ['google_containers', 'google-containers']) {
      if (repository.startsWith(`${project}/`)) return k8s(repository.slice(project.length + 1), `gcr.io/${project}`);
    }
  }
  if (['us.gcr.io', 'eu.gcr.io', 'asia.gcr.io'].includes(registry) && repository.startsWith('k8s-artifacts-prod/')) {
    return k8s(repository.slice('k8s-artifacts-prod/'.length), `${registry}/k8s-artifacts-prod`);
  }
  if (registry === 'docker.pkg.github.com') return { registry, advice: 'ghcr.io (GitHub Container registry)' };
  return undefined;
}

export default defineCheck({
  id: 'image-deprecated-registry',
  title: 'Image comes from a frozen registry',
  severity: 'medium',
  category: 'images',
  description:
    "k8s.gcr.io (and its gcr.io/google_containers aliases) has been frozen since April 2023 and the GitHub Packages Docker registry is retired: no new versions or security fixes are published there, and pulls may stop working.",
  remediation: 'Pull the image from its current home: registry.k8s.io for Kubernetes project images, ghcr.io for GitHub packages.',
  references: [
    'https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/',
    'https://kubernetes.io/blog/2022/11/28/registry-k8s-io-faster-cheaper-ga/',
  ],
  standards: {
    nsa: ['Upgrading and application security practices'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    frozen: 'container "{{container}}" uses image "{{image}}" from the frozen registry {{registry}}: use {{replacement}}',
    retired: 'container "{{container}}" uses image "{{image}}" from the retired registry {{registry}}: move it to {{advice}}',
  },
  *evaluate({ workload }) {
    for (const { container, image, reference, path } of containerImages(workload)) {
      const deprecation = deprecationOf(reference);
      if (!deprecation) continue;
      yield {
        path,
        ...(deprecation.replacement
          ? { messageId: 'frozen' as const, data: { container: container.name, image, registry: deprecation.registry, replacement: deprecation.replacement } }
          : { messageId: 'retired' as const, data: { container: container.name, image: familiarName(reference), registry: deprecation.registry, advice: deprecation.advice } }),
        container: container.name,
      };
    }
  },
});
