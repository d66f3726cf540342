/**
 * Leader election on a coordination.k8s.io Lease, the decision only (pure: the record and the
 * time are given). The elector (app/leader.ts) reads the Lease, asks what to do, and writes.
 */

/** The fields of a Lease's spec that the election reads, times in milliseconds since the epoch. */
export interface LeaseRecord {
  holder: string | undefined;
  /** spec.renewTime (else acquireTime), when the holder last said it is alive. */
  renewedAt: number | undefined;
  durationMs: number;
}

/**
 * What a candidate does with the Lease it read:
 * - create: there is no Lease yet
 * - renew: it holds the Lease
 * - take-over: the Lease is free (released, or never held) or its holder let it expire
 * - wait: someone else holds it and it has not expired
 */
export type LeaseDecision = 'create' | 'renew' | 'take-over' | 'wait';

export function decideLease(record: LeaseRecord | undefined, identity: string, now: number): LeaseDecision {
  if (!record) return 'create';
  if (record.holder === identity) return 'renew';
  if (record.holder === undefined || record.holder === '' || record.renewedAt === undefined) return 'take-over';
  return now >= record.renewedAt + record.durationMs ? 'take-over' : 'wait';
}

/** Whether a leader whose last successful renewal was at `renewedAt` must give up: the renew deadline passed. */
export function leadershipLapsed(renewedAt: number, renewDeadlineMs: number, now: number): boolean {
  return now - renewedAt >= renewDeadlineMs;
}
