import { createHash } from 'node:crypto';
import path from 'node:path';
import { reportedSource, reportFindingKey, type CheckInfo, type ReportFinding, type ReportSuppression, type ScanReport } from '../../core/engine/report.js';
import type { InputError, SkippedDocument } from '../../core/model/finding.js';
import { fingerprintTextV2, type FindingKey } from '../../core/model/finding-key.js';
import { refToString, type ObjectRef } from '../../core/model/resource.js';
import { sourceLabel, type Source } from '../../core/model/source.js';
import type { Severity } from '../../core/model/severity.js';
import type { StandardsMapping } from '../../core/model/standards.js';
import { checksOf } from './checks.js';
import { artifactUri, directoryUri, kustomizationFile, SRCROOT, virtualUri } from './sources.js';
import type { StringFormatter } from './types.js';

/**
 * SARIF 2.1.0 (OASIS Standard), shaped for GitHub code scanning: one run, one
 * rule per check that ran, one result per finding; suppressed findings are
 * results with `suppressions`; input errors are tool execution notifications.
 */

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json';
export const INFORMATION_URI = 'https://palisade.dev';
/**
 * The partialFingerprints key: bump the version when the hashed identity changes. v2 hashes
 * the whole finding key, the artifact included (v1, `fingerprintTextV1`, left the artifact
 * out, so one object in envs/dev and envs/prod was one alert).
 */
export const FINGERPRINT_KEY = 'palisadeFinding/v2';

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
 * `palisadeFinding/v2` the whole key (check, object, path, container and artifact), never the
 * line, which moves with edits. A file or template artifact is hashed as the result's URI
 * (relative to `cwd`, normalized), so `./envs/dev/a.yaml` and `envs/dev/a.yaml` are one alert.
 */
export function findingFingerprint(finding: ReportFinding | FindingKey, cwd?: string): string {
  let key = 'location' in finding ? reportFindingKey(finding) : finding;
  if (cwd !== undefined && key.artifact !== undefined && 'location' in finding) {
    const kind = reportedSource(finding, finding.location.file).kind;
    if (kind === 'file' || kind === 'rendered') key = { ...key, artifact: artifactUri(key.artifact!, cwd).uri };
  }
  return createHash('sha256').update(fingerprintTextV2(key)).digest('hex');
}

/** Whether the source's printed name stands for something a reader opens as a file (no prefix in messages). */
function namedAsFile(source: Source): boolean {
  return source.kind === 'file' || source.kind === 'cluster' || source.kind === 'image';
}

/** An object as path segments: kind, namespace (when it has one), name. */
function objectSegments(object: ObjectRef | undefined): string[] {
  if (!object) return [];
  return [object.kind, ...(object.namespace ? [object.namespace] : []), object.name];
}

/**
 * Where GitHub code scanning (and any SARIF viewer) places a result: always a non-empty
 * relative URI with no scheme, never a directory, and a region with a start line.
 *
 * - a file: the file, at the line and column;
 * - standard input: the virtual path `<stdin>` (percent-encoded), at the line in the stream;
 * - rendered Helm: the template file, region line 1 (lines count in the rendered stream, not
 *   in the template: the result carries that line as `properties.renderedLine`); without a
 *   template, the chart's `Chart.yaml`; rendered Kustomize: the kustomization file;
 * - a cluster: the virtual path `cluster/<context>/<kind>/<namespace>/<name>` (or the resource
 *   read, `cluster/<context>/nodes/<node>/configz`), line 1; an admission request likewise
 *   under `admission/<uid>`; an image file: `<reference>/<path in the image>`, line 1.
 *
 * Virtual paths name no file of the repository: GitHub shows the path and the message (which
 * names the object) without a code snippet; the logical location names the object in any case.
 */
function physicalLocation(source: Source, cwd: string, object: ObjectRef | undefined, line: number | undefined, column: number | undefined): Json {
  const at = line === undefined ? { startLine: 1 } : { startLine: line, ...(column !== undefined ? { startColumn: column } : {}) };
  switch (source.kind) {
    case 'file':
      return { artifactLocation: artifactUri(source.path, cwd), region: at };
    case 'stdin':
      return { artifactLocation: virtualUri([sourceLabel(source)]), region: at };
    case 'rendered': {
      const file = source.template ?? (source.renderer === 'helm' ? path.join(source.directory, 'Chart.yaml') : kustomizationFile(source.directory, cwd));
      return { artifactLocation: artifactUri(file, cwd), region: { startLine: 1 } };
    }
    case 'cluster': {
      const resource = source.path !== undefined ? source.path.split('/').filter(Boolean) : objectSegments(object);
      return { artifactLocation: virtualUri(['cluster', source.context, ...resource]), region: { startLine: 1 } };
    }
    case 'admission':
      return { artifactLocation: virtualUri(['admission', source.uid, ...objectSegments(object)]), region: { startLine: 1 } };
    case 'image':
      return { artifactLocation: virtualUri([...source.reference.split('/'), ...source.path.split('/').filter(Boolean)]), region: at };
  }
}

function location(finding: ReportFinding, source: Source, cwd: string): Json {
  const { line, column, path } = finding.location;
  const object = refToString(finding.object);
  return {
    physicalLocation: physicalLocation(source, cwd, finding.object, line, column),
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
  const source = reportedSource(finding, finding.location.file);
  const out: Json = {
    ruleId: finding.checkId,
    ruleIndex,
    level: SARIF_LEVEL[finding.severity],
    message: { text: `${refToString(finding.object)}: ${finding.message}` },
    locations: [location(finding, source, cwd)],
    partialFingerprints: { [FINGERPRINT_KEY]: findingFingerprint(finding, cwd) },
    properties: {
      severity: finding.severity,
      category: finding.category,
      document: finding.location.document,
      ...(source.kind === 'rendered' && finding.location.line !== undefined ? { renderedLine: finding.location.line } : {}),
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
  const physical = physicalLocation(source, cwd, undefined, error.line, error.column);
  const logical = error.field ? [{ name: error.field, kind: 'property' }] : undefined;
  return {
    level: 'error',
    message: { text: namedAsFile(source) ? error.message : `${error.file}: ${error.message}` },
    descriptor: { id: error.code },
    locations: [{ physicalLocation: physical, ...(logical ? { logicalLocations: logical } : {}) }],
    ...(error.document !== undefined ? { properties: { document: error.document } } : {}),
  };
}

function skippedNotification(item: SkippedDocument, cwd: string): Json {
  const physical = physicalLocation(reportedSource(item, item.file), cwd, undefined, item.line, undefined);
  return {
    level: 'note',
    message: { text: `document ${item.document} skipped: ${item.reason}` },
    descriptor: { id: 'skipped-document' },
    locations: [{ physicalLocation: physical }],
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
