import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { imageResultsFrom, type ImageResults, type ImageScanSummary } from '../src/core/images/results.js';
import { loadText } from '../src/adapters/manifests/documents.js';
import { parseStream } from '../src/adapters/manifests/yaml.js';
import { scanText } from './support/scan.js';
import { repoPath } from './support/paths.js';
import { fixtureSignatures } from './support/fixture-signatures.js';

/**
 * One runner for every check. test/fixtures/checks/<id>/ holds:
 *   valid*.yaml    every document must report nothing for the check
 *   invalid*.yaml  every document must report at least once; the findings are
 *                  recorded in invalid*.expected (line:column path: message);
 *                  UPDATE_SNAPSHOTS=1 rewrites them
 *   options.yaml   optional check options for both
 *   images.yaml    optional results of earlier image scans for both:
 *                  { databaseUpdatedAt?, images: ImageScanSummary[] }
 *   signatures.yaml optional image signature verdicts for both: { verdicts: SignatureVerdict[] }
 */
const FIXTURES = repoPath('test/fixtures/checks');

function optionsFor(id: string): Record<string, unknown> | undefined {
  const file = path.join(FIXTURES, id, 'options.yaml');
  if (!existsSync(file)) return undefined;
  return parseStream(readFileSync(file, 'utf8'))[0]?.value as Record<string, unknown>;
}

function imagesFor(id: string): ImageResults | undefined {
  const file = path.join(FIXTURES, id, 'images.yaml');
  if (!existsSync(file)) return undefined;
  const value = parseStream(readFileSync(file, 'utf8'))[0]?.value as { databaseUpdatedAt?: string; images: ImageScanSummary[] };
  return imageResultsFrom(value.images, value.databaseUpdatedAt);
}

function findingsFor(id: string, file: string) {
  const text = readFileSync(file, 'utf8');
  const options = optionsFor(id);
  const images = imagesFor(id);
  const signatures = fixtureSignatures(path.join(FIXTURES, id));
  return scanText(text, { only: [id], ...(options ? { config: { options: { [id]: options } } } : {}) }, path.basename(file), { ...(images ? { images } : {}), ...(signatures ? { signatures } : {}) });
}

for (const check of ALL_CHECKS) {
  describe(`check ${check.id}`, () => {
    const directory = path.join(FIXTURES, check.id);
    const files = existsSync(directory) ? readdirSync(directory).sort() : [];
    it('has valid and invalid fixtures', () => {
      assert.ok(files.some((file) => /^valid.*\.ya?ml$/.test(file)), `test/fixtures/checks/${check.id}/valid*.yaml is missing`);
      assert.ok(files.some((file) => /^invalid.*\.ya?ml$/.test(file)), `test/fixtures/checks/${check.id}/invalid*.yaml is missing`);
    });
    for (const file of files.filter((name) => /^valid.*\.ya?ml$/.test(name))) {
      it(`reports nothing on ${file}`, () => {
        const result = findingsFor(check.id, path.join(directory, file));
        assert.deepEqual(result.loaded.errors, []);
        assert.ok(result.loaded.resources.length > 0, 'fixture holds no objects');
        assert.deepEqual(
          result.findings.map((finding) => `${finding.location.line}: ${finding.message}`),
          [],
        );
      });
    }
    for (const file of files.filter((name) => /^invalid.*\.ya?ml$/.test(name))) {
      it(`reports every document of ${file}, as recorded`, () => {
        const full = path.join(directory, file);
        const result = findingsFor(check.id, full);
        assert.deepEqual(result.loaded.errors, []);
        const documents = new Set(loadText(readFileSync(full, 'utf8'), file).resources.map((resource) => resource.origin.document));
        const reported = new Set(result.findings.map((finding) => finding.location.document));
        // Relational checks may need context documents: mark them with `# context` on their first line.
        const contexts = new Set(
          parseStream(readFileSync(full, 'utf8'))
            .filter((document) => readFileSync(full, 'utf8').split('\n').slice(document.startLine, document.startLine + 2).some((line) => line.trim() === '# context'))
            .map((document) => document.index),
        );
        for (const document of documents) {
          if (contexts.has(document)) continue;
          assert.ok(reported.has(document), `document ${document} of ${file} reports nothing`);
        }
        const actual = result.findings.map((finding) => `${finding.location.line}:${finding.location.column} ${finding.location.path}: ${finding.message}`).join('\n') + '\n';
        const snapshot = full.replace(/\.ya?ml$/, '.expected');
        if (process.env.UPDATE_SNAPSHOTS) writeFileSync(snapshot, actual);
        assert.ok(existsSync(snapshot), `${snapshot} is missing: run UPDATE_SNAPSHOTS=1 npm test and review it`);
        assert.equal(actual, readFileSync(snapshot, 'utf8'));
      });
    }
  });
}
