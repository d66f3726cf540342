import { readFileSync } from 'node:fs';
import type { ScanReport } from '../../src/core/engine/report.js';
import { repoPath } from '../support/paths.js';
import { reportFromText } from '../support/report.js';

export const MIXED_FILE = 'test/fixtures/formatters/mixed.yaml';

/** The mixed fixture scanned with every default check and one configured exception. */
export function mixedReport(standard?: ScanReport['standard']): ScanReport {
  return reportFromText(
    readFileSync(repoPath(MIXED_FILE), 'utf8'),
    {
      config: { exceptions: [{ checks: ['host-network'], kinds: ['Pod'], names: ['legacy-*'], reason: 'the agent | needs the node network', expires: '2027-01-31' }] },
      ...(standard ? { standard } : {}),
    },
    MIXED_FILE,
  );
}
