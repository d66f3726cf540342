import { createHash } from 'node:crypto';
import { reportedSource, reportFindingKey, type CheckInfo, type ReportFinding, type ReportSuppression, type ScanReport } from '../../core/engine/report.js';
import type { InputError, SkippedDocument } from '../../core/model/finding.js';
import { fingerprintTextV1, type FindingKey } from '../../core/model/finding-key.js';
import { refToString } from '../../core/model/resource.js';
import { sourceLabel, type Source } from '../../core/model/source.js';
import type { Severity } from '../../core/model/severity.js';
import type { StandardsMapping } from '../../core/model/standards.js';
import { checksOf } from './checks.js';
import { artifactUri, directoryUri, SRCROOT } from './sources.js';
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

/**
 * A stable identity for a finding across runs, from its canonical key (`findingKey`): for
 * `palisadeFinding/v1` the check, object and path; never the line, which moves with edits.
 */
export function findingFingerprint(finding: ReportFinding | FindingKey): string {
  const key = 'location' in finding ? reportFindingKey(finding) : finding;
  return createHash('sha256').update(fingerprintTextV1(key)).digest('hex');
}

/** Whether the source's printed name stands for something a reader opens as a file (no prefix in messages). */
function namedAsFile(source: Source): boolean {
  return source.kind === 'file' || source.kind === 'cluster' || source.kind === 'image';
}

function physicalLocation(source: Source, cwd: string, line: number | undefined, column: number | undefined): Json | undefined {
  switch (source.kind) {
    case 'stdin':
    case 'admission':
      return undefined;
    case 'rendered':
      // Lines count in the rendered stream, not in any file of the chart: name the template (else the directory) only.
      // The URI ends with a slash even for a template, as it always has (kept so no output changes).
      return { artifactLocation: artifactUri(source.template ?? source.directory, cwd, true) };
    case 'file':
    case 'cluster':
    case 'image': {
      // A cluster or an image is written as its printed name, relative to the working directory, as it always has been.
      const region = line === undefined ? undefined : { startLine: line, ...(column !== undefined ? { startColumn: column } : {}) };
      return { artifactLocation: artifactUri(source.kind === 'file' ? source.path : sourceLabel(source), cwd), ...(region ? { region } : {}) };
    }
  }
}

function location(finding: ReportFinding, cwd: string): Json {
  const { file, line, column, path } = finding.location;
  const object = refToString(finding.object);
  const physical = physicalLocation(reportedSource(finding, file), cwd, line, column);
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

function result(finding: ReportFinding, ruleIndex: number, cwd: string, suppression?: ReportSuppression): Json {
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
  const source = reportedSource(error, error.file);
  const physical = physicalLocation(source, cwd, error.line, error.column);
  const logical = error.field ? [{ name: error.field, kind: 'property' }] : undefined;
  return {
    level: 'error',
    message: { text: namedAsFile(source) ? error.message : `${error.file}: ${error.message}` },
    descriptor: { id: error.code },
    ...(physical || logical ? { locations: [{ ...(physical ? { physicalLocation: physical } : {}), ...(logical ? { logicalLocations: logical } : {}) }] } : {}),
    ...(error.document !== undefined ? { properties: { document: error.document } } : {}),
  };
}

function skippedNotification(item: SkippedDocument, cwd: string): Json {
  const physical = physicalLocation(reportedSource(item, item.file), cwd, item.line, undefined);
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
