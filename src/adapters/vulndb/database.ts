/**
 * The local vulnerability database: SQLite through better-sqlite3. One row per
 * (advisory, affected package), indexed by (ecosystem, normalised name), plus the sources
 * imported and when. An OSV record replaces its earlier version, a secdb file replaces its
 * release's secdb data, a tracker file replaces all Debian tracker data.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AdvisoryFeed, PackageAdvisory } from '../../core/images/advisory.js';
import { matchPackages, packageKey, type PackageKey } from '../../core/images/match.js';
import type { DataFreshness, VulnerabilityDatabase } from '../../core/ports/images.js';
import { canonicalEcosystem, normalizePackageName } from '../../core/images/names.js';

export const SCHEMA_VERSION = '1';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
  id INTEGER PRIMARY KEY,
  location TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  records INTEGER NOT NULL,
  newest_data TEXT
);
CREATE TABLE IF NOT EXISTS affected (
  feed TEXT NOT NULL,
  id TEXT NOT NULL,
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  source INTEGER NOT NULL REFERENCES sources(id),
  advisory TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS affected_by_package ON affected (ecosystem, name);
CREATE INDEX IF NOT EXISTS affected_by_id ON affected (feed, id);
CREATE INDEX IF NOT EXISTS affected_by_source ON affected (source);
CREATE TABLE IF NOT EXISTS feed_state (
  name TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  etag TEXT,
  last_modified TEXT,
  newest_modified TEXT,
  checked_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS aliases (alias TEXT NOT NULL, feed TEXT NOT NULL, id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS aliases_by_alias ON aliases (alias);
CREATE INDEX IF NOT EXISTS aliases_by_id ON aliases (feed, id);
`;

/**
 * What `palisade db update` remembers of a default source between runs: the validators of the
 * last download (ETag, Last-Modified) for conditional requests, and for OSV the newest
 * `modified` time imported, from which the next update fetches only newer records.
 */
export interface FeedState {
  name: string;
  url: string;
  etag?: string;
  lastModified?: string;
  newestModified?: string;
  checkedAt: string;
}

export { defaultDatabasePath } from './paths.js';

export interface SourceStatus {
  location: string;
  format: string;
  importedAt: string;
  records: number;
  newestData?: string;
}

export interface DatabaseStatus {
  path: string;
  schemaVersion: string;
  sources: SourceStatus[];
  /** Distinct advisories and affected-package rows per ecosystem. */
  ecosystems: { ecosystem: string; advisories: number; packages: number }[];
  advisories: number;
  /** The last import, and the newest advisory date of all sources. */
  updatedAt?: string;
  newestData?: string;
  /** The default sources `db update` keeps up to date: when each was last checked, validators, newest OSV time. */
  feeds?: FeedState[];
}

export interface ImportBatch {
  location: string;
  format: string;
  records: number;
  newest?: string;
  advisories: PackageAdvisory[];
  /** What the batch replaces: every row of these OSV ids, of this ecosystem's secdb, or of a feed. */
  replaces: { osvIds?: string[]; ecosystemOfFeed?: { feed: AdvisoryFeed; ecosystem: string }; feed?: AdvisoryFeed };
  /**
   * 'replace' (default): the source's earlier rows go. 'merge': they stay, and only the rows of
   * `replaces` are replaced (an incremental OSV update adds the records modified since).
   */
  mode?: 'replace' | 'merge';
}

type StoredAdvisory = Omit<PackageAdvisory, 'feed' | 'id' | 'ecosystem'>;

/**
 * The SQLite adapter of the VulnerabilityDatabase port (freshness, match), with what `palisade
 * db` needs besides: imports, lookups by key, status. better-sqlite3 is synchronous; the port's
 * methods are async so that a networked database can implement them too.
 */
