import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { CATEGORIES } from '../src/core/model/check.js';
import { CIS_CONTROLS, NSA_SECTIONS, PSS_CONTROLS } from '../src/core/model/standards.js';
import { renderDocs } from '../scripts/docs.js';
import { REPO_ROOT } from './support/paths.js';

describe('check registry, fixtures and docs stay in step', () => {
  it('the registry is sorted, ids are unique kebab-case, metadata is complete', () => {
    const ids = ALL_CHECKS.map((check) => check.id);
    assert.deepEqual(ids, [...ids].sort(), 'src/core/checks/index.ts must list checks sorted by id');
    assert.equal(new Set(ids).size, ids.length, 'duplicate check ids');
    for (const check of ALL_CHECKS) {
      assert.match(check.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, check.id);
      assert.ok(existsSync(path.join(REPO_ROOT, 'src/core/checks', `${check.id}.ts`)), `${check.id} lives in src/core/checks/${check.id}.ts`);
      assert.ok(check.title && check.description.length > 20 && check.remediation.length > 10, `${check.id}: title, description and remediation`);
      assert.ok((CATEGORIES as readonly string[]).includes(check.category), `${check.id}: category`);
      assert.ok(check.references.length > 0, `${check.id}: references`);
      assert.ok('workloads' in check.appliesTo || check.appliesTo.kinds.length > 0, `${check.id}: appliesTo`);
      for (const section of check.standards.nsa ?? []) assert.ok((NSA_SECTIONS as readonly string[]).includes(section), `${check.id}: unknown NSA section "${section}"`);
      for (const id of check.standards.cis ?? []) assert.ok(id in CIS_CONTROLS, `${check.id}: unknown CIS control ${id}`);
      assert.ok(check.references.every((url) => url.startsWith('https://')), `${check.id}: references are https URLs`);
      if ('kinds' in check.appliesTo) assert.deepEqual([...check.appliesTo.kinds], [...check.appliesTo.kinds].sort(), `${check.id}: appliesTo kinds sorted`);
      for (const id of check.standards.mitre ?? []) assert.match(id, /^T\d{4}(\.\d{3})?$/, `${check.id}: MITRE technique id`);
      if (check.standards.pss) assert.ok((PSS_CONTROLS[check.standards.pss.level] as readonly string[]).includes(check.standards.pss.control), `${check.id}: PSS ${check.standards.pss.level} control "${check.standards.pss.control}"`);
      for (const [name, spec] of Object.entries(check.options)) assert.ok((spec as { description: string }).description, `${check.id}: option ${name} needs a description`);
    }
  });

  it('every check file is registered', () => {
    const files = readdirSync(path.join(REPO_ROOT, 'src/core/checks')).filter((file) => file.endsWith('.ts') && file !== 'index.ts');
    const ids = new Set(ALL_CHECKS.map((check) => check.id));
    for (const file of files) assert.ok(ids.has(file.replace(/\.ts$/, '')), `${file} is not in src/core/checks/index.ts`);
  });

  it('every fixture directory belongs to a check', () => {
    const ids = new Set(ALL_CHECKS.map((check) => check.id));
    for (const directory of readdirSync(path.join(REPO_ROOT, 'test/fixtures/checks'))) assert.ok(ids.has(directory), `test/fixtures/checks/${directory} has no check`);
  });

  it('generated docs are up to date (npm run docs)', () => {
    const generated = renderDocs(ALL_CHECKS, REPO_ROOT);
    for (const [file, content] of generated) {
      const full = path.join(REPO_ROOT, file);
      assert.ok(existsSync(full), `${file} is missing: run npm run docs`);
      assert.equal(readFileSync(full, 'utf8'), content, `${file} is stale: run npm run docs`);
    }
    const pages = readdirSync(path.join(REPO_ROOT, 'docs/checks'));
    for (const page of pages) assert.ok(generated.has(`docs/checks/${page}`), `docs/checks/${page} belongs to no check: run npm run docs`);
  });
});
