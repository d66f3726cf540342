/**
 * The admission webhook's HTTPS server. It translates HTTP only: a POST /validate body becomes
 * the argument of the admission use case (app/admission.ts), its answer becomes the response.
 * Around it: TLS 1.2+ with certificates reloaded when their files change, a body size limit,
 * a content-type check, a per-request deadline (below the webhook's timeout), a concurrency
 * limit, /healthz, /readyz, /metrics (prom-client), one JSON log line per decision (pino), and a
 * graceful shutdown that finishes the reviews in flight.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { admit, deadlineAnswer, type AdmissionAnswer, type AdmissionController } from '../../app/admission.js';
import type { PreparedImages } from '../../app/admission-images.js';
import { decisionRecord } from '../../app/decisions.js';
import type { ImageResults } from '../../core/images/results.js';
import { inventoryWithImages, type Inventory } from '../../core/inventory/inventory.js';
import type { DecisionStore } from '../../core/ports/decisions.js';
import { HttpError, readBody, send } from '../http/body.js';
import { answerProbe, type ProbeState } from '../http/probes.js';

export interface InventoryState {
  kind: string;
  objects: number;
  lastHeard: number;
}

export interface AdmissionServerOptions {
  controller: AdmissionController;
  inventory: Inventory;
  /** Ready once the informers have synced. */
  ready: () => boolean;
  /** Per kind, for the metrics. */
  inventoryState?: () => readonly InventoryState[];
  certFile: string;
  keyFile: string;
  port: number;
  host?: string;
  /** A review not answered in this time gets the deadline answer (default 8000: under the webhook's 10 s timeout). */
  deadlineMs?: number;
  /** Bodies over this size are refused with 413 (default 8 MiB: an object and its old version, each up to 1.5 MiB in etcd, as JSON). */
  maxBodyBytes?: number;
  /** Reviews judged at once; the rest wait, within their deadline (default 64). */
  maxInFlight?: number;
  /** How often certificate files are checked for changes (default 2000 ms). */
  certPollMs?: number;
  logger: Logger;
  registry?: Registry;
  now?: () => Date;
  /**
   * On close, how long /readyz answers 503 while reviews are still accepted, before the server
   * stops listening: time for the Service's endpoints to drop this replica, so the API server
   * sends no review to a closed port (default 0).
   */
  shutdownDelayMs?: number;
  /** Tests only: a delay before each review is judged (to exercise the deadline and the shutdown). */
  injectDelayMs?: number;
  /**
   * The image checks' results (the image gates): `load` reads them through the image store port
   * before the server listens and every `refreshMs` after (default 30,000), never during a
   * review, so a review's answer never waits on the store; `apply` gives them to the inventory
   * (IncrementalInventory.setImages). A failed refresh keeps the previous results and is logged.
   */
  images?: { load: () => Promise<ImageResults>; apply: (results: ImageResults) => void; refreshMs?: number };
  /**
   * The image gates' preparation of each review (app/admission-images.ts: tags resolved to
   * digests, unknown digests queued for a scan), given the inventory's image results and what
   * is left of the deadline; the review is judged against the results it returns.
   */
  prepareImages?: (body: unknown, base: ImageResults | undefined, budgetMs: number) => Promise<PreparedImages>;
  /** Every decision is recorded here too (the DecisionStore port); a review never waits on it. */
  decisionStore?: DecisionStore;
  /**
   * The signature gate's preparation of each review (its verdict cache verifies the images the
   * review names), given what is left of the deadline, alongside prepareImages. What does not
   * finish in time is left to image-signature-unverified to report as not evaluated.
   */
  prepareSignatures?: (body: unknown, budgetMs: number) => Promise<void>;
}

export interface AdmissionServer {
  port: number;
  registry: Registry;
  /**
   * Turns /readyz unready, keeps accepting for shutdownDelayMs, stops accepting, finishes the
   * reviews in flight (their answers written, up to graceMs), then closes every connection.
   */
  close(graceMs?: number): Promise<void>;
  /** Re-reads the certificate files now (also done when they change). */
  reloadCertificates(): boolean;
  /** Reloads the image results now (also done every images.refreshMs); false when there is no image store or the load failed. */
  refreshImages(): Promise<boolean>;
}


