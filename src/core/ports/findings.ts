import type { Finding } from '../model/finding.js';
import type { Severity } from '../model/severity.js';

/**
 * The port of finding storage, for the watcher and the server: every scan run of a scope
 * (a cluster, a repository) is saved, and the latest findings of each scope can be listed,
 * with when each was first and last seen. Findings are identified by a key computed once
 * (check, object, path), never by position, so a finding that moves in its file is the same
 * finding. SQLite implements it (adapters/store/finding-store.ts); PostgreSQL can implement
 * the same methods.
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
