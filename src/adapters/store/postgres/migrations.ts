/**
 * The PostgreSQL schema of Palisade's stores, as numbered migrations applied in order by
 * migrate.ts. The logical schema is the SQLite stores' (finding-store.ts, alert-store.ts): the
 * same tables and columns, times as the ISO 8601 text the ports carry, findings and alerts as
 * JSON text. Keys and scopes sort bytewise (COLLATE "C"), as SQLite sorts them, so both adapters
 * list in the same order. A migration, once released, is never edited: a change is a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'findings: runs, latest findings by key, history',
    sql: `
CREATE TABLE runs (
  id BIGSERIAL PRIMARY KEY,
  scope TEXT COLLATE "C" NOT NULL,
  at TEXT NOT NULL,
  findings INTEGER NOT NULL
);
CREATE INDEX runs_by_scope ON runs (scope, id);
CREATE TABLE findings (
  scope TEXT COLLATE "C" NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  run BIGINT NOT NULL REFERENCES runs(id),
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  check_id TEXT NOT NULL,
  severity INTEGER NOT NULL,
  finding TEXT NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX findings_by_check ON findings (check_id);
CREATE TABLE history (
  id BIGSERIAL PRIMARY KEY,
  scope TEXT COLLATE "C" NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  event TEXT NOT NULL,
  at TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  finding TEXT NOT NULL,
  cause TEXT
);
CREATE INDEX history_by_key ON history (scope, key);
`,
  },
  {
    version: 2,
    name: 'alerts: dedup states and the delivery outbox',
    sql: `
CREATE TABLE alert_states (
  scope TEXT COLLATE "C" NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE TABLE deliveries (
  id BIGSERIAL PRIMARY KEY,
  key TEXT NOT NULL,
  sink TEXT NOT NULL,
  status TEXT NOT NULL,
  delivery TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  next_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL DEFAULT 0,
  last_error TEXT,
  done_at TEXT
);
CREATE INDEX deliveries_due ON deliveries (status, next_at);
CREATE INDEX deliveries_by_key ON deliveries (key, sink, status);
`,
  },
  {
    version: 3,
    name: 'decisions: admission decision records',
    sql: `
CREATE TABLE decisions (
  id BIGSERIAL PRIMARY KEY,
  at TEXT NOT NULL,
  uid TEXT,
  verdict TEXT NOT NULL,
  operation TEXT,
  kind TEXT,
  namespace TEXT,
  name TEXT,
  "user" TEXT,
  latency_ms DOUBLE PRECISION NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX decisions_by_time ON decisions (at);
CREATE INDEX decisions_by_namespace ON decisions (namespace, at);
CREATE INDEX decisions_by_uid ON decisions (uid);
`,
  },
];
