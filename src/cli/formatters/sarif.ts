import { createHash } from 'node:crypto';
import type { CheckInfo, ScanReport } from '../../core/engine/report.js';
import type { Finding, InputError, SkippedDocument, Suppression } from '../../core/model/finding.js';
import { refToString } from '../../core/model/resource.js';
import type { Severity } from '../../core/model/severity.js';
import type { StandardsMapping } from '../../core/model/standards.js';
import { checksOf } from './checks.js';
import { artifactUri, directoryUri, sourceOf, SRCROOT } from './sources.js';
import type { StringFormatter } from './types.js';

/**
 * SARIF 2.1.0 (OASIS Standard), shaped for GitHub code scanning: one run, one
 * rule per check that ran, one result per finding; suppressed findings are
 * results with `suppressions`; input errors are tool execution notifications.
 */

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json';
export const INFORMATION_URI = 'https://palisade.dev';
/** The partialFingerprints key: bump the version when the hashed identity changes. */
export const FINGERPRINT_KEY = 'palisadeFinding/v1';

export type SarifLevel = 'error' | 'warning' | 'note';

export const SARIF_LEVEL: Record<Severity, SarifLevel> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** GitHub code scanning maps these CVSS-like scores to critical (>= 9), high (>= 7), medium (>= 4) and low. */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

type Json = Record<string, unknown>;

function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

/** Standards as tags, in the `external/<standard>/<id>` style CodeQL uses for CWE. */
export function standardTags(standards: StandardsMapping): string[] {
  const tags: string[] = [];
  if (standards.pss) tags.push(`external/pss-${standards.pss.level}/${standards.pss.control}`);
  for (const id of standards.cis ?? []) tags.push(`external/cis/${id}`);
  for (const id of standards.nsa ?? []) tags.push(`external/nsa/${id}`);
  for (const id of standards.mitre ?? []) tags.push(`external/mitre/${id}`);
  return tags;
}

function rule(check: CheckInfo): Json {
  const references = check.references;
  const helpText = [check.remediation, ...(references.length ? ['', 'References:', ...references.map((url) => `- ${url}`)] : [])].join('\n');
  const helpMarkdown = [`**Remediation:** ${check.remediation}`, '', check.description, ...(references.length ? ['', '**References:**', '', ...references.map((url) => `- <${url}>`)] : [])].join('\n');
  return {
    id: check.id,
    name: pascalCase(check.id),
    shortDescription: { text: check.title },
    fullDescription: { text: check.description },
    help: { text: helpText, markdown: helpMarkdown },
    ...(references[0] ? { helpUri: references[0] } : {}),
    defaultConfiguration: { level: SARIF_LEVEL[check.severity] },
    properties: {
      tags: [...new Set(['security', check.category, ...standardTags(check.standards)])],
      precision: 'very-high',
      'security-severity': SECURITY_SEVERITY[check.severity],
    },
  };
}

/** A stable identity for a finding across runs: check, object and path; never the line, which moves with edits. */
export function findingFingerprint(finding: Finding): string {
  const { kind, namespace, name } = finding.object;
  return createHash('sha256')
    .update(JSON.stringify([finding.checkId, kind, namespace ?? '', name, finding.location.path]))
    .digest('hex');
}

function physicalLocation(file: string, cwd: string, line: number | undefined, column: number | undefined): Json | undefined {
  const source = sourceOf(file);
  if (source.kind === 'stdin') return undefined;
  if (source.kind === 'rendered') {
    // Lines count in the rendered stream, not in any file of the chart: name the directory only.
    return { artifactLocation: artifactUri(source.directory, cwd, true) };
  }
  const region = line === undefined ? undefined : { startLine: line, ...(column !== undefined ? { startColumn: column } : {}) };
  return { artifactLocation: artifactUri(source.path, cwd), ...(region ? { region } : {}) };
}

function location(finding: Finding, cwd: string): Json {
  const { file, line, column, path } = finding.location;
  const object = refToString(finding.object);
  const physical = physicalLocation(file, cwd, line, column);
  return {
    ...(physical ? { physicalLocation: physical } : {}),
    logicalLocations: [
      {
        name: object,
        fullyQualifiedName: path ? `${object}:${path}` : object,
        kind: 'resource',
        properties: { ...finding.object, path },
      },
    ],
  };
}

function result(finding: Finding, ruleIndex: number, cwd: string, suppression?: Suppression): Json {
  const out: Json = {
    ruleId: finding.checkId,
    ruleIndex,
    level: SARIF_LEVEL[finding.severity],
    message: { text: `${refToString(finding.object)}: ${finding.message}` },
    locations: [location(finding, cwd)],
    partialFingerprints: { [FINGERPRINT_KEY]: findingFingerprint(finding) },
    properties: {
      severity: finding.severity,
      category: finding.category,
      document: finding.location.document,
      ...(finding.container !== undefined ? { container: finding.container } : {}),
    },
  };
  if (suppression) {
    out.suppressions = [
      {
        kind: suppression.source === 'annotation' ? 'inSource' : 'external',
        status: 'accepted',
        justification: suppression.reason,
        ...(suppression.expires ? { properties: { expires: suppression.expires } } : {}),
      },
    ];
  }
  return out;
}

function errorNotification(error: InputError, cwd: string): Json {
  const physical = physicalLocation(error.file, cwd, error.line, error.column);
  const logical = error.field ? [{ name: error.field, kind: 'property' }] : undefined;
  return {
    level: 'error',
    message: { text: sourceOf(error.file).kind === 'file' ? error.message : `${error.file}: ${error.message}` },
    descriptor: { id: error.code },
    ...(physical || logical ? { locations: [{ ...(physical ? { physicalLocation: physical } : {}), ...(logical ? { logicalLocations: logical } : {}) }] } : {}),
    ...(error.document !== undefined ? { properties: { document: error.document } } : {}),
  };
}

function skippedNotification(item: SkippedDocument, cwd: string): Json {
  const physical = physicalLocation(item.file, cwd, item.line, undefined);
  return {
    level: 'note',
    message: { text: `document ${item.document} skipped: ${item.reason}` },
    descriptor: { id: 'skipped-document' },
    ...(physical ? { locations: [{ physicalLocation: physical }] } : {}),
    properties: { document: item.document },
  };
}

/** The schema wants unique notifications; an exact repeat (the same input given twice) says nothing new. */
function unique(items: Json[]): Json[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The SARIF log as an object; `cwd` is the directory artifact URIs are relative to. */
export function toSarif(report: ScanReport, cwd: string): Json {
  const checks = checksOf(report);
  const ruleIndex = new Map(checks.map((check, index) => [check.id, index]));
  const results = [
    ...report.findings.map((finding) => result(finding, ruleIndex.get(finding.checkId)!, cwd)),
    ...report.suppressed.map((item) => result(item.finding, ruleIndex.get(item.finding.checkId)!, cwd, item)),
  ];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: INFORMATION_URI,
            rules: checks.map(rule),
          },
        },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            toolExecutionNotifications: unique([...report.errors.map((error) => errorNotification(error, cwd)), ...report.skipped.map((item) => skippedNotification(item, cwd))]),
          },
        ],
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          schemaVersion: report.schemaVersion,
          summary: report.summary,
          ...(report.standard ? { standard: report.standard } : {}),
          ...(report.controls ? { controls: report.controls } : {}),
        },
      },
    ],
  };
}

export const formatSarif: StringFormatter = (report, { cwd }) => `${JSON.stringify(toSarif(report, cwd), null, 2)}\n`;
