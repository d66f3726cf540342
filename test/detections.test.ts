import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { falcoEventFrom, parseAuditLine, parseBoundedJson, DEFAULT_AUDIT_LIMITS, type AuditEvent } from '../src/core/audit/event.js';
import { createDetector, detect, type Alert } from '../src/core/detections/detector.js';
import { ALL_DETECTIONS } from '../src/core/detections/index.js';
import type { AnyDetection } from '../src/core/model/detection.js';
import { renderDetectionDocs } from '../scripts/detection-docs.js';
import { repoPath } from './support/paths.js';

/**
 * One runner for every detection. test/fixtures/detections/<id>/ holds:
 *   match*.jsonl    events (audit Events, or Falco alerts for a Falco detection), replayed in
 *                   order through a fresh detector: it must alert, as recorded in
 *                   match*.expected (UPDATE_SNAPSHOTS=1 rewrites them)
 *   nomatch*.jsonl  events that must raise nothing
 */
const FIXTURES = repoPath('test/fixtures/detections');

function eventsOf(detection: AnyDetection, file: string): AuditEvent[] {
  const falco = detection.events.sources.includes('falco') && !detection.events.sources.includes('audit');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed = falco ? (() => { const json = parseBoundedJson(line, DEFAULT_AUDIT_LIMITS); return json.ok ? falcoEventFrom(json.value) : json; })() : parseAuditLine(line);
      assert.ok(parsed.ok, `${path.basename(file)}:${index + 1}: ${parsed.ok ? '' : parsed.error.message}`);
      return parsed.value;
    });
}

function run(detection: AnyDetection, file: string): Alert[] {
  const detector = createDetector({ only: [detection.id] });
  return eventsOf(detection, file).flatMap((event) => detect(detector, event));
}

export function alertLine(alert: Alert): string {
  const ref = alert.object;
  const object = ref ? `${ref.resource ?? ''}${ref.subresource ? `/${ref.subresource}` : ''} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? '*'}` : '-';
  return `${alert.time} ${alert.severity} ${alert.technique.id} ${alert.subject}${alert.impersonatedBy ? ` (by ${alert.impersonatedBy})` : ''} -> ${object}: ${alert.message}`;
}

describe('detection registry', () => {
  it('is sorted by id, ids are kebab-case, unique and name their files', () => {
    const ids = ALL_DETECTIONS.map((detection) => detection.id);
    assert.deepEqual(ids, [...ids].sort());
    assert.equal(new Set(ids).size, ids.length);
    const files = readdirSync(repoPath('src/core/detections')).filter((file) => file.endsWith('.ts') && !['index.ts', 'support.ts', 'detector.ts'].includes(file)).map((file) => file.slice(0, -3)).sort();
    assert.deepEqual(ids, files);
    for (const detection of ALL_DETECTIONS) {
      assert.match(detection.id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      assert.match(detection.technique.id, /^T\d{4}(\.\d{3})?$/, detection.id);
      assert.ok(detection.title && detection.description && detection.remediation.endsWith('.'), detection.id);
      assert.ok(detection.events.sources.length > 0 && detection.events.description, detection.id);
      assert.ok(detection.references.length > 0, detection.id);
    }
  });

  it('generated docs are up to date (npm run docs), and every fixture directory belongs to a detection', () => {
    const generated = renderDetectionDocs(ALL_DETECTIONS, repoPath('.'));
    for (const [file, content] of generated) {
      assert.ok(existsSync(repoPath(file)), `${file} is missing: run npm run docs`);
      assert.equal(readFileSync(repoPath(file), 'utf8'), content, `${file} is stale: run npm run docs`);
    }
    for (const page of readdirSync(repoPath('docs/detections'))) assert.ok(generated.has(`docs/detections/${page}`), `docs/detections/${page} belongs to no detection: run npm run docs`);
    const ids = new Set(ALL_DETECTIONS.map((detection) => detection.id));
    for (const directory of readdirSync(FIXTURES)) assert.ok(ids.has(directory), `test/fixtures/detections/${directory} has no detection`);
  });

  it('refuses an unknown detection id and a mistyped option', () => {
    assert.throws(() => createDetector({ only: ['no-such-detection'] }), /unknown detection "no-such-detection"/);
    assert.throws(() => createDetector({ options: { 'forbidden-burst': { threshold: 'ten' } } }), /forbidden-burst\.threshold must be a number/);
    assert.throws(() => createDetector({ options: { 'forbidden-burst': { tresholds: 3 } } }), /has no option "tresholds"/);
  });

  it('takes options: a lower burst threshold fires sooner', () => {
    const detection = ALL_DETECTIONS.find((item) => item.id === 'forbidden-burst')!;
    const events = eventsOf(detection, path.join(FIXTURES, 'forbidden-burst', 'match.jsonl'));
    const fire = (threshold: number) => {
      const detector = createDetector({ only: ['forbidden-burst'], options: { 'forbidden-burst': { threshold } } });
      return events.findIndex((event) => detect(detector, event).length > 0);
    };
    assert.equal(fire(10), 9);
    assert.equal(fire(3), 2);
  });
});

for (const detection of ALL_DETECTIONS) {
  describe(`detection ${detection.id}`, () => {
    const directory = path.join(FIXTURES, detection.id);
    const files = existsSync(directory) ? readdirSync(directory).sort() : [];
    it('has match and nomatch fixtures', () => {
      assert.ok(files.some((file) => /^match.*\.jsonl$/.test(file)), `test/fixtures/detections/${detection.id}/match*.jsonl is missing`);
      assert.ok(files.some((file) => /^nomatch.*\.jsonl$/.test(file)), `test/fixtures/detections/${detection.id}/nomatch*.jsonl is missing`);
    });
    for (const file of files.filter((name) => /^nomatch.*\.jsonl$/.test(name))) {
      it(`raises nothing on ${file}`, () => {
        assert.deepEqual(run(detection, path.join(directory, file)).map(alertLine), []);
      });
    }
    for (const file of files.filter((name) => /^match.*\.jsonl$/.test(name))) {
      it(`alerts on ${file}, as recorded`, () => {
        const alerts = run(detection, path.join(directory, file));
        assert.ok(alerts.length > 0, `${file} raised nothing`);
        for (const alert of alerts) assert.equal(alert.detection, detection.id);
        const actual = `${alerts.map(alertLine).join('\n')}\n`;
        const expectedFile = path.join(directory, file.replace(/\.jsonl$/, '.expected'));
        if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(expectedFile)) writeFileSync(expectedFile, actual);
        assert.equal(actual, readFileSync(expectedFile, 'utf8'));
      });
    }
  });
}
