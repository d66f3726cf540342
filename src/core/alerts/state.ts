/**
 * Deduplication, re-notification and resolution, keyed by finding key. The time is an input.
 * A finding that opens is told once; told again once `renotifyMs` has passed since it was last
 * told; and told resolved once when it resolves (its state is then dropped, so a finding that
 * comes back is new again). The watcher feeds changes one at a time (`step`) and asks what is
 * due on a timer (`dueForRenotify`); a scan feeds its whole result (`reconcile`).
 */
import type { Alert } from './model.js';

export interface AlertState {
  key: string;
  /** What the finding belongs to (`cluster:prod`, a set of paths): a run of a scope resolves what it no longer reports. */
  scope: string;
  /** The alert as last told (firing). */
  alert: Alert;
  /** When it was last told (ISO 8601). */
  notifiedAt: string;
}

export type NotifyReason = 'new' | 'renotify' | 'resolved';

export interface Notification {
  alert: Alert;
  reason: NotifyReason;
}

export type AlertChange = { kind: 'opened'; alert: Alert } | { kind: 'resolved'; key: string };

export interface StepResult {
  /** What to tell, if anything. */
  notification?: Notification;
  /** The new state; undefined: none (resolved, or never firing). */
  state: AlertState | undefined;
}

export interface AlertPolicy {
  /** Tell a firing alert again after this long (ms); 0 or less: never again. */
  renotifyMs: number;
}

function isDue(state: AlertState, now: Date, policy: AlertPolicy): boolean {
  return policy.renotifyMs > 0 && now.getTime() - Date.parse(state.notifiedAt) >= policy.renotifyMs;
}

/** One change to one finding. */
export function step(previous: AlertState | undefined, change: AlertChange, now: Date, policy: AlertPolicy, scope: string): StepResult {
  const at = now.toISOString();
  if (change.kind === 'resolved') {
    if (!previous) return { state: undefined };
    return { notification: { alert: { ...previous.alert, status: 'resolved', endsAt: at }, reason: 'resolved' }, state: undefined };
  }
  if (!previous) {
    const alert: Alert = { ...change.alert, status: 'firing', startsAt: at };
    delete alert.endsAt;
    return { notification: { alert, reason: 'new' }, state: { key: alert.key, scope, alert, notifiedAt: at } };
  }
  // Still firing: keep when it started; the rest (message, owner) as it is now.
  const alert: Alert = { ...change.alert, status: 'firing', startsAt: previous.alert.startsAt };
  delete alert.endsAt;
  if (isDue(previous, now, policy)) return { notification: { alert, reason: 'renotify' }, state: { ...previous, alert, notifiedAt: at } };
  return { state: { ...previous, alert } };
}

export interface Reconciled {
  notifications: Notification[];
  /** States to write (new or changed). */
  upserts: AlertState[];
  /** Keys whose state to drop (resolved). */
  removals: string[];
}

/**
 * A whole run of a scope: what it reports fires (new, or re-told when due), and what the scope's
 * earlier states hold but the run no longer reports resolves. States of other scopes are not
 * touched. Alerts are taken in key order, so the result does not depend on input order.
 */
export function reconcile(
  previous: readonly AlertState[],
  current: readonly Alert[],
  now: Date,
  policy: AlertPolicy,
  scope: string,
  /** Whether a state the run does not report may resolve: a run that could not read all its input, or did not run the state's check, must not resolve it (default: all may). */
  mayResolve: (state: AlertState) => boolean = () => true,
): Reconciled {
  const before = new Map(previous.filter((state) => state.scope === scope).map((state) => [state.key, state]));
  const seen = new Map<string, Alert>();
  for (const alert of current) seen.set(alert.key, alert);
  const result: Reconciled = { notifications: [], upserts: [], removals: [] };
  for (const key of [...seen.keys()].sort()) {
    const { notification, state } = step(before.get(key), { kind: 'opened', alert: seen.get(key)! }, now, policy, scope);
    if (notification) result.notifications.push(notification);
    if (state) result.upserts.push(state);
  }
  for (const key of [...before.keys()].sort()) {
    if (seen.has(key) || !mayResolve(before.get(key)!)) continue;
    const { notification } = step(before.get(key), { kind: 'resolved', key }, now, policy, scope);
    if (notification) result.notifications.push(notification);
    result.removals.push(key);
  }
  return result;
}

/** Firing alerts due to be told again (the watcher's timer; a scan gets these from `reconcile`). */
export function dueForRenotify(states: readonly AlertState[], now: Date, policy: AlertPolicy): StepResult[] {
  return states
    .filter((state) => isDue(state, now, policy))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((state) => step(state, { kind: 'opened', alert: state.alert }, now, policy, state.scope));
}
