import { atLeast, type Severity } from '../core/model/severity.js';

/**
 * What a result means for whoever acts on it: `--fail-on` (scan, image), and later the
 * admission webhook's deny. One rule for all of them: input errors first (the result is
 * incomplete, so no clean pass can be claimed), then findings at or above the threshold.
 */
export interface Verdict {
  /** error: some input could not be read or evaluated; fail: findings at or above the threshold; else pass. */
  status: 'pass' | 'fail' | 'error';
  /** Findings at or above the threshold (0 when there is no threshold). */
  failing: number;
  /** Input errors: unreadable files or images, checks that threw. */
  errors: number;
}

/** Anything with severities and errors: a scan report, an evaluation, an image scan mapped to severities. */
export interface VerdictInput {
  findings: readonly { severity: Severity }[];
  errors: readonly unknown[] | number;
}

/** The verdict on a result; without a threshold nothing fails (only errors count). */
export function verdict(result: VerdictInput, threshold: Severity | undefined): Verdict {
  const errors = typeof result.errors === 'number' ? result.errors : result.errors.length;
  let failing = 0;
  if (threshold !== undefined) for (const finding of result.findings) if (atLeast(finding.severity, threshold)) failing++;
  return { status: errors > 0 ? 'error' : failing > 0 ? 'fail' : 'pass', failing, errors };
}

/** The CLI's exit codes: 0 clean, 1 findings at or above the threshold, 2 input errors. */
export function exitCodeOf(result: Verdict): 0 | 1 | 2 {
  return result.status === 'error' ? 2 : result.status === 'fail' ? 1 : 0;
}
