/**
 * Downloads for `palisade db update`: bounded (bytes, time to headers, time between chunks),
 * retried with backoff on network errors, 429 and 5xx, resumable (a partial file and its
 * validators are kept beside the target; the next attempt, or the next run, asks for the rest
 * with `Range` and `If-Range`, and starts over when the server answers with the whole file),
 * conditional (`If-None-Match`, `If-Modified-Since`) and verified: the length the server
 * declared, and the MD5 that Google Cloud Storage publishes in `x-goog-hash` (OSV's bucket).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImportError } from './import.js';

export interface HttpLimits {
  /** Time to the response headers. */
  headersTimeoutMs: number;
  /** Time between two chunks of a body. */
  idleTimeoutMs: number;
  /** Attempts per request (the first included). */
  attempts: number;
  /** First backoff; doubled on each retry. */
  backoffMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { headersTimeoutMs: 30_000, idleTimeoutMs: 60_000, attempts: 4, backoffMs: 1_000 };

export interface HttpOptions {
  limits: HttpLimits;
  maxBytes: number;
  userAgent: string;
  progress?: (text: string) => void;
}

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type Downloaded =
  | { notModified: true }
  | { notModified: false; file: string; bytes: number; validators: Validators; resumedFrom?: number; md5Verified: boolean };

/** A failure worth another attempt: the network, a timeout, 429, 5xx, a corrupted transfer. */
class RetryableError extends Error {}

/** The server answered with an error status that another attempt would not change (404, 403...). */
export class HttpStatusError extends ImportError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface PartMeta extends Validators {
  url: string;
  length?: number;
  md5?: string;
}

/** The base64 MD5 of `x-goog-hash: crc32c=...,md5=...`, if any. */
export function googMd5(header: string | null): string | undefined {
  for (const item of (header ?? '').split(',')) {
    const [key, ...value] = item.trim().split('=');
    if (key === 'md5' && value.length > 0) return value.join('=');
  }
  return undefined;
}

function validatorsOf(response: Response): Validators {
  const etag = response.headers.get('etag');
  const lastModified = response.headers.get('last-modified');
  return { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}

function describe(error: unknown): string {
  const cause = (error as { cause?: Error }).cause;
  return `${(error as Error).message}${cause?.message ? ` (${cause.message})` : ''}`;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function withRetries<T>(url: string, options: HttpOptions, attempt: () => Promise<T>): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      if (tried >= options.limits.attempts) throw new ImportError(`${url}: ${error.message} (${tried} attempt${tried === 1 ? '' : 's'})`);
      const wait = options.limits.backoffMs * 2 ** (tried - 1);
      options.progress?.(`${url}: ${error.message}; retrying in ${wait} ms`);
      await sleep(wait);
    }
  }
}

