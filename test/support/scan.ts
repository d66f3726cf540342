import { ALL_CHECKS } from '../../src/core/checks/index.js';
import { resolvePlan, type PlanRequest, type ScanPlan } from '../../src/core/engine/config.js';
import { buildInventory, type InventoryContext } from '../../src/core/engine/inventory.js';
import { evaluateAll, type Evaluation } from '../../src/core/engine/run.js';
import { loadText, type LoadResult } from '../../src/adapters/manifests/documents.js';
import type { Source } from '../../src/core/model/source.js';

export const FIXED_NOW = new Date('2026-06-01T12:00:00Z');

/** Loads YAML text and runs the engine on it, in-process; `file` is a typed source or a file's path. */
export function scanText(text: string, request: Partial<PlanRequest> = {}, file: Source | string = 'test.yaml', context: InventoryContext = {}): Evaluation & { loaded: LoadResult; plan: ScanPlan } {
  const loaded = loadText(text, file);
  const { plan, problems } = resolvePlan(ALL_CHECKS, { now: FIXED_NOW, ...request });
  if (problems.length > 0) throw new Error(`bad plan: ${problems.map((p) => p.message).join('; ')}`);
  const evaluation = evaluateAll(loaded.resources, buildInventory(loaded.resources, context), plan);
  return { ...evaluation, loaded, plan };
}