export interface SqliteVulnerabilityDatabase extends VulnerabilityDatabase {
  readonly path: string;
  /** Stores one import in one transaction; `importedAt` is the clock's time, from the caller. */
  store(batch: ImportBatch, importedAt: Date): void;
  /** The advisories for each key, in one pass (a warm lookup for a whole image). */
  advisoriesFor(keys: readonly PackageKey[]): Map<string, PackageAdvisory[]>;
  status(): DatabaseStatus;
  /** When the data was last imported and its newest advisory date: cheap, for every scan (status() counts everything). */
  freshness(): Promise<DataFreshness>;
  feedState(name: string): FeedState | undefined;
  setFeedState(state: FeedState): void;
  feedStates(): FeedState[];
  close(): void;
}

interface FeedRow {
  name: string;
  url: string;
  etag: string | null;
  last_modified: string | null;
  newest_modified: string | null;
  checked_at: string;
}

function feedStateOf(row: FeedRow): FeedState {
  return { name: row.name, url: row.url, ...(row.etag ? { etag: row.etag } : {}), ...(row.last_modified ? { lastModified: row.last_modified } : {}), ...(row.newest_modified ? { newestModified: row.newest_modified } : {}), checkedAt: row.checked_at };
}

export function keyString(key: PackageKey): string {
  return `${key.ecosystem}\u0000${key.name}`;
}

export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

