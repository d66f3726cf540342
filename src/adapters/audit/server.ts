/**
 * The HTTPS receiver of audit events: the API server's webhook backend POSTs audit.k8s.io/v1
 * EventLists to /audit (--audit-webhook-config-file is a kubeconfig naming this URL, the CA of
 * its serving certificate and the client certificate the API server presents); Falco's
 * http_output POSTs its JSON alerts to /falco. Both must present a client certificate signed
 * by the client CA (mTLS), optionally with one of the allowed common names. /healthz, /readyz
 * and /metrics need none (probes and scrapers do not present one).
 *
 * HTTP only: bodies are bounded, parsed by the core parser (bounded size, depth, typed fields)
 * and handed to `receive`; the use case decides. Around it: TLS 1.2+, a body size limit, a
 * concurrency limit (429 beyond it: the API server retries with backoff), header and request
 * timeouts, prom-client metrics, pino logs that never hold an event's content, graceful close.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { DEFAULT_AUDIT_LIMITS, falcoEventFrom, parseBoundedJson, parseEventList, type AuditEvent, type AuditInputError, type AuditLimits } from '../../core/audit/event.js';
import { HttpError, readBody, send } from '../http/body.js';
import { answerProbe, type ProbeState } from '../http/probes.js';

export interface AuditServerOptions {
  certFile: string;
  keyFile: string;
  /** CA bundle that signs the clients' certificates (the API server's, Falco's) */
  clientCaFile: string;
  /** when set, the client certificate's common name must be one of these */
  clientNames?: readonly string[];
  port: number;
  host?: string;
  /** bodies over this are refused with 413 (default 16 MiB: a batch of 400 events, the API server's default batch size, with request bodies) */
  maxBodyBytes?: number;
  /** requests handled at once; beyond it 429 (default 16) */
  maxInFlight?: number;
  limits?: AuditLimits;
  /** the events of one request, in order; may throw (500) */
  receive(events: AuditEvent[], source: 'audit' | 'falco'): void | Promise<void>;
  logger: Logger;
  registry?: Registry;
}

export interface AuditServer {
  port: number;
  registry: Registry;
  close(graceMs?: number): Promise<void>;
}


