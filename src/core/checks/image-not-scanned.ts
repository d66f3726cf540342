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
  messages: {
    neverScanned: 'container "{{container}}" runs image "{{image}}", which was never scanned',
    queued: 'container "{{container}}" runs image "{{image}}" ({{digest}}), which was never scanned; it is queued for a scan: retry in a minute',
    scanFailed: 'container "{{container}}" runs image "{{image}}" ({{digest}}), which was never scanned; scanning it failed: {{reason}}',
    unresolved: 'container "{{container}}" runs image "{{image}}", not evaluated: its tag could not be resolved to a digest through the registry ({{reason}})',
    outdated: 'container "{{container}}" runs image "{{image}}", last scanned {{scanned}} with vulnerability data of {{dataDate}}; the data was updated since ({{updated}})',
    outdatedUnknown: 'container "{{container}}" runs image "{{image}}", last scanned {{scanned}} with vulnerability data of unknown date; the current data is of {{updated}}',
  },
  *evaluate({ workload, inventory }) {
    const results = inventory.images;
    if (!results) return;
    for (const { container, image, path } of containerImages(workload)) {
      const scan = results.lookup(image);
      if (!scan) {
        // The webhook knows more: the tag could not be resolved now, or the digest was queued for a scan.
        const status = results.status?.(image);
        if (status?.state === 'unresolved') yield { path, container: container.name, messageId: 'unresolved', data: { container: container.name, image, reason: status.reason } };
        else if (status?.state === 'queued') yield { path, container: container.name, messageId: 'queued', data: { container: container.name, image, digest: status.digest.slice(0, 19) } };
        else if (status?.state === 'scan-failed') yield { path, container: container.name, messageId: 'scanFailed', data: { container: container.name, image, digest: status.digest.slice(0, 19), reason: status.reason } };
        else yield { path, container: container.name, messageId: 'neverScanned', data: { container: container.name, image } };
        continue;
      }
      const updated = results.databaseUpdatedAt;
      if (updated && (!scan.databaseUpdatedAt || scan.databaseUpdatedAt < updated)) {
        yield {
          path,
          container: container.name,
          messageId: scan.databaseUpdatedAt ? 'outdated' : 'outdatedUnknown',
          data: { container: container.name, image, scanned: scan.scannedAt.slice(0, 10), dataDate: scan.databaseUpdatedAt?.slice(0, 10), updated: updated.slice(0, 10) },
        };
      }
    }
  },
});
