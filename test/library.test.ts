import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as palisade from '../src/index.js';

describe('library entry point', () => {
  it('scans text in-process: load, inventory, plan, evaluate one object', () => {
    const loaded = palisade.loadText('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: c, image: x}]\n', 'pod.yaml');
    const inventory = palisade.buildInventory(loaded.resources);
    const { plan, problems } = palisade.resolvePlan(palisade.ALL_CHECKS, { now: new Date('2026-01-01T00:00:00Z'), only: ['host-pid'] });
    assert.deepEqual(problems, []);
    const evaluation = palisade.evaluateResource(loaded.resources[0]!, inventory, palisade.compilePlan(plan));
    assert.deepEqual(evaluation.findings.map((f) => [f.checkId, palisade.sourceLabel(f.source), f.location.line, f.location.column]), [['host-pid', 'pod.yaml', 5, 3]]);
  });
});