/** fetch with a deadline for the headers; the returned `arm` bounds the time between body chunks. */
async function request(url: string, headers: Record<string, string>, options: HttpOptions): Promise<{ response: Response; arm: () => void; disarm: () => void }> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(new Error(`no response in ${options.limits.headersTimeoutMs} ms`)), options.limits.headersTimeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { headers: { 'user-agent': options.userAgent, ...headers }, redirect: 'follow', signal: controller.signal });
  } catch (error) {
    clearTimeout(timer);
    throw new RetryableError(describe(error));
  }
  clearTimeout(timer);
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no data for ${options.limits.idleTimeoutMs} ms`)), options.limits.idleTimeoutMs);
  };
  return { response, arm, disarm: () => clearTimeout(timer) };
}

function checkStatus(url: string, response: Response): void {
  if (response.status === 429 || response.status >= 500) throw new RetryableError(`HTTP ${response.status} ${response.statusText}`);
  if (!response.ok && response.status !== 304 && response.status !== 416) throw new HttpStatusError(`${url}: HTTP ${response.status} ${response.statusText}`, response.status);
}

/** A bounded byte counter with idle-timer re-arming and throttled progress. */
function counter(url: string, start: number, total: number | undefined, options: HttpOptions, arm: () => void): Transform {
  let received = start;
  let reported = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      arm();
      received += chunk.length;
      if (received > options.maxBytes) return callback(new ImportError(`${url}: more than the ${options.maxBytes}-byte download limit`));
      if (received - reported >= 4 << 20) {
        reported = received;
        options.progress?.(`${url}: ${(received / 1e6).toFixed(1)}${total ? `/${(total / 1e6).toFixed(1)}` : ''} MB`);
      }
      callback(null, chunk);
    },
  });
}

async function fileMd5(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

async function readMeta(file: string, url: string): Promise<PartMeta | undefined> {
  try {
    const meta = JSON.parse(await readFile(file, 'utf8')) as PartMeta;
    return meta.url === url ? meta : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Downloads `url` to `target`. A partial download left by an interrupted attempt or run
 * (`target.part`, with its validators in `target.part.json`) is continued when the server
 * still has the same object; the finished file is checked against the declared length and
 * the published MD5, and only then renamed to `target`.
 */
export async function downloadFile(url: string, target: string, options: HttpOptions & { conditional?: Validators }): Promise<Downloaded> {
  const part = `${target}.part`;
  const metaFile = `${target}.part.json`;
  await mkdir(path.dirname(target), { recursive: true });
  const discard = async (): Promise<void> => {
    await rm(part, { force: true });
    await rm(metaFile, { force: true });
  };
  return withRetries(url, options, async () => {
    let meta = await readMeta(metaFile, url);
    let offset = meta ? await stat(part).then((info) => info.size, () => 0) : 0;
    // Resuming needs a validator for If-Range, else the rest could be of another version.
    if (offset > 0 && !(meta?.etag || meta?.lastModified)) offset = 0;
    const headers: Record<string, string> = {};
    if (offset > 0) {
      headers.range = `bytes=${offset}-`;
      headers['if-range'] = meta!.etag ?? meta!.lastModified!;
    } else {
      if (options.conditional?.etag) headers['if-none-match'] = options.conditional.etag;
      if (options.conditional?.lastModified) headers['if-modified-since'] = options.conditional.lastModified;
    }
    const { response, arm, disarm } = await request(url, headers, options);
    try {
      checkStatus(url, response);
      if (response.status === 304) {
        await response.body?.cancel();
        return { notModified: true };
      }
      if (response.status === 416) {
        await response.body?.cancel();
        await discard();
        throw new RetryableError('the partial download is no longer valid (HTTP 416); starting over');
      }
      let resumedFrom: number | undefined;
      let total: number | undefined;
      if (response.status === 206 && offset > 0) {
        const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
        if (!range || Number(range[1]) !== offset) {
          await response.body?.cancel();
          await discard();
          throw new RetryableError(`the server answered another range (${response.headers.get('content-range') ?? 'none'}); starting over`);
        }
        resumedFrom = offset;
        total = range[3] === '*' ? meta?.length : Number(range[3]);
      } else {
        if (response.status !== 200) throw new ImportError(`${url}: unexpected HTTP ${response.status}`);
        offset = 0;
        const declared = response.headers.get('content-length');
        total = declared !== null && /^\d+$/.test(declared) ? Number(declared) : undefined;
        // A body the client decoded (content-encoding) is not the object the hash was computed on.
        const md5 = response.headers.get('content-encoding') ? undefined : googMd5(response.headers.get('x-goog-hash'));
        meta = { url, ...validatorsOf(response), ...(total !== undefined ? { length: total } : {}), ...(md5 ? { md5 } : {}) };
        await writeFile(metaFile, JSON.stringify(meta));
      }
      if (total !== undefined && total > options.maxBytes) throw new ImportError(`${url}: ${total} bytes, more than the ${options.maxBytes}-byte download limit`);
      if (!response.body) throw new RetryableError('no response body');
      arm();
      try {
        await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), counter(url, offset, total, options, arm), createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' }));
      } catch (error) {
        if (error instanceof ImportError) {
          await discard();
          throw error;
        }
        // What arrived stays for the next attempt to continue from.
        throw new RetryableError(`download interrupted: ${describe(error)}`);
      }
      const { size } = await stat(part);
      if (total !== undefined && size !== total) {
        await discard();
        throw new RetryableError(`received ${size} bytes, the server declared ${total}; starting over`);
      }
      let md5Verified = false;
      if (meta?.md5) {
        const actual = await fileMd5(part);
        if (actual !== meta.md5) {
          await discard();
          throw new RetryableError(`MD5 mismatch: x-goog-hash says ${meta.md5}, the ${size} bytes received hash to ${actual}`);
        }
        md5Verified = true;
      }
      await rename(part, target);
      await rm(metaFile, { force: true });
      const validators: Validators = { ...(meta?.etag ? { etag: meta.etag } : {}), ...(meta?.lastModified ? { lastModified: meta.lastModified } : {}) };
      return { notModified: false, file: target, bytes: size, validators, ...(resumedFrom !== undefined ? { resumedFrom } : {}), md5Verified };
    } finally {
      disarm();
    }
  });
}

/** A small document in memory (a CSV index, one OSV record), bounded, retried and MD5-checked like a file. */
export async function fetchBytes(url: string, options: HttpOptions): Promise<Buffer> {
  return withRetries(url, options, async () => {
    const { response, arm, disarm } = await request(url, {}, options);
    try {
      checkStatus(url, response);
      if (response.status !== 200 || !response.body) throw new ImportError(`${url}: unexpected HTTP ${response.status}`);
      const chunks: Buffer[] = [];
      arm();
      try {
        await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), counter(url, 0, undefined, options, arm), async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) chunks.push(chunk);
        });
      } catch (error) {
        if (error instanceof ImportError) throw error;
        throw new RetryableError(`download interrupted: ${describe(error)}`);
      }
      const body = Buffer.concat(chunks);
      const md5 = response.headers.get('content-encoding') ? undefined : googMd5(response.headers.get('x-goog-hash'));
      if (md5 && createHash('md5').update(body).digest('base64') !== md5) throw new RetryableError(`MD5 mismatch with x-goog-hash (${md5})`);
      return body;
    } finally {
      disarm();
    }
  });
}
