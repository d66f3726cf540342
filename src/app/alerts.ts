/**
 * Alerts that reach the owner, written once for every front end (`palisade scan --alert` today,
 * `palisade watch` when it lands): findings become alerts for their owners (the object's labels
 * and annotations, else its namespace's, else the default route), the dedup state decides what
 * to tell (new, re-told after the interval, resolved), and what to tell is written to the outbox
 * with the state in one step. A dispatcher then delivers the outbox to the sinks, retrying with
 * backoff; an alert survives a restart because it is on disk before anything is sent.
 */
import { routeOf, type AlertSettings } from '../core/alerts/config.js';
import { retryDelay, type BackoffPolicy } from '../core/alerts/backoff.js';
import { alertOf, type Alert } from '../core/alerts/model.js';
import { resolveOwner } from '../core/alerts/owner.js';
import { reconcile, step, dueForRenotify, type AlertChange, type Notification } from '../core/alerts/state.js';
import type { PlannedCheck } from '../core/engine/config.js';
import type { Inventory } from '../core/inventory/inventory.js';
import type { Finding } from '../core/model/finding.js';
import { findingKey } from '../core/model/finding-key.js';
import { metadataOf, type Metadata, type Resource } from '../core/model/resource.js';
import { atLeast } from '../core/model/severity.js';
import type { AlertOutbox, Delivery, NewDelivery, OutboxChange } from '../core/ports/alerts.js';

/** Where owners are read from: the objects a scan or a watch holds. */
export interface OwnerDirectory {
  /** The object's metadata (labels, annotations), by kind, namespace and name. */
  object(kind: string, namespace: string | undefined, name: string): Metadata | undefined;
  namespace(name: string): Metadata | undefined;
}

/** An owner directory over objects read (a scan's resources; the watcher passes its inventory's). */
export function ownerDirectory(resources: readonly Resource[]): OwnerDirectory {
  const objects = new Map<string, Metadata>();
  const id = (kind: string, namespace: string | undefined, name: string) => JSON.stringify([kind, namespace ?? '', name]);
  for (const resource of resources) objects.set(id(resource.ref.kind, resource.ref.namespace, resource.ref.name), metadataOf(resource.object));
  return {
    object: (kind, namespace, name) => objects.get(id(kind, namespace, name)),
    namespace: (name) => objects.get(id('Namespace', undefined, name)),
  };
}

/** An owner directory that looks objects up in an inventory as it is now (the watcher's): nothing copied per change. */
export function inventoryOwners(inventory: Pick<Inventory, 'find'>): OwnerDirectory {
  const metadata = (resource: Resource | undefined) => (resource ? metadataOf(resource.object) : undefined);
  return {
    object: (kind, namespace, name) => metadata(inventory.find(kind, namespace, name)),
    namespace: (name) => metadata(inventory.find('Namespace', undefined, name)),
  };
}

/** The check prose an alert carries, by check id. */
export type CheckProse = (checkId: string) => { title: string; remediation: string } | undefined;

export function proseOf(checks: readonly PlannedCheck[]): CheckProse {
  const byId = new Map(checks.map((planned) => [planned.check.id, { title: planned.check.title, remediation: planned.check.remediation }]));
  return (checkId) => byId.get(checkId);
}

/** The alerts of findings at or above the settings' minimum severity, each for its owner. */
export function alertsOf(findings: readonly Finding[], owners: OwnerDirectory, prose: CheckProse, settings: Pick<AlertSettings, 'minSeverity' | 'ownerKeys' | 'defaultRoute'>, now: Date): Alert[] {
  const alerts: Alert[] = [];
  for (const finding of findings) {
    if (!atLeast(finding.severity, settings.minSeverity)) continue;
    const { kind, namespace, name } = finding.object;
    const isNamespace = kind === 'Namespace';
    const owner = resolveOwner(owners.object(kind, namespace, name), isNamespace ? undefined : namespace !== undefined ? owners.namespace(namespace) : undefined, settings.ownerKeys, settings.defaultRoute.team);
    const text = prose(finding.checkId) ?? { title: finding.checkId, remediation: '' };
    alerts.push(alertOf({ key: findingKey(finding), checkId: finding.checkId, title: text.title, severity: finding.severity, message: finding.message, remediation: text.remediation }, owner, now));
  }
  return alerts;
}

