import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { VulnerabilityFinding } from '../../core/images/match.js';
import type { ImageInventory, InstalledPackage } from '../../core/images/model.js';

/**
 * CycloneDX 1.5 JSON through @cyclonedx/cyclonedx-library (its models and normaliser, so
 * the output follows the spec the library ships schemas for). The image is the metadata
 * component (type container); each package a library or operating-system component
 * with its purl, and properties for the layer that introduced it.
 */

const PROPERTY = 'palisade:';

function component(item: InstalledPackage, index: number): Models.Component {
  const result = new Models.Component(Enums.ComponentType.Library, item.name, { version: item.version, bomRef: `pkg-${index}` });
  if (item.purl) result.purl = item.purl;
  for (const license of item.licenses ?? []) result.licenses.add(new Models.NamedLicense(license));
  const properties: [string, string | undefined][] = [
    ['ecosystem', item.ecosystem],
    ['path', item.path],
    ['sourceName', item.sourceName],
    ['sourceVersion', item.sourceVersion],
    ['layer:index', item.layer ? String(item.layer.index) : undefined],
    ['layer:digest', item.layer?.digest],
    ['layer:createdBy', item.layer?.createdBy],
    ['ownedByOsPackage', item.ownedByOsPackage],
    ['groupGuessed', item.groupGuessed ? 'true' : undefined],
  ];
  for (const [name, value] of properties) if (value !== undefined) result.properties.add(new Models.Property(`${PROPERTY}${name}`, value));
  return result;
}

const SOURCES: Record<VulnerabilityFinding['feed'], { name: string; url: (id: string) => string }> = {
  osv: { name: 'OSV', url: (id) => `https://osv.dev/vulnerability/${encodeURIComponent(id)}` },
  'debian-tracker': { name: 'Debian security tracker', url: (id) => `https://security-tracker.debian.org/tracker/${encodeURIComponent(id)}` },
  'alpine-secdb': { name: 'Alpine secdb', url: (id) => `https://security.alpinelinux.org/vuln/${encodeURIComponent(id)}` },
};

const CVSS_METHODS: Record<string, Enums.Vulnerability.RatingMethod> = { '3.0': Enums.Vulnerability.RatingMethod.CVSSv3, '3.1': Enums.Vulnerability.RatingMethod.CVSSv31, '4.0': Enums.Vulnerability.RatingMethod.CVSSv4 };
const SEVERITIES: Record<string, Enums.Vulnerability.Severity> = {
  critical: Enums.Vulnerability.Severity.Critical,
  high: Enums.Vulnerability.Severity.High,
  medium: Enums.Vulnerability.Severity.Medium,
  low: Enums.Vulnerability.Severity.Low,
  none: Enums.Vulnerability.Severity.None,
  unknown: Enums.Vulnerability.Severity.Unknown,
};

const samePackage = (item: InstalledPackage, finding: VulnerabilityFinding): boolean =>
  item.ecosystem === finding.package.ecosystem && item.name === finding.package.name && item.version === finding.package.version && item.path === finding.package.path;

/**
 * One CycloneDX vulnerability per advisory id, affecting (by bom-ref) every component it was
 * found in: its source (OSV, the Debian tracker, Alpine secdb), the aliases as references, a
 * rating per CVSS vector scored (method, score, vector, severity; sourced from the alias record
 * when the rating came from one) or the vendor's or database's rating, and the fixed versions
 * as the recommendation.
 */
