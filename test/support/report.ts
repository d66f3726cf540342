import { ALL_CHECKS } from '../../src/core/checks/index.js';
import { resolvePlan, type PlanRequest } from '../../src/core/engine/config.js';
import { buildInventory } from '../../src/core/engine/inventory.js';
import { buildReport, type ScanReport } from '../../src/core/engine/report.js';
import { evaluateAll } from '../../src/core/engine/run.js';
import { loadText } from '../../src/adapters/manifests/documents.js';
import { FIXED_NOW } from './scan.js';

/** The checks formatter tests run by default, so their recorded output does not change as the catalog grows. */
export const FORMATTER_TEST_CHECKS = ['host-network', 'privileged-container', 'run-as-root'];

/** Loads YAML text and builds the ScanReport every formatter renders, in-process (as `palisade scan` does). */
export function reportFromText(text: string, request: Partial<PlanRequest> = {}, file = 'test.yaml', version = '0.0.0-test'): ScanReport {
  const loaded = loadText(text, file);
  const { plan, problems } = resolvePlan(ALL_CHECKS, { now: FIXED_NOW, ...(request.standard ? {} : { only: FORMATTER_TEST_CHECKS }), ...request });
  if (problems.length > 0) throw new Error(`bad plan: ${problems.map((p) => p.message).join('; ')}`);
  const evaluation = evaluateAll(loaded.resources, buildInventory(loaded.resources), plan);
  return buildReport({
    version,
    objects: loaded.resources.length,
    checks: plan.checks,
    findings: evaluation.findings,
    suppressed: evaluation.suppressed,
    errors: [...loaded.errors, ...evaluation.errors],
    skipped: loaded.skipped,
    ...(plan.standard ? { standard: plan.standard } : {}),
  });
}
