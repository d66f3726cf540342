import { defineCheck } from '../model/check.js';
import { osSupport } from '../images/os-support.js';
import { containerImages } from '../kinds/images.js';

export default defineCheck({
  id: 'image-os-end-of-life',
  title: 'Image built on an operating system past its end of life',
  severity: 'high',
  category: 'images',
  description:
    'Once a distribution release reaches its end of life (after Debian LTS or Ubuntu ESM where those exist), its vendor publishes no more security fixes: every vulnerability found in its packages from then on stays open, and scanners stop reporting many of them. Judged from the os-release recorded by the last scan of the image, against a dated table of releases (distro-info-data for Debian and Ubuntu, published dates for Alpine, RHEL, CentOS, Rocky, AlmaLinux and Amazon Linux). Images whose OS is unknown or not in the table are not judged.',
  remediation: 'Rebuild the image on a supported release of its base image (e.g. debian:12 or a newer alpine), and roll out the new digest.',
  references: ['https://kubernetes.io/docs/concepts/security/security-checklist/#images', 'https://wiki.debian.org/LTS', 'https://ubuntu.com/about/release-cycle'],
  standards: { nsa: ['Upgrading and application security practices'], mitre: ['T1525'] },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  appliesWhen: { description: 'workloads with an image scanned by palisade image', test: ({ workload, inventory }) => containerImages(workload).some(({ image }) => inventory.images?.lookup(image) !== undefined) },
  reads: { images: true, scope: 'namespace' },
  options: {},
  messages: {
    endOfLife: 'container "{{container}}" runs image "{{image}}" built on {{release}}, end of life since {{endOfLife}} (release data as of {{dataAsOf}})',
  },
  *evaluate({ workload, inventory, now }) {
    const results = inventory.images;
    if (!results) return;
    for (const { container, image, path } of containerImages(workload)) {
      const os = results.lookup(image)?.os;
      if (!os) continue;
      const support = osSupport(os, now);
      if (support.state !== 'end-of-life') continue;
      const release = `${os.id} ${os.versionId ?? ''}`.trim();
      yield {
        path,
        container: container.name,
        messageId: 'endOfLife',
        data: { container: container.name, image, release, endOfLife: support.ltsEndOfLife ?? support.endOfLife, dataAsOf: support.dataAsOf },
      };
    }
  },
});