export async function startAuditServer(options: AuditServerOptions): Promise<AuditServer> {
  const { logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const maxInFlight = options.maxInFlight ?? 16;
  const limits = options.limits ?? DEFAULT_AUDIT_LIMITS;
  const registry = options.registry ?? new Registry();
  const received = new Counter({ name: 'palisade_audit_events_received_total', help: 'Events received, by source (audit, falco).', labelNames: ['source'], registers: [registry] });
  const rejected = new Counter({ name: 'palisade_audit_requests_rejected_total', help: 'Requests refused, by reason (unauthenticated, too-large, not-json, too-deep, not-an-event, bad-field, too-many, busy, method, content-type).', labelNames: ['reason'], registers: [registry] });
  const invalid = new Counter({ name: 'palisade_audit_events_invalid_total', help: 'Events of a list that were refused alone (the rest of the list was kept), by reason.', labelNames: ['reason'], registers: [registry] });
  const inFlightGauge = new Gauge({ name: 'palisade_audit_in_flight', help: 'Requests being handled.', registers: [registry] });

  const server: Server = createServer({
    cert: readFileSync(options.certFile),
    key: readFileSync(options.keyFile),
    ca: readFileSync(options.clientCaFile),
    // Asked for, checked per path: probes and scrapers present no certificate.
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  });

  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | undefined;

  const authenticate = (req: IncomingMessage): string => {
    const socket = req.socket as TLSSocket;
    if (!socket.authorized) throw new HttpError(401, 'a client certificate signed by the client CA is required');
    const name = socket.getPeerCertificate().subject?.CN;
    const common = Array.isArray(name) ? name[0] : name;
    if (options.clientNames && options.clientNames.length > 0 && (common === undefined || !options.clientNames.includes(common))) throw new HttpError(403, `client ${JSON.stringify(common ?? '')} is not allowed`);
    return common ?? '';
  };

  const refuse = (error: AuditInputError): never => {
    throw Object.assign(new HttpError(error.code === 'too-large' ? 413 : 400, error.message), { reason: error.code });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, path: '/audit' | '/falco') => {
    let client: string;
    try {
      client = authenticate(req);
    } catch (error) {
      req.resume();
      rejected.inc({ reason: 'unauthenticated' });
      logger.warn({ event: 'client-refused', path, remote: req.socket.remoteAddress, error: (error as Error).message }, 'audit request refused');
      return send(res, (error as HttpError).status, { error: (error as Error).message });
    }
    if (req.method !== 'POST') {
      req.resume();
      rejected.inc({ reason: 'method' });
      res.setHeader('allow', 'POST');
      return send(res, 405, { error: `${req.method} not allowed: POST ${path === '/audit' ? 'an audit.k8s.io EventList' : 'a Falco JSON alert'}` });
    }
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      req.resume();
      rejected.inc({ reason: 'content-type' });
      return send(res, 415, { error: `content type ${JSON.stringify(type.slice(0, 100))} is not served: application/json` });
    }
    if (inFlight > maxInFlight) {
      req.resume();
      rejected.inc({ reason: 'busy' });
      res.setHeader('retry-after', '1');
      return send(res, 429, { error: 'too many requests in flight' });
    }
    try {
      const text = (await readBody(req, maxBodyBytes)).toString('utf8');
      let events: AuditEvent[];
      if (path === '/audit') {
        const list = parseEventList(text, limits, maxBodyBytes);
        if (!list.ok) refuse(list.error);
        const value = (list as { ok: true; value: { events: AuditEvent[]; errors: AuditInputError[] } }).value;
        for (const error of value.errors) {
          invalid.inc({ reason: error.code });
          logger.warn({ event: 'audit-event-invalid', client, code: error.code, error: error.message }, 'audit event refused');
        }
        events = value.events;
      } else {
        const parsed = parseBoundedJson(text, limits, maxBodyBytes);
        if (!parsed.ok) refuse(parsed.error);
        const value = (parsed as { ok: true; value: unknown }).value;
        const items = Array.isArray(value) ? value : [value];
        if (items.length > limits.maxEvents) refuse({ code: 'too-many', message: `more than ${limits.maxEvents} alerts in one request` });
        events = [];
        for (const item of items) {
          const event = falcoEventFrom(item, limits);
          if (!event.ok) refuse(event.error);
          events.push((event as { ok: true; value: AuditEvent }).value);
        }
      }
      const source = path === '/audit' ? 'audit' : 'falco';
      received.inc({ source }, events.length);
      await options.receive(events, source);
      send(res, 200, {});
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      rejected.inc({ reason: (error as { reason?: string }).reason ?? (status === 413 ? 'too-large' : 'error') });
      logger.warn({ event: 'audit-request-refused', client, path, status, error: (error as Error).message }, 'audit request refused');
      if (!res.headersSent) send(res, status, { error: (error as Error).message });
    }
  };

  const probes: ProbeState = { registry, ready: () => true, closing: () => closing };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = (req.url ?? '/').split('?')[0];
    if (answerProbe(url!, res, probes)) return;
    if (url !== '/audit' && url !== '/falco') {
      req.resume();
      return send(res, 404, { error: `no such path ${JSON.stringify(url?.slice(0, 200))}: POST /audit (EventList) or /falco (Falco alerts)` });
    }
    inFlight++;
    inFlightGauge.set(inFlight);
    handle(req, res, url)
      .catch((error: Error) => {
        logger.error({ event: 'audit-error', error: error.message }, 'audit request failed');
        if (!res.headersSent) send(res, 500, { error: 'internal error' });
      })
      .finally(() => {
        inFlight--;
        inFlightGauge.set(inFlight);
        if (closing && inFlight === 0) drained?.();
      });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ event: 'listening', port, host: options.host ?? '0.0.0.0', maxBodyBytes, maxInFlight }, 'audit receiver listening');
  return {
    port,
    registry,
    async close(graceMs = 10_000) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) await Promise.race([new Promise<void>((resolve) => (drained = resolve)), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      server.closeAllConnections();
      await closed;
      logger.info({ event: 'stopped' }, 'audit receiver stopped');
    },
  };
}
