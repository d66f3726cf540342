import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { resolvePlan } from '../src/core/engine/config.js';
import { evaluateAll } from '../src/core/engine/run.js';
import type { Analysis } from '../src/core/inventory/analysis.js';
import { buildInventory, createIncrementalInventory, type IncrementalInventory, type Inventory } from '../src/core/inventory/inventory.js';
import { operation, resourceOf, type Operation } from './support/cluster-objects.js';
import { FIXED_NOW } from './support/scan.js';

/**
 * An incremental inventory fed a random sequence of adds, updates and deletes must give every
 * check the same findings as a fresh snapshot of the same objects, after every step: analyses
 * built at one step and kept must be dropped exactly when an object they read changes.
 */

const { plan } = resolvePlan(ALL_CHECKS, { now: FIXED_NOW, enable: ['*'] });

/** Applies the operations one by one, comparing findings with a fresh snapshot after each; the first difference, if any. */
function divergence(operations: readonly Operation[], inventory: IncrementalInventory & { readonly view?: Inventory }): string | undefined {
  const view = inventory.view ?? inventory;
  for (const [step, operation] of operations.entries()) {
    if (operation.op === 'upsert') inventory.upsert(resourceOf(operation.object));
    else {
      const target = inventory.resources[operation.index % Math.max(1, inventory.resources.length)];
      if (target) inventory.delete(target.ref);
    }
    const resources = [...inventory.resources];
    const incremental = evaluateAll(resources, view, plan);
    const fresh = evaluateAll(resources, buildInventory(resources), plan);
    try {
      assert.deepEqual(incremental, fresh);
    } catch (error) {
      return `after step ${step} (${operation.op}): ${(error as Error).message.slice(0, 2000)}`;
    }
  }
  return undefined;
}

/** An incremental inventory whose analyses are never dropped: what the property must catch. */
function neverInvalidated(): IncrementalInventory & { view: Inventory } {
  const inner = createIncrementalInventory();
  const kept = new Map<unknown, unknown>();
  const view: Inventory = Object.create(inner, {
    get: {
      value: <T>(analysis: Analysis<T>): T => {
        if (!kept.has(analysis)) kept.set(analysis, analysis.build(view));
        return kept.get(analysis) as T;
      },
    },
  });
  return Object.assign(inner, { view });
}

describe('incremental inventory', () => {
  it('gives every check the findings of a fresh snapshot after every add, update and delete', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 60 }), (operations) => {
        const problem = divergence(operations, createIncrementalInventory());
        assert.equal(problem, undefined);
      }),
      { numRuns: 100 },
    );
  });

  it('the comparison catches analyses that are kept past a change (the property can fail)', () => {
    const result = fc.check(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 40 }), (operations) => divergence(operations, neverInvalidated()) === undefined),
      { numRuns: 200 },
    );
    assert.equal(result.failed, true, 'a stale analysis went unnoticed');
  });

  it('keeps objects in place on update, drops them on delete, and tracks namespaces in use', () => {
    const inventory = createIncrementalInventory();
    const pod = (name: string, namespace: string, image: string) => resourceOf({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c', image }] } });
    inventory.upsert(pod('a', 'shop', 'one'));
    inventory.upsert(pod('b', 'web', 'one'));
    inventory.upsert(pod('a', 'shop', 'two'));
    assert.deepEqual(inventory.resources.map((resource) => `${resource.ref.name}:${(resource.object.spec as { containers: Array<{ image: string }> }).containers[0]!.image}`), ['a:two', 'b:one']);
    assert.equal(inventory.ofKindIn('Pod', 'shop').length, 1);
    assert.deepEqual([...inventory.namespaces].sort(), ['shop', 'web']);
    assert.equal(inventory.delete({ kind: 'Pod', namespace: 'web', name: 'b' })?.ref.name, 'b');
    assert.equal(inventory.delete({ kind: 'Pod', namespace: 'web', name: 'b' }), undefined);
    assert.deepEqual([...inventory.namespaces], ['shop']);
    assert.equal(inventory.find('Pod', 'web', 'b'), undefined);
    assert.deepEqual(inventory.ofKind('Pod').map((resource) => resource.ref.name), ['a']);
  });
});
