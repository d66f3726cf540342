import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { exportStatus, NOT_EXPORTABLE, VAP_TRANSLATIONS } from '../src/core/admission/vap/index.js';
import { buildVapExport, DEFAULT_NAMESPACE_SELECTOR, parseLabelSelector } from '../src/core/admission/vap/policies.js';
import { checkNeeds } from '../src/core/inventory/reads.js';
import { exportVap } from '../src/app/vap.js';
import { planScan } from '../src/app/scan.js';
import { renderVapDocs, VAP_DOCS_FILE } from '../scripts/vap-docs.js';
import { palisade } from './support/cli.js';
import { REPO_ROOT } from './support/paths.js';
import { FIXED_NOW } from './support/scan.js';

describe('export-vap: translations, registry and docs', () => {
  it('translations are sorted, one per file, and name checks that read only the object', () => {
    const ids = VAP_TRANSLATIONS.map((translation) => translation.id);
    assert.deepEqual(ids, [...ids].sort(), 'src/core/admission/vap/index.ts lists translations sorted by id');
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) {
      const check = ALL_CHECKS.find((candidate) => candidate.id === id);
      assert.ok(check, `${id}: no such check`);
      assert.ok(existsSync(path.join(REPO_ROOT, 'src/core/admission/vap', `${id}.ts`)), `${id} lives in src/core/admission/vap/${id}.ts`);
      const needs = checkNeeds(check);
      assert.equal(needs.scope, 'object', `${id} reads other objects: it cannot be exported`);
      assert.equal(needs.images, false, `${id} needs image results: it cannot be exported`);
      assert.equal(NOT_EXPORTABLE[id], undefined, `${id} is both translated and listed as not exportable`);
    }
    for (const id of Object.keys(NOT_EXPORTABLE)) assert.ok(ALL_CHECKS.some((check) => check.id === id), `NOT_EXPORTABLE names an unknown check ${id}`);
  });

  it('every check has an export status; checks that read more are not exportable, with a reason', () => {
    for (const check of ALL_CHECKS) {
      const status = exportStatus(check);
      const needs = checkNeeds(check);
      if (needs.scope !== 'object' || needs.images) {
        assert.equal(status.status, 'not-exportable', check.id);
        assert.ok(status.status === 'not-exportable' && status.reason.length > 20, check.id);
      }
    }
  });

  it(`${VAP_DOCS_FILE} is up to date (npm run docs)`, () => {
    const full = path.join(REPO_ROOT, VAP_DOCS_FILE);
    assert.ok(existsSync(full), `${VAP_DOCS_FILE} is missing: run npm run docs`);
    assert.equal(readFileSync(full, 'utf8'), renderVapDocs(ALL_CHECKS), `${VAP_DOCS_FILE} is stale: run npm run docs`);
  });

  it('builds one policy and one binding per exported check, with the actions and selector asked for', () => {
    const plan = planScan({ now: FIXED_NOW, only: ['host-network', 'service-node-port', 'rbac-impersonate', 'default-namespace'] });
    const result = buildVapExport(plan.checks, { actions: ['Warn', 'Audit'] });
    assert.deepEqual(result.exported, ['host-network', 'service-node-port']);
    assert.deepEqual(result.skipped.map(({ id }) => id), ['default-namespace', 'rbac-impersonate']);
    assert.deepEqual(result.objects.map((object) => `${String(object.kind)}/${String((object.metadata as { name: string }).name)}`), [
      'ValidatingAdmissionPolicy/palisade-host-network',
      'ValidatingAdmissionPolicy/palisade-service-node-port',
      'ValidatingAdmissionPolicyBinding/palisade-host-network',
      'ValidatingAdmissionPolicyBinding/palisade-service-node-port',
    ]);
    const binding = result.objects[2] as { spec: { validationActions: string[]; matchResources: { namespaceSelector: unknown } } };
    assert.deepEqual(binding.spec.validationActions, ['Warn', 'Audit']);
    assert.deepEqual(binding.spec.matchResources.namespaceSelector, DEFAULT_NAMESPACE_SELECTOR);
    const policy = result.objects[0] as { spec: { variables: { name: string; expression: string }[] } };
    const podSpec = policy.spec.variables.find((variable) => variable.name === 'podSpec')!.expression;
    assert.match(podSpec, /object\.kind == 'CronJob' \? object\.spec\.jobTemplate\.spec\.template\.spec/);
    assert.match(podSpec, /object\.kind == 'Pod' \? object\.spec/);
    assert.match(podSpec, /object\.kind == 'PodTemplate' \? object\.template\.spec/);
  });

  it('translates check options from the configuration into the CEL', () => {
    const result = exportVap({ planRequest: { now: FIXED_NOW, only: ['host-port', 'unsafe-sysctls'], config: { options: { 'host-port': { allowedHostPorts: ['443', '30000-32767'] }, 'unsafe-sysctls': { allowedSysctls: ['net.core.*'] } } } }, actions: ['Deny'] });
    const text = JSON.stringify(result.objects);
    assert.match(text, /p\.hostPort == 443 \|\| \(p\.hostPort >= 30000 && p\.hostPort <= 32767\)/);
    assert.match(text, /s\.name\.startsWith\('net\.core\.'\)/);
  });

  it('parses namespace selectors as kubectl writes them', () => {
    assert.deepEqual(parseLabelSelector('env=prod,tier in (web, api),!legacy,team!=ops,owner'), {
      matchLabels: { env: 'prod' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['web', 'api'] },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'team', operator: 'NotIn', values: ['ops'] },
        { key: 'owner', operator: 'Exists' },
      ],
    });
    assert.equal(typeof parseLabelSelector('a=b,,c'), 'string');
    assert.equal(typeof parseLabelSelector('a b'), 'string');
  });

  it('palisade admission export-vap writes a YAML stream; bad flags are usage errors', async () => {
    const yaml = await palisade(['admission', 'export-vap', '--check', 'privileged-container', '--namespace-selector', 'env=prod']);
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.match(yaml.stdout, /^---\napiVersion: admissionregistration\.k8s\.io\/v1\nkind: ValidatingAdmissionPolicy\n/);
    assert.match(yaml.stdout, /kind: ValidatingAdmissionPolicyBinding/);
    assert.match(yaml.stdout, /env: prod/);
    const json = await palisade(['admission', 'export-vap', '--standard', 'pss-restricted', '-o', 'json', '--action', 'Warn']);
    assert.equal(json.code, 0, json.stderr);
    const list = JSON.parse(json.stdout) as { kind: string; items: { kind: string }[] };
    assert.equal(list.kind, 'List');
    assert.ok(list.items.length >= 10);
    assert.match(json.stderr, /check\(s\) exported, \d+ selected check\(s\) not exported/);
    const skipped = await palisade(['admission', 'export-vap', '--check', 'rbac-impersonate']);
    assert.equal(skipped.code, 2);
    assert.match(skipped.stderr, /rbac-impersonate is not exported: not translated to CEL yet/);
    assert.equal((await palisade(['admission', 'export-vap', '--action', 'Deny,Warn'])).code, 2);
    assert.equal((await palisade(['admission', 'serve'])).code, 2);
  });
});
