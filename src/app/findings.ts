/**
 * Saving what a scan found, for the watcher and the server: each run of a scope replaces the
 * previous one in a FindingStore, and says what is new and what was resolved.
 */
import type { Finding } from '../core/model/finding.js';
import { findingKey as canonicalKey, findingKeyString } from '../core/model/finding-key.js';
import type { FindingStore, SavedRun } from '../core/ports/findings.js';

/** A finding's identity across runs, from the core's canonical key (never the line or the message). */
export function findingKey(finding: Finding): string {
  return findingKeyString(canonicalKey(finding));
}

/** Saves a scan's findings as the latest run of `scope` (a cluster, a repository). */
export function recordScan(store: FindingStore, scope: string, at: Date, findings: readonly Finding[], keyOf: (finding: Finding) => string = findingKey): Promise<SavedRun> {
  return store.saveRun({ scope, at: at.toISOString(), findings: findings.map((finding) => ({ key: keyOf(finding), finding })) });
}