export function openVulnerabilityDatabase(file: string, options: { readonly?: boolean } = {}): SqliteVulnerabilityDatabase {
  if (!options.readonly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw new DatabaseError(options.readonly ? `no vulnerability database at ${file} (run: palisade db update): ${(error as Error).message}` : `cannot open ${file}: ${(error as Error).message}`);
  }
  let schemaVersion: string;
  try {
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.exec(SCHEMA);
      const version = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").get();
      if (version === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(SCHEMA_VERSION);
      // A database written before the alias index gets it from the stored records, once.
      if (db.prepare('SELECT 1 FROM aliases LIMIT 1').get() === undefined)
        db.exec("INSERT INTO aliases (alias, feed, id) SELECT DISTINCT alias.value, affected.feed, affected.id FROM affected, json_each(affected.advisory, '$.aliases') AS alias WHERE affected.feed = 'osv'");
    }
    schemaVersion = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").get()?.value ?? '';
  } catch (error) {
    db.close();
    throw new DatabaseError(`${file} is not a Palisade vulnerability database: ${(error as Error).message}`);
  }
  if (schemaVersion !== SCHEMA_VERSION) {
    db.close();
    throw new DatabaseError(`${file} has schema version ${schemaVersion || 'none'}, this palisade reads ${SCHEMA_VERSION}: delete it and run palisade db update again`);
  }
  const lookup = db.prepare<[string, string], { feed: AdvisoryFeed; id: string; ecosystem: string; advisory: string }>('SELECT feed, id, ecosystem, advisory FROM affected WHERE ecosystem = ? AND name = ?');

  const byId = db.prepare<[string, string], { feed: AdvisoryFeed; id: string; ecosystem: string; advisory: string }>('SELECT feed, id, ecosystem, advisory FROM affected WHERE feed = ? AND id = ?');
  const hasTable = (name: string): boolean => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  // A database written before the alias index has none: the lookup by id still works.
  const byAlias = hasTable('aliases') ? db.prepare<[string], { feed: AdvisoryFeed; id: string }>('SELECT DISTINCT feed, id FROM aliases WHERE alias = ?') : undefined;
  /**
   * Every row stored under these ids, in any feed (indexed by feed and id), and every OSV row
   * whose aliases name one of them (a GHSA that lists a PYSEC's CVE), indexed by alias.
   */
  const advisoriesById = (ids: readonly string[]): PackageAdvisory[] => {
    const wanted = new Map<string, { feed: AdvisoryFeed; id: string }>();
    for (const id of new Set(ids)) {
      for (const feed of ['osv', 'debian-tracker', 'alpine-secdb'] as const) wanted.set(`${feed}\u0000${id}`, { feed, id });
      for (const row of byAlias?.all(id) ?? []) wanted.set(`${row.feed}\u0000${row.id}`, row);
    }
    return [...wanted.values()].flatMap(({ feed, id }) => byId.all(feed, id).map((row) => ({ feed: row.feed, id: row.id, ecosystem: row.ecosystem, ...(JSON.parse(row.advisory) as StoredAdvisory) })));
  };

  const advisoriesFor = (keys: readonly PackageKey[]): Map<string, PackageAdvisory[]> => {
    const found = new Map<string, PackageAdvisory[]>();
    for (const key of keys) {
      const text = keyString(key);
      if (found.has(text)) continue;
      found.set(
        text,
        lookup.all(key.ecosystem, key.name).map((row) => ({ feed: row.feed, id: row.id, ecosystem: row.ecosystem, ...(JSON.parse(row.advisory) as StoredAdvisory) })),
      );
    }
    return found;
  };

  return {
    path: file,
    store(batch, importedAt) {
      const upsertSource = db.prepare(
        `INSERT INTO sources (location, format, imported_at, records, newest_data) VALUES (@location, @format, @importedAt, @records, @newest)
         ON CONFLICT(location) DO UPDATE SET format = excluded.format, imported_at = excluded.imported_at, records = excluded.records, newest_data = excluded.newest_data
         RETURNING id`,
      );
      const deleteOsvId = db.prepare("DELETE FROM affected WHERE feed = 'osv' AND id = ?");
      const deleteAliases = db.prepare("DELETE FROM aliases WHERE feed = 'osv' AND id = ?");
      const insert = db.prepare('INSERT INTO affected (feed, id, ecosystem, name, source, advisory) VALUES (?, ?, ?, ?, ?, ?)');
      const insertAlias = db.prepare('INSERT INTO aliases (alias, feed, id) VALUES (?, ?, ?)');
      const merge = batch.mode === 'merge';
      db.transaction(() => {
        const before = db.prepare<[string], { newest_data: string | null }>('SELECT newest_data FROM sources WHERE location = ?').get(batch.location);
        const newest = merge && before?.newest_data && (!batch.newest || Date.parse(before.newest_data) > Date.parse(batch.newest)) ? before.newest_data : (batch.newest ?? null);
        const { id: source } = upsertSource.get({ location: batch.location, format: batch.format, importedAt: importedAt.toISOString(), records: batch.records, newest }) as { id: number };
        // A source imported again replaces what it brought last time (unless it merges an increment).
        if (!merge) {
          db.prepare("DELETE FROM aliases WHERE feed = 'osv' AND id IN (SELECT id FROM affected WHERE source = ? AND feed = 'osv')").run(source);
          db.prepare('DELETE FROM affected WHERE source = ?').run(source);
        }
        const { replaces } = batch;
        for (const id of replaces.osvIds ?? []) {
          deleteOsvId.run(id);
          deleteAliases.run(id);
        }
        if (replaces.ecosystemOfFeed) db.prepare('DELETE FROM affected WHERE feed = ? AND ecosystem = ?').run(replaces.ecosystemOfFeed.feed, replaces.ecosystemOfFeed.ecosystem);
        if (replaces.feed) db.prepare('DELETE FROM affected WHERE feed = ?').run(replaces.feed);
        const aliased = new Set<string>();
        for (const advisory of batch.advisories) {
          const { feed, id, ecosystem, ...stored } = advisory;
          insert.run(feed, id, canonicalEcosystem(ecosystem), normalizePackageName(ecosystem, advisory.name), source, JSON.stringify(stored satisfies StoredAdvisory));
          if (feed === 'osv' && !aliased.has(id)) {
            aliased.add(id);
            for (const alias of new Set(advisory.aliases)) insertAlias.run(alias, feed, id);
          }
        }
        // A merged increment counts the records the source now holds.
        if (merge) db.prepare("UPDATE sources SET records = (SELECT COUNT(DISTINCT feed || ' ' || id) FROM affected WHERE source = ?) WHERE id = ?").run(source, source);
        // Sources whose rows were all replaced by later imports are no longer sources.
        db.prepare('DELETE FROM sources WHERE id <> ? AND NOT EXISTS (SELECT 1 FROM affected WHERE affected.source = sources.id)').run(source);
      })();
    },
    advisoriesFor,
    feedState(name) {
      if (!hasTable('feed_state')) return undefined;
      const row = db.prepare<[string], FeedRow>('SELECT * FROM feed_state WHERE name = ?').get(name);
      return row ? feedStateOf(row) : undefined;
    },
    feedStates() {
      return hasTable('feed_state') ? db.prepare<[], FeedRow>('SELECT * FROM feed_state ORDER BY name').all().map(feedStateOf) : [];
    },
    setFeedState(state) {
      db.prepare(
        `INSERT INTO feed_state (name, url, etag, last_modified, newest_modified, checked_at) VALUES (@name, @url, @etag, @lastModified, @newestModified, @checkedAt)
         ON CONFLICT(name) DO UPDATE SET url = excluded.url, etag = excluded.etag, last_modified = excluded.last_modified, newest_modified = excluded.newest_modified, checked_at = excluded.checked_at`,
      ).run({ name: state.name, url: state.url, etag: state.etag ?? null, lastModified: state.lastModified ?? null, newestModified: state.newestModified ?? null, checkedAt: state.checkedAt });
    },
    async match(packages, matchOptions = {}) {
      // One indexed lookup per distinct package key, then the pure matcher.
      const advisories = advisoriesFor(packages.map(packageKey));
      // Findings without a rating look up the records their id and aliases name (any feed, any package).
      return matchPackages(packages, (key) => advisories.get(keyString(key)) ?? [], { relatedAdvisories: advisoriesById, ...matchOptions });
    },
    async freshness() {
      const row = db.prepare<[], { updated: string | null }>('SELECT MAX(imported_at) AS updated FROM sources').get();
      const newest = db
        .prepare<[], { newest_data: string }>('SELECT newest_data FROM sources WHERE newest_data IS NOT NULL')
        .all()
        .map((item) => item.newest_data)
        .sort((a, b) => Date.parse(a) - Date.parse(b))
        .at(-1);
      return { ...(row?.updated ? { updatedAt: row.updated } : {}), ...(newest ? { newestData: newest } : {}) };
    },
    status() {
      const sources = db
        .prepare<[], { location: string; format: string; imported_at: string; records: number; newest_data: string | null }>('SELECT location, format, imported_at, records, newest_data FROM sources ORDER BY imported_at, location')
        .all()
        .map((row): SourceStatus => ({ location: row.location, format: row.format, importedAt: row.imported_at, records: row.records, ...(row.newest_data ? { newestData: row.newest_data } : {}) }));
      const ecosystems = db
        .prepare<[], { ecosystem: string; advisories: number; packages: number }>('SELECT ecosystem, COUNT(DISTINCT feed || id) AS advisories, COUNT(*) AS packages FROM affected GROUP BY ecosystem ORDER BY ecosystem')
        .all();
      const advisories = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM (SELECT DISTINCT feed, id FROM affected)').get()!.n;
      const status: DatabaseStatus = { path: file, schemaVersion, sources, ecosystems, advisories };
      const feeds = hasTable('feed_state') ? db.prepare<[], FeedRow>('SELECT * FROM feed_state ORDER BY name').all().map(feedStateOf) : [];
      if (feeds.length > 0) status.feeds = feeds;
      const updatedAt = sources.map((source) => source.importedAt).sort().at(-1);
      const newestData = sources.flatMap((source) => (source.newestData ? [source.newestData] : [])).sort((a, b) => Date.parse(a) - Date.parse(b)).at(-1);
      if (updatedAt) status.updatedAt = updatedAt;
      if (newestData) status.newestData = newestData;
      return status;
    },
    close() {
      db.close();
    },
  };
}
