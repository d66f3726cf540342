import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import jsyaml from 'js-yaml';
import { SCAN_SCHEMA_VERSION, type ScanReport } from '../../src/core/engine/report.js';
import { CATEGORIES } from '../../src/core/model/check.js';
import type { InputErrorCode } from '../../src/core/model/finding.js';
import { SEVERITIES } from '../../src/core/model/severity.js';
import { STANDARD_IDS } from '../../src/core/model/standards.js';
import { formatJson } from '../../src/cli/formatters/json.js';
import { formatToString } from '../../src/cli/formatters/types.js';
import { formatYaml } from '../../src/cli/formatters/yaml.js';
import { repoPath, REPO_ROOT } from '../support/paths.js';
import { reportFromText } from '../support/report.js';
import { scanText } from '../support/scan.js';
import { MIXED_FILE, mixedReport } from './report-fixture.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const SCHEMA = JSON.parse(readFileSync(repoPath('schema/scan-report.v1.json'), 'utf8'));
const ajv = new Ajv.default({ strict: true, allErrors: true, strictTypes: false });
addFormats.default(ajv);
const validate = ajv.compile(SCHEMA);

/** Compile-time exhaustive: adding an InputErrorCode without listing it here fails `tsc`. */
const INPUT_ERROR_CODES: Record<InputErrorCode, true> = {
  'yaml-syntax': true,
  'alias-limit': true,
  'depth-limit': true,
  'file-too-large': true,
  'binary-file': true,
  'read-error': true,
  'render-error': true,
  'missing-program': true,
  'invalid-object': true,
  'invalid-exception': true,
  'check-error': true,
  forbidden: true,
  'cluster-error': true,
};

function jsonOf(report: ScanReport): unknown {
  return JSON.parse(formatToString(formatJson(report, { color: false, cwd: REPO_ROOT })));
}

function assertValid(value: unknown): void {
  assert.ok(validate(value), `does not match schema/scan-report.v1.json:\n${JSON.stringify(validate.errors, null, 2)}`);
}