export async function startAdmissionServer(options: AdmissionServerOptions): Promise<AdmissionServer> {
  const { controller, inventory, logger } = options;
  const deadlineMs = options.deadlineMs ?? 8000;
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const maxInFlight = options.maxInFlight ?? 64;
  const now = options.now ?? (() => new Date());
  const registry = options.registry ?? new Registry();

  const decisions = new Counter({ name: 'palisade_admission_decisions_total', help: 'Admission decisions by verdict (allowed, warned, denied, exempt, error) and operation.', labelNames: ['verdict', 'operation'], registers: [registry] });
  const checkOutcomes = new Counter({ name: 'palisade_admission_check_outcomes_total', help: 'Violations met at admission by check and outcome (deny, warn, audit, preexisting, suppressed).', labelNames: ['check', 'outcome'], registers: [registry] });
  const latency = new Histogram({ name: 'palisade_admission_review_duration_seconds', help: 'Time from receiving a review to answering it.', labelNames: ['verdict'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5, 10], registers: [registry] });
  const inFlightGauge = new Gauge({ name: 'palisade_admission_in_flight', help: 'Reviews being judged or waiting.', registers: [registry] });
  new Gauge({
    name: 'palisade_admission_inventory_objects',
    help: 'Objects in the live inventory, by kind.',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const state of options.inventoryState?.() ?? []) this.set({ kind: state.kind }, state.objects);
    },
  });
  new Gauge({
    name: 'palisade_admission_inventory_lag_seconds',
    help: "Seconds since each kind's watch last heard from the API server (an event or a bookmark).",
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      const at = now().getTime();
      for (const state of options.inventoryState?.() ?? []) if (state.lastHeard > 0) this.set({ kind: state.kind }, Math.max(0, (at - state.lastHeard) / 1000));
    },
  });

  const imageRefreshes = new Counter({ name: 'palisade_admission_image_refreshes_total', help: 'Reloads of the image results from the image store, by result (ok, failed).', labelNames: ['result'], registers: [registry] });
  let imagesLoadedAt = 0;
  new Gauge({
    name: 'palisade_admission_image_results_age_seconds',
    help: 'Seconds since the image results were last loaded from the image store (absent without a store).',
    registers: [registry],
    collect() {
      this.reset();
      if (imagesLoadedAt > 0) this.set(Math.max(0, (now().getTime() - imagesLoadedAt) / 1000));
    },
  });
  let imagesLoading: Promise<boolean> | undefined;
  const refreshImages = (): Promise<boolean> => {
    const images = options.images;
    if (!images) return Promise.resolve(false);
    // One load at a time: a slow store is not asked again before it answers.
    imagesLoading ??= images
      .load()
      .then(
        (results) => {
          images.apply(results);
          imagesLoadedAt = now().getTime();
          imageRefreshes.inc({ result: 'ok' });
          return true;
        },
        (error: Error) => {
          imageRefreshes.inc({ result: 'failed' });
          logger.warn({ event: 'image-results-refresh-failed', error: error.message }, 'image results not reloaded; the previous ones stay in use');
          return false;
        },
      )
      .finally(() => (imagesLoading = undefined));
    return imagesLoading;
  };
  let imageTimer: NodeJS.Timeout | undefined;
  if (options.images) {
    // Before listening, and fatal when it fails: the first review already sees the store's results.
    options.images.apply(await options.images.load());
    imagesLoadedAt = now().getTime();
    imageRefreshes.inc({ result: 'ok' });
    imageTimer = setInterval(() => void refreshImages(), options.images.refreshMs ?? 30_000).unref();
  }

  let cert = readFileSync(options.certFile);
  let key = readFileSync(options.keyFile);
  const server: Server = createServer({ cert, key, minVersion: 'TLSv1.2' });
  const reloadCertificates = (): boolean => {
    try {
      const nextCert = readFileSync(options.certFile);
      const nextKey = readFileSync(options.keyFile);
      if (nextCert.equals(cert) && nextKey.equals(key)) return false;
      // Throws on a mismatched or half-written pair: the old certificate stays in use.
      server.setSecureContext({ cert: nextCert, key: nextKey, minVersion: 'TLSv1.2' });
      cert = nextCert;
      key = nextKey;
      logger.info({ event: 'certificates-reloaded', certFile: options.certFile }, 'serving certificate reloaded');
      return true;
    } catch (error) {
      logger.error({ event: 'certificates-reload-failed', certFile: options.certFile, error: (error as Error).message }, 'serving certificate not reloaded; the previous one stays in use');
      return false;
    }
  };
  const poll = options.certPollMs ?? 2000;
  const onChange = () => void reloadCertificates();
  watchFile(options.certFile, { interval: poll, persistent: false }, onChange);
  watchFile(options.keyFile, { interval: poll, persistent: false }, onChange);

  let inFlight = 0;
  let running = 0;
  const waiting: (() => void)[] = [];
  let closing = false;
  let stopping: Promise<void> | undefined;
  let drained: (() => void) | undefined;
  const acquire = (): Promise<void> =>
    running < maxInFlight
      ? (running++, Promise.resolve())
      : new Promise<void>((resolve) => waiting.push(() => (running++, resolve())));
  const release = () => {
    running--;
    waiting.shift()?.();
  };

  // Each labelled series bound once (a few hundred at most: verdicts, operations, check ids and
  // outcomes): prom-client validates and hashes a label object on every update otherwise.
  const counters = new Map<string, { inc(): void }>();
  const count = (key: string, bind: () => { inc(): void }) => {
    let child = counters.get(key);
    if (!child) counters.set(key, (child = bind()));
    child.inc();
  };
  const histograms = new Map<string, { observe(value: number): void }>();
  const record = (answer: AdmissionAnswer, started: bigint, images?: PreparedImages['notes']) => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { decision } = answer;
    const operation = decision.operation ?? 'unknown';
    count(`decision\0${decision.verdict}\0${operation}`, () => decisions.labels({ verdict: decision.verdict, operation }));
    for (const check of decision.checks) count(`check\0${check.checkId}\0${check.outcome}`, () => checkOutcomes.labels({ check: check.checkId, outcome: check.outcome }));
    let observed = histograms.get(decision.verdict);
    if (!observed) histograms.set(decision.verdict, (observed = latency.labels({ verdict: decision.verdict })));
    observed.observe(seconds);
    // Who, what, which checks, the verdict and the latency; never object content.
    logger.info(
      {
        event: 'admission-decision',
        uid: decision.uid,
        verdict: decision.verdict,
        operation: decision.operation,
        kind: decision.kind,
        subResource: decision.subResource,
        namespace: decision.namespace,
        name: decision.name,
        user: decision.user,
        groups: decision.groups,
        dryRun: decision.dryRun,
        owner: decision.owner,
        exemption: decision.exemption,
        mode: decision.namespaceMode,
        checks: decision.checks.map((check) => `${check.checkId}:${check.outcome}`),
        ...(images && images.length > 0 ? { images: images.map((note) => `${note.image}${note.digest ? `@${note.digest.slice(0, 19)}` : ''}:${note.resolution}:${note.scan}`) } : {}),
        error: decision.error,
        latencyMs: Math.round(seconds * 1e6) / 1e3,
      },
      'admission decision',
    );
    options.decisionStore?.record(decisionRecord(decision, { at: now(), latencyMs: Math.round(seconds * 1e6) / 1e3, ...(images ? { images } : {}) })).catch((error: Error) => logger.warn({ event: 'decision-record-failed', error: error.message }, 'decision not recorded'));
  };

  const validate = async (req: IncomingMessage, res: ServerResponse, started: bigint) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return send(res, 405, { error: `${req.method} not allowed: POST an AdmissionReview` });
    }
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      req.resume();
      return send(res, 415, { error: `content type ${JSON.stringify(type)} is not served: application/json` });
    }
    let body: unknown;
    let notes: PreparedImages['notes'] | undefined;
    let finished = false;
    // Cleared as soon as the review is answered: at thousands of reviews a second, timers left
    // to run out their deadline pile up by the ten thousand and stall the event loop.
    let deadlineTimer: NodeJS.Timeout | undefined;
    const timer = new Promise<'deadline'>((resolve) => {
      deadlineTimer = setTimeout(() => resolve('deadline'), deadlineMs).unref();
    });
    const work = (async (): Promise<AdmissionAnswer> => {
      const bytes = await readBody(req, maxBodyBytes);
      try {
        body = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        // Position only: V8's message quotes the text around the error, which may be a Secret's value.
        const position = /position (\d+)/.exec((error as Error).message)?.[1];
        throw new HttpError(400, `the body is not JSON${position !== undefined ? ` (at character ${position})` : ''}`);
      }
      // Signatures are verified while tags are resolved, with the same share of the deadline.
      const signatures = options.prepareSignatures
        ?.(body, Math.max(0, deadlineMs - Number(process.hrtime.bigint() - started) / 1e6 - Math.min(1000, deadlineMs / 4)))
        .catch((error: Error) => logger.error({ event: 'signature-gate-failed', error: error.message }, 'signature gate failed; images without a verdict are not evaluated'));
      let judged = inventory;
      if (options.prepareImages) {
        // Tags are resolved within the deadline, leaving time to judge and answer.
        const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
        const prepared = await options.prepareImages(body, inventory.images, deadlineMs - elapsed - Math.min(1000, deadlineMs / 4)).catch((error: Error) => {
          // A bug, not a registry failure (those are answers): judged on the stored results, and said.
          logger.error({ event: 'image-gate-failed', error: error.message }, 'image gate failed; judged on the stored image results');
          return undefined;
        });
        if (prepared) {
          notes = prepared.notes;
          judged = inventoryWithImages(inventory, prepared.images);
        }
      }
      await signatures;
      await acquire();
      try {
        if (options.injectDelayMs) await new Promise((resolve) => setTimeout(resolve, options.injectDelayMs));
        if (finished) throw new Error('late');
        return admit(body, judged, controller, now());
      } finally {
        release();
      }
    })();
    let answer: AdmissionAnswer;
    try {
      const winner = await Promise.race([work, timer]);
      clearTimeout(deadlineTimer);
      finished = true;
      if (winner === 'deadline') {
        work.catch(() => undefined);
        answer = body === undefined ? { httpStatus: 400, body: { error: `the body did not arrive within ${deadlineMs} ms` }, decision: { verdict: 'error', checks: [], error: 'deadline reading the body' } } : deadlineAnswer(body, inventory, controller, deadlineMs);
      } else answer = winner;
    } catch (error) {
      clearTimeout(deadlineTimer);
      finished = true;
      const status = error instanceof HttpError ? error.status : 500;
      answer = { httpStatus: 400, body: { error: (error as Error).message }, decision: { verdict: 'error', checks: [], error: (error as Error).message } };
      send(res, status, answer.body);
      record(answer, started);
      return;
    }
    send(res, answer.httpStatus, answer.body);
    record(answer, started, notes);
  };

  const probes: ProbeState = { registry, ready: () => options.ready() || 'informers not synced', closing: () => closing };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    // While shutting down, each answer closes its connection: the client reconnects elsewhere.
    if (closing) res.setHeader('connection', 'close');
    const url = (req.url ?? '/').split('?')[0];
    if (answerProbe(url!, res, probes)) return;
    if (url !== '/validate') return send(res, 404, { error: `no such path ${url}: POST /validate` });
    inFlight++;
    inFlightGauge.set(inFlight);
    validate(req, res, started)
      .catch((error: Error) => {
        logger.error({ event: 'admission-error', error: error.message }, 'review failed');
        if (!res.headersSent) send(res, 500, { error: error.message });
      })
      .finally(() => {
        // In flight until the answer is written out (or the connection is gone), so a shutdown
        // never cuts an answer short.
        const done = () => {
          inFlight--;
          inFlightGauge.set(inFlight);
          if (closing && inFlight === 0) drained?.();
        };
        if (res.writableFinished || res.destroyed) done();
        else res.once('close', done);
      });
  });
  // A slow or idle client cannot hold a connection for ever.
  server.headersTimeout = 10_000;
  server.requestTimeout = deadlineMs + 5000;
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ event: 'listening', port, host: options.host ?? '0.0.0.0', deadlineMs, maxInFlight, maxBodyBytes }, 'admission webhook listening');

  async function stop(graceMs: number): Promise<void> {
    closing = true;
    logger.info({ event: 'shutting-down', inFlight, shutdownDelayMs: options.shutdownDelayMs ?? 0 }, 'unready; finishing the reviews in flight');
    clearInterval(imageTimer);
    unwatchFile(options.certFile, onChange);
    unwatchFile(options.keyFile, onChange);
    // Unready first, still serving: the endpoints drop this replica before the port closes.
    if (options.shutdownDelayMs) await new Promise((resolve) => setTimeout(resolve, options.shutdownDelayMs));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (inFlight > 0) {
      let graceTimer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((resolve) => (drained = resolve)), new Promise((resolve) => (graceTimer = setTimeout(resolve, graceMs)))]);
      clearTimeout(graceTimer);
    }
    if (inFlight > 0) logger.warn({ event: 'shutdown-cut', inFlight, graceMs }, 'reviews still in flight after the grace period; connections closed');
    server.closeAllConnections();
    await closed;
    await options.decisionStore?.flush().catch(() => undefined);
    logger.info({ event: 'stopped' }, 'admission webhook stopped');
  }

  return {
    port,
    registry,
    reloadCertificates,
    refreshImages,
    close(graceMs = deadlineMs + 1000) {
      stopping ??= stop(graceMs);
      return stopping;
    },
  };
}
