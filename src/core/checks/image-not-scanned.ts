import { defineCheck } from '../model/check.js';
import { containerImages } from '../kinds/images.js';

export default defineCheck({
  id: 'image-not-scanned',
  title: 'Image not scanned, or scanned before the vulnerability data changed',
  severity: 'medium',
  category: 'images',
  description:
    'An image that was never scanned may carry any known vulnerability; one scanned before the last vulnerability data update may carry vulnerabilities published since. Runs when Palisade has a local store of image scans (palisade image); a reference is matched by digest when it pins one, else by its tag.',
  remediation: 'Scan the image (palisade image REF) after each vulnerability data update (palisade db update), or pin scanned digests in the manifests.',
  references: ['https://kubernetes.io/docs/concepts/security/security-checklist/#images'],
  standards: { nsa: ['Pod security: building secure container images'], mitre: ['T1204.003'] },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  appliesWhen: { description: 'workloads with images, when image scan results were loaded', test: ({ workload, inventory }) => inventory.images !== undefined && containerImages(workload).length > 0 },
  reads: { images: true, scope: 'namespace' },
  options: {},
  *evaluate({ workload, inventory }) {
    const results = inventory.images;
    if (!results) return;
    for (const { container, image, path } of containerImages(workload)) {
      const scan = results.lookup(image);
      if (!scan) {
        yield { path, container: container.name, message: `container "${container.name}" runs image "${image}", which was never scanned` };
        continue;
      }
      const updated = results.databaseUpdatedAt;
      if (updated && (!scan.databaseUpdatedAt || scan.databaseUpdatedAt < updated)) {
        yield {
          path,
          container: container.name,
          message: scan.databaseUpdatedAt
            ? `container "${container.name}" runs image "${image}", last scanned ${scan.scannedAt.slice(0, 10)} with vulnerability data of ${scan.databaseUpdatedAt.slice(0, 10)}; the data was updated since (${updated.slice(0, 10)})`
            : `container "${container.name}" runs image "${image}", last scanned ${scan.scannedAt.slice(0, 10)} with vulnerability data of unknown date; the current data is of ${updated.slice(0, 10)}`,
        };
      }
    }
  },
});
