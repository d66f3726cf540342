import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
  /** The status the receiver answered. */
  status: number;
}

/**
 * An HTTP receiver on loopback that records every request and answers with the statuses
 * `script` gives in turn (then 200; 0: never answer, as a receiver that hangs): a webhook, a Slack
 * endpoint, an Alertmanager webhook receiver.
 */
export async function startReceiver(script: number[] = []): Promise<{ url: string; received: Received[]; waitFor(predicate: (received: Received[]) => boolean, ms?: number): Promise<void>; close(): Promise<void> }> {
  const received: Received[] = [];
  const statuses = [...script];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const status = statuses.shift() ?? 200;
      received.push({ path: request.url ?? '', headers: request.headers, body, json, status });
      if (status === 0) return;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver says no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async waitFor(predicate, ms = 20_000) {
      const deadline = Date.now() + ms;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting; received ${received.length}: ${received.map((item) => `${item.path} ${item.body.slice(0, 300)}`).join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A free loopback port (listened on, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
