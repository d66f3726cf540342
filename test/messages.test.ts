import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { imageResultsFrom, type ImageScanSummary } from '../src/core/images/results.js';
import { renderMessage, type AnyCheck } from '../src/core/model/check.js';
import type { Finding } from '../src/core/model/finding.js';
import { loadSources } from '../src/adapters/manifests/files.js';
import { parseStream } from '../src/adapters/manifests/yaml.js';
import { scanResources } from '../src/app/scan.js';
import { FIXED_NOW, scanText } from './support/scan.js';
import { repoPath, SHARED } from './support/paths.js';
import { fixtureSignatures } from './support/fixture-signatures.js';

/**
 * Messages are ids and data (ESLint's meta.messages + context.report({ messageId, data })):
 * every check declares its templates, every finding of the fixtures and the corpus fills
 * every placeholder of its template, and every declared id is reported by some code path.
 */

const FIXTURES = repoPath('test/fixtures/checks');
const CHECKS_SOURCE = repoPath('src/core/checks');
const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** Findings of every check's fixtures (valid and invalid, with their options and image results). */
function fixtureFindings(): Finding[] {
  const findings: Finding[] = [];
  for (const check of ALL_CHECKS) {
    const directory = path.join(FIXTURES, check.id);
    if (!existsSync(directory)) continue;
    const optionsFile = path.join(directory, 'options.yaml');
    const options = existsSync(optionsFile) ? (parseStream(readFileSync(optionsFile, 'utf8'))[0]?.value as Record<string, unknown>) : undefined;
    const imagesFile = path.join(directory, 'images.yaml');
    const imagesValue = existsSync(imagesFile) ? (parseStream(readFileSync(imagesFile, 'utf8'))[0]?.value as { databaseUpdatedAt?: string; images: ImageScanSummary[] }) : undefined;
    const images = imagesValue ? imageResultsFrom(imagesValue.images, imagesValue.databaseUpdatedAt) : undefined;
    const signatures = fixtureSignatures(directory);
    for (const file of readdirSync(directory).filter((name) => /^(valid|invalid).*\.ya?ml$/.test(name)).sort()) {
      const text = readFileSync(path.join(directory, file), 'utf8');
      const result = scanText(text, { only: [check.id], ...(options ? { config: { options: { [check.id]: options } } } : {}) }, file, { ...(images ? { images } : {}), ...(signatures ? { signatures } : {}) });
      findings.push(...result.findings);
    }
  }
  return findings;
}

/** Findings of every check, on or off by default, on the shared corpus. */
async function corpusFindings(): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const folder of ['kube-prometheus', 'microservices-demo']) {
    const directory = path.join(SHARED, 'corpus', folder);
    const files = readdirSync(directory).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml').sort();
    const loaded = await loadSources(files.map((file) => path.join(directory, file)));
    findings.push(...scanResources(loaded, { planRequest: { now: FIXED_NOW, enable: ['*'] }, version: 'test' }).evaluation.findings);
  }
  return findings;
}

/** What is wrong with the message of a finding: an unknown id, a placeholder without data, a sentence not rendered from them. */
function messageProblems(checks: readonly AnyCheck[], findings: readonly Finding[]): string[] {
  const byId = new Map(checks.map((check) => [check.id, check]));
  const problems = new Set<string>();
  for (const finding of findings) {
    const check = byId.get(finding.checkId);
    const where = `${finding.checkId} (${finding.messageId ?? 'no message id'})`;
    if (!check || finding.messageId === undefined || !Object.hasOwn(check.messages, finding.messageId)) {
      problems.add(`${where}: the finding names no declared message`);
      continue;
    }
    const template = check.messages[finding.messageId]!;
    for (const [, name] of template.matchAll(PLACEHOLDER)) {
      if (finding.data?.[name!] === undefined) problems.add(`${where}: no data for {{${name}}}`);
    }
    if (finding.message.includes('{{')) problems.add(`${where}: "${finding.message}" keeps a placeholder`);
    if (finding.message !== renderMessage(template, finding.data)) problems.add(`${where}: "${finding.message}" is not its template rendered`);
  }
  return [...problems].sort();
}

