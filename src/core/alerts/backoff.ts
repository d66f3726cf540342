/**
 * When a failed delivery is tried again: exponential backoff with full jitter, capped
 * (the AWS Architecture Blog's "full jitter": a uniform delay in [base, min(cap, initial * 2^n)]),
 * and given up after `maxAttempts`. `random` is an input in [0, 1), so tests choose it.
 */
export interface BackoffPolicy {
  /** The first retry's delay bound (ms). */
  initialMs: number;
  /** No delay longer than this (ms). */
  maxMs: number;
  /** Attempts at most (the first included); then the delivery is given up (dead). */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 5_000, maxMs: 15 * 60_000, maxAttempts: 30 };

/**
 * The delay before attempt `attempts + 1`, after `attempts` failed ones (attempts >= 1), or
 * undefined when no attempt is left. Never below a tenth of the initial delay (no hot loop).
 */
export function retryDelay(attempts: number, policy: BackoffPolicy, random: number): number | undefined {
  if (attempts >= policy.maxAttempts) return undefined;
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempts - 1));
  const floor = Math.min(ceiling, Math.max(1, Math.ceil(policy.initialMs / 10)));
  return Math.round(floor + (ceiling - floor) * Math.min(Math.max(random, 0), 1));
}
