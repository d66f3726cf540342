import { ageInDays } from '../images/advisory.js';
import { defineCheck } from '../model/check.js';
import { containerImages } from '../kinds/images.js';

export default defineCheck({
  id: 'image-too-old',
  title: 'Image built too long ago',
  severity: 'medium',
  category: 'images',
  description:
    'An image that has not been rebuilt for months carries every vulnerability fixed in its base and packages since it was built, scanned or not. Judged from the build date in the image config recorded by the last scan; images whose build date is unknown (reproducible builds set it to the epoch) are not judged.',
  remediation: 'Rebuild images regularly on a maintained base image (automate it), and roll out the new digest.',
  references: ['https://kubernetes.io/docs/concepts/security/security-checklist/#images'],
  standards: { nsa: ['Upgrading and application security practices'], mitre: ['T1525'] },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  appliesWhen: { description: 'workloads with an image scanned by palisade image', test: ({ workload, inventory }) => containerImages(workload).some(({ image }) => inventory.images?.lookup(image) !== undefined) },
  reads: { images: true, scope: 'namespace' },
  options: {
    maxAgeDays: { type: 'number', default: 90, description: 'oldest acceptable build date, in days before the scan' },
  },
  messages: {
    tooOld: 'container "{{container}}" runs image "{{image}}" built {{created}}, {{age}} days ago (more than {{maxAge}})',
  },
  *evaluate({ workload, inventory, options, now }) {
    const results = inventory.images;
    if (!results) return;
    for (const { container, image, path } of containerImages(workload)) {
      const created = results.lookup(image)?.created;
      // Epoch zero is what reproducible builds write: an unknown date, not an old one.
      if (!created || !(Date.parse(created) > 0)) continue;
      const age = ageInDays(created, now)!;
      if (age <= options.maxAgeDays) continue;
      yield {
        path,
        container: container.name,
        messageId: 'tooOld',
        data: { container: container.name, image, created: created.slice(0, 10), age, maxAge: options.maxAgeDays },
      };
    }
  },
});
