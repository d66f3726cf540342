import type { PlanRequest } from '../../src/core/engine/config.js';
import type { ScanReport } from '../../src/core/engine/report.js';
import type { Source } from '../../src/core/model/source.js';
import { scanText } from './scan.js';

/** The checks formatter tests run by default, so their recorded output does not change as the catalog grows. */
export const FORMATTER_TEST_CHECKS = ['host-network', 'privileged-container', 'run-as-root'];

/** Loads YAML text and builds the ScanReport every formatter renders, in-process (as `palisade scan` does). */
export function reportFromText(text: string, request: Partial<PlanRequest> = {}, file: Source | string = 'test.yaml', version = '0.0.0-test'): ScanReport {
  return scanText(text, { ...(request.standard ? {} : { only: FORMATTER_TEST_CHECKS }), ...request }, file, {}, version).report;
}