function vulnerabilities(findings: readonly VulnerabilityFinding[], components: readonly Models.Component[], packages: readonly InstalledPackage[]): Models.Vulnerability.Vulnerability[] {
  const byId = new Map<string, VulnerabilityFinding[]>();
  for (const finding of findings) byId.set(finding.id, [...(byId.get(finding.id) ?? []), finding]);
  return [...byId].map(([id, group]) => {
    const first = group[0]!;
    const source = SOURCES[first.feed];
    const vulnerability = new Models.Vulnerability.Vulnerability({ bomRef: `vulnerability-${id}`, id, source: new Models.Vulnerability.Source({ name: source.name, url: source.url(id) }) });
    if (first.summary) vulnerability.description = first.summary;
    for (const alias of new Set(group.flatMap((finding) => finding.aliases))) {
      if (alias === id) continue;
      const aliasSource = /^CVE-/.test(alias) ? { name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${alias}` } : { name: 'OSV', url: SOURCES.osv.url(alias) };
      vulnerability.references.add(new Models.Vulnerability.Reference(alias, new Models.Vulnerability.Source(aliasSource)));
    }
    const severity = first.severity;
    const ratingSource = new Models.Vulnerability.Source(severity.via ? { name: SOURCES.osv.name, url: SOURCES.osv.url(severity.via) } : { name: source.name, url: source.url(id) });
    for (const score of severity.cvss) {
      vulnerability.ratings.add(new Models.Vulnerability.Rating({ source: ratingSource, score: score.score, severity: SEVERITIES[score.rating]!, method: CVSS_METHODS[score.version] ?? Enums.Vulnerability.RatingMethod.Other, vector: score.vector }));
    }
    if (severity.from === 'vendor' || severity.from === 'database' || (severity.cvss.length === 0 && severity.level === 'unknown')) {
      const justification = severity.from === 'vendor' ? `vendor rating ${severity.vendor ?? ''}`.trim() : severity.from === 'database' ? `database rating ${severity.database ?? ''}`.trim() : 'no rating in the advisory or its aliases';
      vulnerability.ratings.add(new Models.Vulnerability.Rating({ source: ratingSource, severity: SEVERITIES[severity.level]!, method: Enums.Vulnerability.RatingMethod.Other, justification }));
    }
    const fixes: string[] = [];
    for (const finding of group) {
      const index = packages.findIndex((item) => samePackage(item, finding));
      const component = components[index];
      if (!component) continue;
      vulnerability.affects.add(
        new Models.Vulnerability.Affect(component.bomRef, {
          versions: new Models.Vulnerability.AffectedVersionRepository([new Models.Vulnerability.AffectedSingleVersion(finding.package.version, { status: Enums.Vulnerability.AffectStatus.Affected })]),
        }),
      );
      if (finding.fixedVersion) fixes.push(`${finding.package.name} ${finding.installedVersion} -> ${finding.fixedVersion}`);
    }
    if (fixes.length > 0) vulnerability.recommendation = `Upgrade ${[...new Set(fixes)].sort().join(', ')}`;
    else vulnerability.recommendation = group.some((finding) => finding.status === 'will-not-fix') ? 'No fix: the vendor will not fix it' : 'No fixed version released yet';
    vulnerability.properties.add(new Models.Property(`${PROPERTY}status`, [...new Set(group.map((finding) => finding.status))].sort().join(',')));
    if (severity.via) vulnerability.properties.add(new Models.Property(`${PROPERTY}severity:via`, severity.via));
    return vulnerability;
  });
}

export interface CycloneDxOptions {
  version: string;
  now: Date;
  /** The vulnerabilities found, as CycloneDX `vulnerabilities` (`--sbom-vulnerabilities`). */
  vulnerabilities?: readonly VulnerabilityFinding[];
}

export function cycloneDxBom(inventory: ImageInventory, tool: CycloneDxOptions): string {
  const bom = new Models.Bom();
  bom.metadata.timestamp = tool.now;
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, 'palisade', { version: tool.version }));
  const image = new Models.Component(Enums.ComponentType.Container, inventory.image.reference.replace(/@.*$/, ''), { version: inventory.image.digest, bomRef: 'image' });
  if (inventory.os) image.properties.add(new Models.Property(`${PROPERTY}os`, `${inventory.os.id}${inventory.os.versionId ? ` ${inventory.os.versionId}` : ''}`));
  bom.metadata.component = image;
  const operatingSystem = inventory.os ? new Models.Component(Enums.ComponentType.OperatingSystem, inventory.os.id, { ...(inventory.os.versionId ? { version: inventory.os.versionId } : {}), bomRef: 'os' }) : undefined;
  if (operatingSystem) bom.components.add(operatingSystem);
  const components = inventory.packages.map((item, index) => component(item, index));
  for (const item of components) bom.components.add(item);
  if (tool.vulnerabilities) for (const vulnerability of vulnerabilities(tool.vulnerabilities, components, inventory.packages)) bom.vulnerabilities.add(vulnerability);
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot5));
  return `${serializer.serialize(bom, { space: 2, sortLists: true })}\n`;
}
