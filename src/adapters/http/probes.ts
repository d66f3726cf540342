/**
 * Health, readiness and Prometheus metrics over HTTP: the paths every Palisade server answers
 * (the admission webhook and the audit receiver on their own TLS port; palisade watch on a
 * plain-HTTP port of its own, --metrics-bind-address, as controller-runtime names it).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface ProbeState {
  registry: Registry;
  /** true when ready, else why not (answered with 503). */
  ready(): true | string;
  /** Shutting down: not ready any more, whatever ready() says. */
  closing(): boolean;
}

function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Answers /healthz, /readyz and /metrics; false for any other path (the caller's to answer). */
export function answerProbe(url: string, res: ServerResponse, state: ProbeState): boolean {
  if (url === '/healthz' || url === '/livez') {
    sendText(res, 200, 'ok');
    return true;
  }
  if (url === '/readyz') {
    const ready = state.closing() ? 'shutting down' : state.ready();
    if (ready === true) sendText(res, 200, 'ok');
    else sendText(res, 503, ready);
    return true;
  }
  if (url === '/metrics') {
    state.registry.metrics().then(
      (text) => sendText(res, 200, text, state.registry.contentType),
      (error: Error) => sendText(res, 500, error.message),
    );
    return true;
  }
  return false;
}

export interface ProbeServer {
  /** host:port it listens on (the port the system chose when 0 was asked). */
  address: string;
  close(): Promise<void>;
}

/**
 * Parses --metrics-bind-address: HOST:PORT, :PORT (every interface) or 0 (off, undefined).
 * Throws an Error naming the value when it is none of these.
 */
export function parseBindAddress(text: string): { host: string; port: number } | undefined {
  if (text === '0') return undefined;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]*):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new Error(`"${text}" is not HOST:PORT, :PORT or 0`);
  const host = match[1]!.replace(/^\[|\]$/g, '');
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** A server of the probe paths alone: GET only, no request body read, short timeouts. */
export async function startProbeServer(bind: { host: string; port: number }, state: ProbeState): Promise<ProbeServer> {
  const server: Server = createServer({ requestTimeout: 10_000, headersTimeout: 5_000, keepAliveTimeout: 5_000 }, (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const url = (req.url ?? '/').split('?')[0]!;
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'GET only');
    if (!answerProbe(url, res, state)) sendText(res, 404, `no such path: /healthz, /readyz or /metrics`);
  });
  server.maxRequestsPerSocket = 100;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(bind.port, bind.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    address: `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
