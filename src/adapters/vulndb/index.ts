/** The vulnerability database adapter: open, import, look up and match. */
export { matchWithDatabase } from './match.js';
export { defaultDatabasePath, openVulnerabilityDatabase, keyString, DatabaseError, SCHEMA_VERSION, type SqliteVulnerabilityDatabase, type DatabaseStatus, type SourceStatus, type FeedState } from './database.js';
export { importFrom, importFile, importDocuments, ImportError, DEFAULT_IMPORT_LIMITS, type ImportLimits, type ImportSummary } from './import.js';
