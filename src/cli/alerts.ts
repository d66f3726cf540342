/**
 * What `palisade scan --alert` and `palisade alert` share: the `alerts:` settings read from the
 * configuration file (problems with file and line), the outbox, the sinks, and one drain of the
 * outbox with a summary on stderr.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { parseDuration, type AlertSettings } from '../core/alerts/config.js';
import { drainOutbox, type DispatchResult, type RecordedAlerts } from '../app/alerts.js';
import type { Registry } from 'prom-client';
import { createSinks, deliveryObserver } from '../adapters/alerts/index.js';
import { openAlertOutbox } from '../adapters/store/open.js';
import type { AlertOutbox } from '../core/ports/alerts.js';
import { defaultAlertStorePath } from '../adapters/store/paths.js';
import type { CommandIO } from './io.js';
import { UsageError } from './usage-error.js';

export { alertSettingsOf } from './alerts-settings.js';

/** The outbox at --alert-store: a postgres:// URL (PostgreSQL) or a SQLite file (default $PALISADE_ALERT_STORE or the cache directory). */
export async function openAlertStore(location: string | undefined, settings: Pick<AlertSettings, 'maxPending'>): Promise<AlertOutbox> {
  return openAlertOutbox(location ?? defaultAlertStorePath(), { maxPending: settings.maxPending });
}

/** `--alert-timeout`: how long a command waits for deliveries and their retries (default 30 s). */
export function timeoutOf(value: string | undefined, flag: string): number {
  if (value === undefined) return 30_000;
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`${flag} must be a duration such as 30s or 2m, not "${value}"`);
  return ms;
}

/** Structured logs of deliveries on stderr (JSON lines; PALISADE_LOG_LEVEL, default warn: failures only). */
function logger() {
  return pino({ base: { component: 'palisade-alerts' }, level: process.env.PALISADE_LOG_LEVEL || 'warn' }, pino.destination({ fd: 2, sync: true }));
}

/** Delivers what the outbox holds until nothing is due within `timeoutMs`. */
/** What deliveries tell: a log line each, and with a registry the alert counters (a long-running process makes one and passes it to every deliverPending). */
export function alertObserver(settings: AlertSettings, registry?: Registry, outbox?: AlertOutbox) {
  const sinks = createSinks(settings);
  return deliveryObserver({ logger: logger(), sinkTypes: new Map([...sinks].map(([name, sink]) => [name, sink.type])), ...(registry ? { registry } : {}), ...(outbox ? { outbox } : {}) });
}

export async function deliverPending(store: AlertOutbox, settings: AlertSettings, io: CommandIO, timeoutMs: number, observer = alertObserver(settings)): Promise<DispatchResult> {
  const sinks = createSinks(settings);
  // A claim outlives any send (each is bounded by its sink's timeout): past it, a process that died mid-send is retried.
  const leaseMs = 3 * Math.max(1_000, ...Object.values(settings.sinks).map((sink) => sink.timeoutMs));
  return drainOutbox({ outbox: store, sinks, backoff: settings.backoff, observer, leaseMs, now: () => io.now(), deadline: new Date(io.now().getTime() + timeoutMs), sleep: (ms) => sleep(ms) });
}

export function describeRecorded(recorded: RecordedAlerts): string {
  return `${recorded.new} new, ${recorded.renotified} re-notified, ${recorded.resolved} resolved, ${recorded.unchanged} already told${recorded.refused > 0 ? `, ${recorded.refused} refused (outbox full; tried again next run)` : ''}`;
}

export function describeDelivered(result: DispatchResult): string {
  return `${result.sent} delivered${result.dead > 0 ? `, ${result.dead} given up` : ''}${result.retrying > 0 ? `, ${result.retrying} pending (retried by the next run)` : ''}`;
}
