/**
 * The port of admission decision records: every review the webhook answers is recorded (who,
 * what, which checks, the verdict, the latency), for audits and the dashboard. Records hold
 * names and ids only, never object content (so never a Secret's value). `record` only accepts a
 * record (an adapter buffers and writes in batches: a review never waits on disk); `flush`
 * resolves once every record accepted before it is stored. SQLite implements it
 * (adapters/store/decision-store.ts), and PostgreSQL (adapters/store/postgres/decision-store.ts,
 * a batched multi-row INSERT per flush).
 */

export interface DecisionCheck {
  checkId: string;
  /** deny, warn, audit, preexisting (an UPDATE did not change it), suppressed (an exception) */
  outcome: string;
  severity: string;
  /** Where in the object (a path, never a value). */
  path: string;
  container?: string;
}

export interface DecisionImage {
  image: string;
  digest?: string;
  resolution: string;
  scan: string;
  reason?: string;
}

export interface DecisionRecord {
  /** When the review was answered (ISO 8601; the caller's clock). */
  at: string;
  /** The AdmissionReview request uid (absent for a body that was no review). */
  uid?: string;
  /** allowed, warned, denied, exempt, error */
  verdict: string;
  operation?: string;
  kind?: string;
  subResource?: string;
  namespace?: string;
  name?: string;
  user?: string;
  groups?: string[];
  dryRun?: boolean;
  /** The namespace's mode (enforce, warn, audit). */
  mode?: string;
  /** Every check that reported, with its outcome. */
  checks: DecisionCheck[];
  /** The exemption that admitted the request unjudged (`user ci-bot`). */
  exemption?: string;
  owner?: string;
  /** What the image gates did (tags resolved, digests queued). */
  images?: DecisionImage[];
  error?: string;
  latencyMs: number;
}

export interface DecisionQuery {
  /** At or after (ISO 8601). */
  since?: string;
  verdict?: string;
  namespace?: string;
  uid?: string;
  /** Newest first, at most this many (default 1000). */
  limit?: number;
}

export interface DecisionStore {
  /** Accepts a record (buffered); resolves at once. Records over the adapter's buffer are dropped and counted, never waited for. */
  record(decision: DecisionRecord): Promise<void>;
  /** Resolves once every record accepted so far is stored. */
  flush(): Promise<void>;
  /** Records, newest first. */
  list(query?: DecisionQuery): Promise<DecisionRecord[]>;
  /** Flushes and closes. */
  close(): Promise<void>;
}
