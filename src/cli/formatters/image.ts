import type { ImageScanEntry } from '../../adapters/images/pipeline.js';
import { VULNERABILITY_SEVERITIES } from '../../core/images/match.js';
import { formatPlatform } from '../../core/images/oci.js';
import { describeOsSupport } from '../../core/images/os-support.js';
import { defineOutputs, type Render } from '../output/registry.js';
import { visible } from '../output/escape.js';
import { tableChunks } from '../output/table.js';
import { imageScanReport } from './image-report.js';

/** What `palisade image` reports: every image scanned, and the ones that could not be read. */
export interface ImageInventoryReport {
  apiVersion: string;
  kind: 'ImageInventoryReport';
  generator: string;
  images: (ImageScanEntry & { findings?: unknown[] })[];
  errors: { image: string; message: string }[];
}

const SEVERITY_ORDER = VULNERABILITY_SEVERITIES;

/**
 * Everything here comes from the image (os-release, the config's user and ports, package
 * names and paths) or from the command line: each line is made `visible` (control characters
 * escaped), the tables escape their cells.
 */
function* vulnerabilityChunks(entry: ImageScanEntry): Generator<string> {
  if (!entry.vulnerabilities) {
    yield 'VULNERABILITIES  not matched (no vulnerability database)\n\n';
    return;
  }
  const found = [...entry.vulnerabilities].sort((a, b) => SEVERITY_ORDER.indexOf(b.severity.level) - SEVERITY_ORDER.indexOf(a.severity.level) || a.package.name.localeCompare(b.package.name) || a.id.localeCompare(b.id));
  const counts = [...SEVERITY_ORDER].reverse().map((level) => [level, found.filter((finding) => finding.severity.level === level).length] as const).filter(([, count]) => count > 0);
  const data = entry.database?.updatedAt ? `, data updated ${entry.database.updatedAt.slice(0, 10)}` : '';
  yield `${visible(`VULNERABILITIES  ${found.length}${counts.length ? ` (${counts.map(([level, count]) => `${level} ${count}`).join(', ')})` : ''}${data}${entry.cached ? `, from the store (scanned ${entry.scannedAt.slice(0, 10)})` : ''}`)}\n`;
  if (found.length > 0) {
    const rows = found.map((finding) => {
      const cve = finding.aliases.find((alias) => alias.startsWith('CVE-'));
      return [finding.severity.level, cve && cve !== finding.id ? `${finding.id} (${cve})` : finding.id, finding.package.name, finding.package.version, finding.fixedVersion ?? '-', finding.status, finding.layer ? String(finding.layer.index) : '-'];
    });
    yield* tableChunks(rows, { header: ['SEVERITY', 'ID', 'PACKAGE', 'INSTALLED', 'FIXED', 'STATUS', 'LAYER'], max: 60 });
  }
  yield '\n';
}

/** One image as text, a line or a table row at a time: its facts, its vulnerabilities, then its packages with the layer of each. */
function* imageChunks(inventory: ImageScanEntry): Generator<string> {
  const { image } = inventory;
  yield `IMAGE     ${visible(image.reference)}\n`;
  const facts = [
    image.platform ? `platform ${formatPlatform(image.platform)}` : undefined,
    inventory.os ? `os ${inventory.os.prettyName ?? `${inventory.os.id} ${inventory.os.versionId ?? ''}`.trim()}, ${describeOsSupport(inventory.osSupport)}` : 'os unknown',
    `created ${image.created ?? 'unknown'}${inventory.ageDays !== undefined ? ` (${inventory.ageDays} days ago)` : ''}`,
    `user ${image.user || 'root (unset)'}`,
    image.exposedPorts ? `ports ${image.exposedPorts.join(',')}` : undefined,
    `${image.layers.length} layers`,
  ].filter(Boolean);
  yield `          ${visible(facts.join('  '))}\n`;
  const counts = new Map<string, number>();
  for (const item of inventory.packages) counts.set(item.ecosystem, (counts.get(item.ecosystem) ?? 0) + 1);
  yield* vulnerabilityChunks(inventory);
  yield `${visible(`PACKAGES  ${inventory.packages.length}${counts.size ? ` (${[...counts].map(([ecosystem, count]) => `${ecosystem} ${count}`).join(', ')})` : ''}`)}\n\n`;
  const rows = inventory.packages.map((item) => [item.name, item.version, item.ecosystem, item.layer ? String(item.layer.index) : '-', `/${item.path}${item.ownedByOsPackage ? ` (from ${item.ownedByOsPackage})` : ''}`]);
  yield* tableChunks(rows, { header: ['NAME', 'VERSION', 'ECOSYSTEM', 'LAYER', 'PATH'], max: 48 });
  for (const problem of inventory.problems) yield `${visible(`warning: /${problem.path}: ${problem.message}`)}\n`;
}

/** Every image, a blank line between two. */
function* imagesTable(report: ImageInventoryReport): Generator<string> {
  for (const [index, entry] of report.images.entries()) {
    if (index > 0) yield '\n';
    yield* imageChunks(entry);
  }
}

/** The images as the scanner's report, rendered by the scan report's own SARIF, JUnit or Markdown writer. */
function asScanReport(format: 'sarif' | 'junit' | 'markdown'): Render<ImageInventoryReport> {
  return async (report, context) => {
    const { FORMATTERS } = await import('./index.js');
    return FORMATTERS[format]!(imageScanReport(report.images, context.version, report.errors), { color: false, cwd: context.cwd });
  };
}

/**
 * `palisade image -o`. The SBOM writers (the CycloneDX library is large) load only when asked for.
 * `sbomVulnerabilities` (`--sbom-vulnerabilities`) adds the vulnerabilities found to the CycloneDX BOM.
 */
export function imageOutputs(options: { sbomVulnerabilities?: boolean } = {}) {
  return defineOutputs<ImageInventoryReport>({
  default: 'table',
  formats: {
    table: (report) => imagesTable(report),
    json: (report) => `${JSON.stringify(report, null, 2)}\n`,
    yaml: async (report) => (await import('js-yaml')).default.dump(report, { noRefs: true, lineWidth: -1 }),
    sarif: asScanReport('sarif'),
    junit: asScanReport('junit'),
    markdown: asScanReport('markdown'),
    cyclonedx: async (report, context) => {
      const image = report.images[0];
      if (!image) return '';
      const vulnerabilities = options.sbomVulnerabilities ? { vulnerabilities: image.vulnerabilities ?? [] } : {};
      return (await import('../../adapters/sbom/cyclonedx.js')).cycloneDxBom(image, { version: context.version, now: context.now, ...vulnerabilities });
    },
    spdx: async (report, context) => (report.images[0] ? (await import('../../adapters/sbom/spdx.js')).spdxDocument(report.images[0], { version: context.version, now: context.now }) : ''),
  },
  });
}

export const IMAGE_OUTPUTS = imageOutputs();

/** The formats that write one document about one image. */
export const SINGLE_IMAGE_FORMATS: readonly string[] = ['cyclonedx', 'spdx'];
