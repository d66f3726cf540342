import type { CheckInfo, ReportFinding, ScanReport } from '../../core/engine/report.js';

function fromFinding(finding: ReportFinding): CheckInfo {
  return {
    id: finding.checkId,
    title: finding.title,
    severity: finding.severity,
    category: finding.category,
    description: finding.description,
    remediation: finding.remediation,
    references: finding.references,
    standards: finding.standards,
  };
}

/**
 * The checks that ran, sorted by id. A report built by hand (or by an older
 * writer) may lack a check that a finding names: that check is recovered from
 * the finding, so every finding has its rule.
 */
export function checksOf(report: ScanReport): CheckInfo[] {
  const byId = new Map<string, CheckInfo>();
  for (const check of report.checks ?? []) byId.set(check.id, check);
  for (const finding of [...report.findings, ...report.suppressed.map((item) => item.finding)]) {
    if (!byId.has(finding.checkId)) byId.set(finding.checkId, fromFinding(finding));
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
