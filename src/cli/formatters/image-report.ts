import type { ImageScanEntry } from '../../adapters/images/pipeline.js';
import { buildReport, type CheckInfo, type ScanReport } from '../../core/engine/report.js';
import type { Finding } from '../../core/model/finding.js';
import type { Severity } from '../../core/model/severity.js';
import type { VulnerabilityFinding, VulnerabilitySeverity } from '../../core/images/match.js';

const SEVERITY: Record<VulnerabilitySeverity, Severity> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', unknown: 'info' };

/** The advisory as a "check" of the scan report: SARIF rules, JUnit suites, Markdown sections. */
function advisoryInfo(finding: VulnerabilityFinding): CheckInfo {
  const aliases = finding.aliases.length > 0 ? ` (${finding.aliases.join(', ')})` : '';
  const references = [`https://osv.dev/vulnerability/${encodeURIComponent(finding.id)}`, ...finding.aliases.filter((alias) => alias.startsWith('CVE-')).map((cve) => `https://nvd.nist.gov/vuln/detail/${cve}`)];
  return {
    id: finding.id,
    title: finding.summary ?? `${finding.id}${aliases}`,
    severity: SEVERITY[finding.severity.level],
    category: 'images',
    description: `${finding.summary ?? 'A known vulnerability'}${aliases}, published in the ${finding.feed} feed; severity ${finding.severity.level} (from ${finding.severity.from}).`,
    remediation: finding.fixedVersion ? `Rebuild the image with ${finding.package.name} ${finding.fixedVersion} or later.` : 'No fixed version is released yet: mitigate, or replace the package.',
    references,
    standards: {},
  };
}

/**
 * The image scan as the scanner's report, so SARIF, JUnit and Markdown render it the same
 * way as manifest findings: one rule per advisory, one finding per vulnerable package, the
 * image as the object and the package database's path as the location.
 */
export function imageScanReport(entries: readonly ImageScanEntry[], version: string, errors: { image: string; message: string }[]): ScanReport {
  const checks = new Map<string, CheckInfo>();
  const findings: Finding[] = [];
  for (const entry of entries) {
    for (const vulnerability of entry.vulnerabilities ?? []) {
      const info = checks.get(vulnerability.id) ?? advisoryInfo(vulnerability);
      checks.set(vulnerability.id, info);
      const layer = vulnerability.layer ? `; layer ${vulnerability.layer.index}${vulnerability.layer.createdBy ? ` (${vulnerability.layer.createdBy})` : ''}` : '';
      findings.push({
        checkId: vulnerability.id,
        severity: info.severity,
        message: `${vulnerability.package.name} ${vulnerability.package.version} is affected by ${vulnerability.id}: ${vulnerability.fixedVersion ? `fixed in ${vulnerability.fixedVersion}` : vulnerability.status.replace(/-/g, ' ')}${layer}`,
        object: { apiVersion: 'palisade.dev/v1alpha1', kind: 'Image', name: entry.image.reference },
        source: { kind: 'image', reference: entry.image.reference, path: vulnerability.package.path },
        location: { document: 0, path: vulnerability.package.name },
      });
    }
  }
  const report = buildReport({
    version,
    objects: entries.length,
    checks: [],
    catalog: [...checks.values()],
    findings,
    suppressed: [],
    errors: errors.map((error) => ({ code: 'read-error' as const, message: error.message, file: error.image })),
    skipped: [],
  });
  // Advisories stand where checks do: the rules of the report, sorted by id like checks.
  report.checks = [...checks.values()].sort((a, b) => a.id.localeCompare(b.id));
  report.summary.checks = report.checks.length;
  return report;
}
