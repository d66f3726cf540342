import type { AlertOutbox } from '../../core/ports/alerts.js';
import type { DecisionStore } from '../../core/ports/decisions.js';
import type { FindingHistory, FindingStore } from '../../core/ports/findings.js';
import { isPostgresUrl, redactLocation } from './postgres/url.js';

/**
 * The one place a store location is turned into an adapter: a postgres:// or postgresql:// URL
 * selects PostgreSQL (migrated on open), anything else is a SQLite file. Each driver is loaded
 * only when chosen, so a command that stores nothing, or stores in SQLite, never loads `pg`.
 * Errors name the location with its password masked.
 */
export { isPostgresUrl, redactLocation };

export type OpenFindingStore = FindingStore & FindingHistory & { close(): void | Promise<void> };

export interface DeliveryRecord {
  sink: string;
  status: string;
  attempts: number;
  lastError?: string;
}

export type OpenAlertOutbox = AlertOutbox & { history(key?: string): DeliveryRecord[] | Promise<DeliveryRecord[]> };

export interface AlertOutboxOptions {
  maxPending?: number;
  keepDone?: number;
}

export async function openFindingStore(location: string): Promise<OpenFindingStore> {
  try {
    if (isPostgresUrl(location)) return await (await import('./postgres/finding-store.js')).PostgresFindingStore.open(location);
    return (await import('./finding-store.js')).SqliteFindingStore.open(location);
  } catch (error) {
    throw storeError(location, error);
  }
}

export async function openAlertOutbox(location: string, options: AlertOutboxOptions = {}): Promise<OpenAlertOutbox> {
  try {
    if (isPostgresUrl(location)) return await (await import('./postgres/alert-store.js')).PostgresAlertStore.open(location, options);
    return (await import('./alert-store.js')).SqliteAlertStore.open(location, options);
  } catch (error) {
    throw storeError(location, error);
  }
}

export interface DecisionStoreOptions {
  maxRecords?: number;
  maxAgeMs?: number;
  flushMs?: number;
  onError?: (error: Error, records: number) => void;
}

export async function openDecisionStore(location: string, options: DecisionStoreOptions = {}): Promise<DecisionStore> {
  try {
    if (isPostgresUrl(location)) return await (await import('./postgres/decision-store.js')).PostgresDecisionStore.open(location, options);
    return (await import('./decision-store.js')).SqliteDecisionStore.open(location, options);
  } catch (error) {
    throw storeError(location, error);
  }
}

/** An error that names the location (password masked) once. */
function storeError(location: string, error: unknown): Error {
  const shown = redactLocation(location);
  const message = (error as Error).message ?? String(error);
  return new Error(message.startsWith(shown) || message.startsWith(location) ? message : `${shown}: ${message}`, { cause: error });
}
