import type { PlanRequest, ScanPlan } from '../../src/core/engine/config.js';
import type { InventoryContext } from '../../src/core/inventory/inventory.js';
import type { Evaluation } from '../../src/core/engine/run.js';
import type { ScanReport } from '../../src/core/engine/report.js';
import { loadText, type LoadResult } from '../../src/adapters/manifests/documents.js';
import { scanResources } from '../../src/app/scan.js';
import type { Source } from '../../src/core/model/source.js';

export const FIXED_NOW = new Date('2026-06-01T12:00:00Z');

/** Loads YAML text and runs the scan use case on it, in-process (as `palisade scan` does); `file` is a typed source or a file's path. */
export function scanText(
  text: string,
  request: Partial<PlanRequest> = {},
  file: Source | string = 'test.yaml',
  context: InventoryContext = {},
  version = '0.0.0-test',
): Evaluation & { loaded: LoadResult; plan: ScanPlan; report: ScanReport } {
  const loaded = loadText(text, file);
  // In-process callers may scan nothing on purpose (a clean or empty input): the CLI refuses it.
  const { plan, evaluation, report } = scanResources(loaded, { planRequest: { now: FIXED_NOW, ...request }, version, allowEmpty: true, ...(context.images ? { images: context.images } : {}), ...(context.signatures ? { signatures: context.signatures } : {}) });
  return { ...evaluation, loaded, plan, report };
}