/** The deliveries of one notification: one per sink of its route, each with its recipients. */
export function deliveriesFor(notification: Notification, settings: Pick<AlertSettings, 'routes' | 'defaultRoute' | 'sinks'>): NewDelivery[] {
  const { alert } = notification;
  const route = routeOf(alert, settings);
  return route.sinks.map((sink) => {
    const config = settings.sinks[sink];
    // E-mail: the owner's addresses, else the route's, else the sink's own.
    const email = alert.owner.emails.length > 0 ? alert.owner.emails : route.email.length > 0 ? route.email : config?.type === 'email' ? config.to : [];
    return { sink, alert, reason: notification.reason, recipients: { email: [...email], ...(alert.owner.slackChannel !== undefined ? { slackChannel: alert.owner.slackChannel } : {}) } };
  });
}

export interface RecordedAlerts {
  new: number;
  renotified: number;
  resolved: number;
  /** Findings still firing and already told within the interval. */
  unchanged: number;
  /** Notifications the outbox refused (full): told on a later run. */
  refused: number;
}

function count(notifications: readonly Notification[], refused: number, unchanged: number): RecordedAlerts {
  const by = (reason: Notification['reason']) => notifications.filter((item) => item.reason === reason).length;
  return { new: by('new'), renotified: by('renotify'), resolved: by('resolved'), unchanged, refused };
}

/**
 * A whole run of a scope (a scan): its alerts fire, what the scope's last run alerted and this
 * one no longer reports resolves. The states and the deliveries are written together.
 */
export async function recordRun(
  outbox: AlertOutbox,
  settings: AlertSettings,
  scope: string,
  alerts: readonly Alert[],
  now: Date,
  /**
   * What the run covered, for resolving: the checks it ran (a finding of a check not run is not
   * resolved), and whether it read its whole input (a scan with input errors, a forbidden list,
   * resolves nothing: what it did not read is not fixed).
   */
  coverage: { checks?: ReadonlySet<string>; complete?: boolean } = {},
): Promise<RecordedAlerts> {
  const previous = await outbox.states(scope);
  const mayResolve = (state: { alert: Alert }) => coverage.complete !== false && (coverage.checks === undefined || coverage.checks.has(state.alert.checkId));
  const result = reconcile(previous, alerts, now, { renotifyMs: settings.renotifyMs }, scope, mayResolve);
  const told = new Map(result.notifications.map((item) => [item.alert.key, item]));
  const changes: OutboxChange[] = [];
  for (const state of result.upserts) {
    const notification = told.get(state.key);
    changes.push({ key: state.key, scope, state, deliveries: notification ? deliveriesFor(notification, settings) : [] });
  }
  for (const key of result.removals) {
    const notification = told.get(key);
    changes.push({ key, scope, state: undefined, deliveries: notification ? deliveriesFor(notification, settings) : [] });
  }
  const { refused } = await outbox.record(changes);
  const unchanged = result.upserts.length - result.notifications.filter((item) => item.reason !== 'resolved').length;
  return count(result.notifications, refused, unchanged);
}

/**
 * Changes one at a time (the watcher: a finding opened or resolved), and the re-notifications
 * due at `now` (call it on a timer). Same state machine, same outbox.
 */
export async function recordChanges(outbox: AlertOutbox, settings: AlertSettings, scope: string, changes: readonly AlertChange[], now: Date): Promise<RecordedAlerts> {
  const states = new Map((await outbox.states(scope)).map((state) => [state.key, state]));
  const notifications: Notification[] = [];
  const writes: OutboxChange[] = [];
  let unchanged = 0;
  for (const change of changes) {
    const key = change.kind === 'opened' ? change.alert.key : change.key;
    const { notification, state } = step(states.get(key), change, now, { renotifyMs: settings.renotifyMs }, scope);
    if (state) states.set(key, state);
    else states.delete(key);
    if (notification) notifications.push(notification);
    else if (state) unchanged++;
    if (notification || state) writes.push({ key, scope, state, deliveries: notification ? deliveriesFor(notification, settings) : [] });
  }
  const changed = new Set(changes.map((change) => (change.kind === 'opened' ? change.alert.key : change.key)));
  for (const { notification, state } of dueForRenotify([...states.values()].filter((state) => !changed.has(state.key)), now, { renotifyMs: settings.renotifyMs })) {
    if (!notification || !state) continue;
    notifications.push(notification);
    writes.push({ key: state.key, scope, state, deliveries: deliveriesFor(notification, settings) });
  }
  const { refused } = await outbox.record(writes);
  return count(notifications, refused, unchanged);
}

/** What the dispatcher tells of each delivery: metrics and logs (adapters/alerts/metrics.ts with prom-client and pino). */
export interface DeliveryObserver {
  sent(delivery: Delivery, ms: number): void;
  /** A failed attempt; `retryAt` undefined: given up. */
  failed(delivery: Delivery, error: { message: string; retryable: boolean }, retryAt: Date | undefined): void;
}