describe('JSON output schema (schema/scan-report.v1.json)', () => {
  it('is a valid draft-07 schema', () => {
    assert.equal(SCHEMA.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.ok(ajv.validateSchema(SCHEMA), JSON.stringify(ajv.errors));
    assert.equal(SCHEMA.properties.schemaVersion.const, SCAN_SCHEMA_VERSION);
  });

  it('validates real JSON output: findings, suppressions, errors, skipped documents', () => {
    const json = jsonOf(mixedReport()) as Any;
    assertValid(json);
    assert.ok(json.findings.length > 0 && json.suppressed.length > 0 && json.errors.length > 0 && json.skipped.length > 0);
    assert.ok(json.suppressed.some((item: Any) => item.expires) && json.findings.some((item: Any) => item.container !== undefined));
  });

  it('validates output with a standard and its controls, for every standard', () => {
    for (const standard of STANDARD_IDS) {
      const json = jsonOf(mixedReport(standard)) as Any;
      assertValid(json);
      assert.equal(json.standard, standard);
      assert.ok(Array.isArray(json.controls));
    }
  });

  it('validates controls not evaluated, their reasons and the compliance summary (summary.controls)', () => {
    const json = jsonOf(mixedReport('cis')) as Any;
    assertValid(json);
    const statuses = json.controls.map((control: Any) => control.status);
    assert.ok(statuses.includes('not-evaluated') && statuses.includes('pass') && statuses.includes('fail'), statuses.join());
    const count = (status: string) => statuses.filter((item: string) => item === status).length;
    assert.deepEqual(json.summary.controls, { passed: count('pass'), failed: count('fail'), notEvaluated: count('not-evaluated') });
    const broken: [string, (report: Any) => void][] = [
      ['not evaluated without a reason', (report) => delete report.controls.find((control: Any) => control.status === 'not-evaluated').reason],
      ['a reason on a passing control', (report) => (report.controls.find((control: Any) => control.status === 'pass').reason = 'x')],
      ['controls without summary.controls', (report) => delete report.summary.controls],
      ['summary.controls without controls', (report) => (delete report.controls, delete report.standard)],
      ['an unknown reason code', (report) => (report.controls.find((control: Any) => control.unevaluated).unevaluated[0].reason = 'tired')],
    ];
    for (const [name, breakIt] of broken) {
      const report = structuredClone(json);
      breakIt(report);
      assert.equal(validate(report), false, name);
    }
  });

  it('validates the bundled example, a clean scan, cluster-scoped objects and YAML output read back', () => {
    assertValid(jsonOf(reportFromText(readFileSync(repoPath('examples/insecure.yaml'), 'utf8'), {}, 'examples/insecure.yaml')));
    assertValid(jsonOf(reportFromText('apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n')));
    assertValid(jsonOf(reportFromText('')));
    assertValid(jsonOf(reportFromText(readFileSync(repoPath(MIXED_FILE), 'utf8'), {}, { kind: 'rendered', renderer: 'helm', directory: 'charts/web' })));
    assertValid(jsyaml.load(formatYaml(mixedReport('cis'), { color: false, cwd: REPO_ROOT })));
  });

  it('validates the optional notEvaluated, expiredExceptions and errors[].kind', () => {
    const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations: {"ignore-check.palisade.dev/namespace-without-limit-range": "expires=2026-01-01 old"}\n';
    const report = scanText(namespace, { only: ['namespace-without-limit-range', 'namespace-without-default-deny-ingress'], config: { exceptions: [{ checks: ['*'], reason: 'r', expires: '2025-12-31' }] } }).report;
    const incomplete = { ...report, errors: [{ code: 'forbidden' as const, message: 'not allowed to list networkpolicies', file: 'cluster:x', kind: 'NetworkPolicy' }], notEvaluated: [{ checkId: 'namespace-without-default-deny-ingress', status: 'skipped' as const, kinds: ['NetworkPolicy'] }], summary: { ...report.summary, errors: 1, notEvaluated: 1 } };
    const json = jsonOf(incomplete) as Any;
    assertValid(json);
    assert.equal(json.expiredExceptions.length, 2);
  });

  it('rejects reports that break the contract', () => {
    const good = jsonOf(mixedReport()) as Any;
    const broken: [string, (report: Any) => void][] = [
      ['wrong schemaVersion', (report) => (report.schemaVersion = 'palisade.dev/scan/v2')],
      ['missing findings', (report) => delete report.findings],
      ['unknown severity', (report) => (report.findings[0].severity = 'urgent')],
      ['null instead of absent', (report) => (report.findings[0].container = null)],
      ['0-based line', (report) => (report.findings[0].location.line = 0)],
      ['undocumented field', (report) => (report.findings[0].fix = 'x')],
      ['standard without controls', (report) => (report.standard = 'cis')],
      ['bad expiry date', (report) => (report.suppressed[0].expires = 'next year')],
      ['unknown error code', (report) => (report.errors[0].code = 'oops')],
    ];
    for (const [name, breakIt] of broken) {
      const report = structuredClone(good);
      breakIt(report);
      assert.equal(validate(report), false, name);
    }
  });

  it('lists exactly the enum values the code defines', () => {
    const defs = SCHEMA.definitions;
    assert.deepEqual(defs.severity.enum, [...SEVERITIES]);
    assert.deepEqual(Object.keys(SCHEMA.properties.summary.properties.bySeverity.properties), [...SEVERITIES]);
    assert.deepEqual(defs.category.enum, [...CATEGORIES]);
    assert.deepEqual(defs.standardId.enum, [...STANDARD_IDS]);
    assert.deepEqual(defs.inputError.properties.code.enum, Object.keys(INPUT_ERROR_CODES));
  });

  it('is documented field by field in docs/json-schema.md', () => {
    const docs = readFileSync(repoPath('docs/json-schema.md'), 'utf8');
    const names = new Set<string>();
    const collect = (schema: Any) => {
      if (!schema || typeof schema !== 'object') return;
      for (const [name, child] of Object.entries(schema.properties ?? {})) {
        names.add(name);
        collect(child);
      }
      collect(schema.items);
    };
    collect(SCHEMA);
    for (const definition of Object.values(SCHEMA.definitions)) collect(definition);
    const missing = [...names].filter((name) => !docs.includes(`\`${name}\``));
    assert.deepEqual(missing, [], 'fields missing from docs/json-schema.md');
    for (const code of Object.keys(INPUT_ERROR_CODES)) assert.ok(docs.includes(`\`${code}\``), `error code ${code} undocumented`);
    for (const category of CATEGORIES) assert.ok(docs.includes(`\`${category}\``), `category ${category} undocumented`);
  });
});

describe('streamed JSON', () => {
  it('is byte for byte what JSON.stringify(report, null, 2) writes', () => {
    const report = reportFromText(readFileSync(repoPath('examples/insecure.yaml'), 'utf8'), {}, 'examples/insecure.yaml');
    assert.equal(formatToString(formatJson(report, { color: false, cwd: REPO_ROOT })), `${JSON.stringify(report, null, 2)}\n`);
    const empty = reportFromText('');
    assert.equal(formatToString(formatJson(empty, { color: false, cwd: REPO_ROOT })), `${JSON.stringify(empty, null, 2)}\n`);
  });
});
