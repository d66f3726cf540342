/** The async ports the use cases talk to; adapters (SQLite today, PostgreSQL later) implement them. */
export type { DataFreshness, ImageResultsStore, StoredImageScan, VulnerabilityDatabase } from './images.js';
export type { FindingQuery, FindingStore, FindingRecord, SavedRun, ScanRun, StoredFinding, FindingHistory, FindingEvent, FindingEventKind, FindingCause } from './findings.js';
export type { DecisionCheck, DecisionImage, DecisionQuery, DecisionRecord, DecisionStore } from './decisions.js';
export type { AlertOutbox, Delivery, DeliveryRecipients, NewDelivery, OutboxChange, OutboxCounts, RecordResult } from './alerts.js';
