import { defineCheck } from '../model/check.js';
import { VULNERABILITY_SEVERITIES } from '../images/advisory.js';
import type { VulnerabilitySummary } from '../images/results.js';
import { containerImages } from '../kinds/images.js';

/** Most severe first. */
const ORDER = [...VULNERABILITY_SEVERITIES].reverse();

export default defineCheck({
  id: 'image-vulnerabilities-fixable',
  title: 'Image has known vulnerabilities with a fix',
  severity: 'high',
  category: 'images',
  description:
    'The image was scanned (palisade image) and carries known vulnerabilities at the configured severities for which the package vendor has released a fixed version: the risk is published and the fix is a rebuild away. Judged from the most recent scan in the local store, by digest when the reference pins one.',
  remediation: 'Rebuild the image on an updated base and with the fixed package versions the finding lists, push it, and roll out the new digest.',
  references: ['https://kubernetes.io/docs/concepts/security/security-checklist/#images', 'https://ossf.github.io/osv-schema/'],
  standards: { nsa: ['Pod security: building secure container images', 'Upgrading and application security practices'], mitre: ['T1190', 'T1068'] },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  appliesWhen: { description: 'workloads with an image scanned by palisade image', test: ({ workload, inventory }) => containerImages(workload).some(({ image }) => inventory.images?.lookup(image) !== undefined) },
  reads: { images: true, scope: 'namespace' },
  options: {
    severities: { type: 'string[]', default: ['critical', 'high'], description: 'vulnerability severities reported (critical, high, medium, low, unknown)' },
    includeUnfixed: { type: 'boolean', default: false, description: 'also report vulnerabilities with no fix released yet' },
  },
  messages: {
    fixable: 'container "{{container}}" runs image "{{image}}" ({{digest}}, scanned {{scanned}}) with {{counts}} vulnerabilities that have a fix: {{examples}}',
    fixableMore: 'container "{{container}}" runs image "{{image}}" ({{digest}}, scanned {{scanned}}) with {{counts}} vulnerabilities that have a fix: {{examples}}; and {{more}} more',
    any: 'container "{{container}}" runs image "{{image}}" ({{digest}}, scanned {{scanned}}) with {{counts}} vulnerabilities: {{examples}}',
    anyMore: 'container "{{container}}" runs image "{{image}}" ({{digest}}, scanned {{scanned}}) with {{counts}} vulnerabilities: {{examples}}; and {{more}} more',
  },
  *evaluate({ workload, inventory, options }) {
    const results = inventory.images;
    if (!results) return;
    const wanted = new Set(options.severities);
    for (const { container, image, path } of containerImages(workload)) {
      const scan = results.lookup(image);
      if (!scan) continue;
      const found = scan.vulnerabilities.filter(
        (item) => wanted.has(item.severity) && (item.status === 'fixed' || (options.includeUnfixed && item.status === 'no-fix-yet')),
      );
      if (found.length === 0) continue;
      found.sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity) || a.id.localeCompare(b.id));
      const counts = ORDER.filter((severity) => found.some((item) => item.severity === severity))
        .map((severity) => `${found.filter((item) => item.severity === severity).length} ${severity}`)
        .join(', ');
      const examples = found.slice(0, 3).map(describe).join('; ');
      yield {
        path,
        container: container.name,
        messageId: options.includeUnfixed ? (found.length > 3 ? 'anyMore' : 'any') : found.length > 3 ? 'fixableMore' : 'fixable',
        data: { container: container.name, image, digest: scan.digest.slice(0, 19), scanned: scan.scannedAt.slice(0, 10), counts, examples, more: found.length - 3 },
      };
    }
  },
});

function describe(item: VulnerabilitySummary): string {
  const name = item.aliases?.find((alias) => alias.startsWith('CVE-')) ?? item.id;
  return `${name} in ${item.package} ${item.installedVersion}${item.fixedVersion ? ` (fixed in ${item.fixedVersion})` : ' (no fix yet)'}`;
}
