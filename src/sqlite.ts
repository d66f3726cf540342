/**
 * palisade/sqlite: the SQLite adapters of the ports (one file each, better-sqlite3): the
 * image results store, the vulnerability database (with its importers), the finding store and
 * the admission decision store.
 */
export { ImageStore, type StoredScan } from './adapters/store/image-store.js';
export { SqliteFindingStore } from './adapters/store/finding-store.js';
export { SqliteDecisionStore, type SqliteDecisionStoreOptions } from './adapters/store/decision-store.js';
export { defaultImageStorePath, cacheDirectory } from './adapters/store/paths.js';
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
