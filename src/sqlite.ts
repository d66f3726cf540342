/**
 * palisade/sqlite: the SQLite adapters of the ports (one file each, better-sqlite3): the
 * image results store, the vulnerability database (with its importers), the finding store,
 * the admission decision store and the alert outbox.
 */
export { ImageStore, type StoredScan } from './adapters/store/image-store.js';
export { SqliteFindingStore } from './adapters/store/finding-store.js';
export { SqliteDecisionStore, type SqliteDecisionStoreOptions } from './adapters/store/decision-store.js';
export { SqliteAlertStore, type SqliteAlertStoreOptions } from './adapters/store/alert-store.js';
export { defaultImageStorePath, defaultAlertStorePath, cacheDirectory } from './adapters/store/paths.js';
export {
  openVulnerabilityDatabase,
  defaultDatabasePath,
  importFrom,
  matchWithDatabase,
  keyString,
  DatabaseError,
  ImportError,
  DEFAULT_IMPORT_LIMITS,
  type SqliteVulnerabilityDatabase,
  type DatabaseStatus,
  type SourceStatus,
  type ImportSummary,
  type ImportLimits,
} from './adapters/vulndb/index.js';