/**
 * Ids a template derives from the ids it is given (support/rbac.ts grantMessages,
 * support/inheritance.ts heirMessages): such an id is reported exactly when its base is.
 */
const DERIVED_SUFFIXES = ['NoHeir', 'Heirs', 'Heir', 'Granted'];

/** The check's source and the support modules it imports: where its code paths name message ids. */
function sourcesOf(checkId: string): string {
  const file = path.join(CHECKS_SOURCE, `${checkId}.ts`);
  if (!existsSync(file)) return '';
  const own = readFileSync(file, 'utf8');
  const support = [...own.matchAll(/from '\.\/support\/([\w-]+)\.js'/g)].map((match) => readFileSync(path.join(CHECKS_SOURCE, 'support', `${match[1]}.ts`), 'utf8'));
  return [own, ...support].join('\n');
}

/** Declared ids that no code path names (a static look for the id as a string literal in the sources). */
function deadMessages(checks: readonly AnyCheck[], sourceOf: (check: AnyCheck) => string): string[] {
  const dead: string[] = [];
  for (const check of checks) {
    const source = sourceOf(check);
    const named = (id: string) => new RegExp(`['"\`]${id.replace(/[$]/g, '\\$&')}['"\`]`).test(source);
    for (const id of Object.keys(check.messages)) {
      const suffix = DERIVED_SUFFIXES.find((candidate) => id.endsWith(candidate) && id.length > candidate.length);
      if (named(id) || (suffix !== undefined && named(id.slice(0, -suffix.length)))) continue;
      dead.push(`${check.id}: ${id}`);
    }
  }
  return dead;
}

describe('check messages', async () => {
  const findings = [...fixtureFindings(), ...(await corpusFindings())];

  it('every check declares its messages, with ids in camelCase', () => {
    for (const check of ALL_CHECKS) {
      const ids = Object.keys(check.messages ?? {});
      assert.ok(ids.length > 0, `${check.id} declares no messages`);
      for (const id of ids) assert.match(id, /^[a-z][A-Za-z0-9]*$/, `${check.id}: message id "${id}"`);
      for (const [id, template] of Object.entries(check.messages)) assert.ok(template.trim() !== '', `${check.id}: message ${id} is empty`);
    }
  });

  it('the fixtures and the corpus produce findings to judge', () => {
    assert.ok(findings.length > 500, `only ${findings.length} findings`);
    assert.ok(new Set(findings.map((finding) => finding.checkId)).size >= ALL_CHECKS.length - 5);
  });

  it('every finding of the fixtures and the corpus fills every placeholder of its message', () => {
    assert.deepEqual(messageProblems(ALL_CHECKS, findings), []);
  });

  it('every declared message id is named by some code path', () => {
    for (const check of ALL_CHECKS) assert.ok(existsSync(path.join(CHECKS_SOURCE, `${check.id}.ts`)), `src/core/checks/${check.id}.ts is missing`);
    assert.deepEqual(deadMessages(ALL_CHECKS, (check) => sourcesOf(check.id)), []);
  });

  it('a dead message and an unfilled placeholder are caught (the verifiers can fail)', () => {
    const hostPid = ALL_CHECKS.find((check) => check.id === 'host-pid')!;
    const sloppy: AnyCheck = { ...hostPid, id: 'test-sloppy', messages: { shared: 'pid {{what}}', unused: 'never reported' } };
    assert.deepEqual(deadMessages([sloppy], () => sourcesOf('host-pid')), ['test-sloppy: unused']);
    const finding = findings.find((item) => item.checkId === 'host-pid')!;
    assert.deepEqual(messageProblems([sloppy], [{ ...finding, checkId: 'test-sloppy', message: 'pid {{what}}' }]), [
      'test-sloppy (shared): "pid {{what}}" keeps a placeholder',
      'test-sloppy (shared): no data for {{what}}',
    ]);
  });
});
