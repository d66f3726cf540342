import type { Alert } from '../alerts/model.js';
import type { AlertState, NotifyReason } from '../alerts/state.js';

/**
 * The port of alert delivery: an outbox of deliveries (one alert to one sink) that survives a
 * restart, and the dedup state of every firing finding, changed together so an alert is never
 * recorded as told without being queued. SQLite implements it (adapters/store/alert-store.ts),
 * and PostgreSQL (adapters/store/postgres/alert-store.ts, `FOR UPDATE SKIP LOCKED` for the claim).
 */

/** Whom a delivery is for, beyond the alert's own owner: the route's choice. */
export interface DeliveryRecipients {
  /** E-mail addresses (the email sink). */
  email: string[];
  slackChannel?: string;
}

export interface NewDelivery {
  sink: string;
  alert: Alert;
  reason: NotifyReason;
  recipients: DeliveryRecipients;
}

export interface Delivery extends NewDelivery {
  id: string;
  /** Attempts made before this one. */
  attempts: number;
  createdAt: string;
}

/** One finding's change: its new state (or its removal), and the deliveries telling it. */
export interface OutboxChange {
  key: string;
  scope: string;
  /** The new state; undefined: drop the state (resolved). */
  state: AlertState | undefined;
  deliveries: NewDelivery[];
}

export interface RecordResult {
  /** Changes written (state and deliveries). */
  recorded: number;
  /** Changes refused because the outbox was full: their state is left as it was, so the next run tries them again. */
  refused: number;
}

export interface OutboxCounts {
  pending: number;
  sent: number;
  dead: number;
}

export interface AlertOutbox {
  /** The dedup states (of one scope, or all). */
  states(scope?: string): Promise<AlertState[]>;
  /**
   * Writes each change atomically: the state and its deliveries, or nothing. A newer delivery
   * of a key to a sink replaces one still pending (the newest status is what the owner needs).
   */
  record(changes: readonly OutboxChange[]): Promise<RecordResult>;
  /** Pending deliveries due at `now`, oldest first, leased for `leaseMs` (not claimed again until then, so a crash mid-send retries). */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<Delivery[]>;
  markSent(id: string, now: Date): Promise<void>;
  /** A failed attempt: retried at `retryAt`, or given up (dead) when undefined. The error is a short reason, never a secret. */
  markFailed(id: string, now: Date, error: string, retryAt: Date | undefined): Promise<void>;
  /** When the next pending delivery is due (none pending: undefined). */
  nextDue(): Promise<Date | undefined>;
  counts(): Promise<OutboxCounts>;
  close(): Promise<void>;
}
