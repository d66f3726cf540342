/**
 * The ports of the use cases: async interfaces for stores and databases. They are defined in
 * the core (src/core/ports/) so that adapters depend on the core only; re-exported here for
 * whoever wires the application (the CLI, a server, tests).
 */
export type { DataFreshness, ImageResultsStore, StoredImageScan, VulnerabilityDatabase, FindingQuery, FindingStore, FindingRecord, SavedRun, ScanRun, StoredFinding, FindingHistory, FindingEvent, FindingEventKind, FindingCause, DecisionCheck, DecisionImage, DecisionQuery, DecisionRecord, DecisionStore } from '../core/ports/index.js';