export interface DispatchDependencies {
  outbox: AlertOutbox;
  /** The sinks by configured name. */
  sinks: ReadonlyMap<string, { send(delivery: Delivery, now: Date): Promise<void> }>;
  backoff: BackoffPolicy;
  now?: () => Date;
  /** In [0, 1): the backoff's jitter (default Math.random). */
  random?: () => number;
  observer?: DeliveryObserver;
  /** Deliveries claimed per pass (default 50). */
  batch?: number;
  /** A claimed delivery is not claimed again for this long (default 60 s): past it, a crash mid-send retries. */
  leaseMs?: number;
}

export interface DispatchResult {
  sent: number;
  /** Attempts that failed and will be retried. */
  retrying: number;
  /** Deliveries given up (out of attempts, or a failure that cannot succeed). */
  dead: number;
}

/** One pass: every due delivery is sent once (sinks in parallel, one delivery at a time per sink, in order). */
export async function dispatchDue(deps: DispatchDependencies): Promise<DispatchResult> {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const due = await deps.outbox.claimDue(now(), deps.batch ?? 50, deps.leaseMs ?? 60_000);
  const result: DispatchResult = { sent: 0, retrying: 0, dead: 0 };
  const bySink = new Map<string, Delivery[]>();
  for (const delivery of due) bySink.set(delivery.sink, [...(bySink.get(delivery.sink) ?? []), delivery]);
  await Promise.all(
    [...bySink].map(async ([name, deliveries]) => {
      const sink = deps.sinks.get(name);
      for (const delivery of deliveries) {
        const started = now();
        try {
          if (!sink) throw Object.assign(new Error(`no sink named "${name}" is configured any more`), { retryable: false });
          await sink.send(delivery, started);
          await deps.outbox.markSent(delivery.id, now());
          result.sent++;
          deps.observer?.sent(delivery, now().getTime() - started.getTime());
        } catch (error) {
          const retryable = (error as { retryable?: boolean }).retryable !== false;
          const delay = retryable ? retryDelay(delivery.attempts + 1, deps.backoff, random()) : undefined;
          const retryAt = delay === undefined ? undefined : new Date(now().getTime() + delay);
          const message = (error as Error).message;
          await deps.outbox.markFailed(delivery.id, now(), message, retryAt);
          if (retryAt) result.retrying++;
          else result.dead++;
          deps.observer?.failed(delivery, { message, retryable }, retryAt);
        }
      }
    }),
  );
  return result;
}

/**
 * Delivers until nothing is due before `deadline` (a scan's last step): passes run while
 * deliveries are due, and it waits for retries that come due before the deadline.
 */
export async function drainOutbox(deps: DispatchDependencies & { deadline: Date; sleep: (ms: number) => Promise<void> }): Promise<DispatchResult> {
  const now = deps.now ?? (() => new Date());
  const total: DispatchResult = { sent: 0, retrying: 0, dead: 0 };
  for (;;) {
    const pass = await dispatchDue(deps);
    total.sent += pass.sent;
    total.dead += pass.dead;
    const next = await deps.outbox.nextDue();
    if (next === undefined || next.getTime() > deps.deadline.getTime()) {
      total.retrying = (await deps.outbox.counts()).pending;
      return total;
    }
    const wait = next.getTime() - now().getTime();
    if (wait > 0) await deps.sleep(wait);
  }
}

/**
 * The dispatcher loop for a long-running process (`palisade watch`): a pass whenever a delivery
 * is due (at most every `maxIdleMs`, default 5 s, and at once on `wake()` after recording),
 * until `stop()`. A pass that throws (the store unreadable) is logged by the caller's observer
 * and retried after `maxIdleMs`.
 */
export function startDispatcher(deps: DispatchDependencies & { maxIdleMs?: number; onError?: (error: Error) => void }): { wake(): void; stop(): Promise<void> } {
  const maxIdleMs = deps.maxIdleMs ?? 5_000;
  const now = deps.now ?? (() => new Date());
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void run(), Math.max(0, Math.min(ms, maxIdleMs)));
    timer.unref();
  };
  const run = async (): Promise<void> => {
    if (running || stopped) return;
    running = (async () => {
      try {
        await dispatchDue(deps);
        const next = await deps.outbox.nextDue();
        schedule(next === undefined ? maxIdleMs : next.getTime() - now().getTime());
      } catch (error) {
        deps.onError?.(error as Error);
        schedule(maxIdleMs);
      }
    })();
    await running;
    running = undefined;
  };
  schedule(0);
  return {
    wake: () => schedule(0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
