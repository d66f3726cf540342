import type { Finding } from '../model/finding.js';
import type { Severity } from '../model/severity.js';

/**
 * The port of finding storage, for the watcher and the server: every scan run of a scope
 * (a cluster, a repository) is saved, and the latest findings of each scope can be listed,
 * with when each was first and last seen. Findings are identified by a key computed once
 * (check, object, path), never by position, so a finding that moves in its file is the same
 * finding. SQLite implements it (adapters/store/finding-store.ts), and PostgreSQL
 * (adapters/store/postgres/finding-store.ts); adapters/store/open.ts picks one by location.
 */

export interface FindingRecord {
  /** The finding's identity across runs. */
  key: string;
  finding: Finding;
}

export interface ScanRun {
  /** What was scanned: `cluster:prod`, a repository, a directory. Runs of one scope replace each other. */
  scope: string;
  /** When the run started (ISO 8601); the clock is the caller's. */
  at: string;
  findings: readonly FindingRecord[];
}

export interface SavedRun {
  /** The store's id of the run. */
  run: string;
  /** Keys not in the previous run of the scope. */
  added: string[];
  /** Keys of the previous run that this run no longer reports. */
  resolved: string[];
  /** Keys in both runs. */
  unchanged: number;
}

export interface StoredFinding extends FindingRecord {
  scope: string;
  /** The run that last reported it. */
  run: string;
  /** When it was first reported by an unbroken series of runs of its scope, and last reported. */
  firstSeen: string;
  lastSeen: string;
}

export interface FindingQuery {
  /** Only this scope (default: every scope). */
  scope?: string;
  /** Only findings at or above this severity. */
  minSeverity?: Severity;
  /** Only these checks. */
  checkIds?: readonly string[];
}

export interface FindingStore {
  /** Saves a run: its findings become the latest of its scope, and those it no longer reports are resolved. */
  saveRun(run: ScanRun): Promise<SavedRun>;
  /** The latest findings (those the last run of each scope reported), sorted by scope and key. */
  latest(query?: FindingQuery): Promise<StoredFinding[]>;
}

/** What a watcher saw happen to a finding. */
export type FindingEventKind = 'opened' | 'still-open' | 'resolved' | 'reopened';

/** The change of an object that opened or resolved a finding (absent for the initial sync). */
export interface FindingCause {
  type: 'added' | 'modified' | 'deleted';
  kind: string;
  namespace?: string;
  name: string;
  /** The field manager of the object's newest managed-fields entry, when the API server reported one. */
  manager?: string;
}

export interface FindingEvent {
  event: FindingEventKind;
  key: string;
  finding: Finding;
  /** When it happened (ISO 8601); the clock is the caller's. */
  at: string;
  /** When the finding was first seen in its current open period (for 'resolved': the period that ended). */
  firstSeen: string;
  cause?: FindingCause;
}

/** The lifecycle of findings, kept current change by change (palisade watch). */
export interface FindingHistory {
  /**
   * Records events of one scope: opened, reopened and still-open findings become (or stay) its
   * latest with their first-seen and last-seen times; resolved ones leave it. Every event but
   * still-open is appended to the scope's history.
   */
  recordEvents(scope: string, events: readonly FindingEvent[]): Promise<void>;
  /** Keys of the scope that were ever resolved (a finding that comes back is reopened). */
  resolvedKeys(scope: string): Promise<string[]>;
  /** The scope's history, oldest first. */
  history(scope: string, key?: string): Promise<FindingEvent[]>;
}
