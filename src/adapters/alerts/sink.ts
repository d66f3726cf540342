import type { SinkType } from '../../core/alerts/config.js';
import type { NewDelivery } from '../../core/ports/alerts.js';

/** A place alerts are delivered to: Alertmanager, a webhook, Slack, e-mail. */
export interface AlertSink {
  name: string;
  type: SinkType;
  /** Delivers one alert; resolves once the receiver accepted it, throws a SinkError otherwise. */
  send(delivery: NewDelivery, now: Date): Promise<void>;
}

/**
 * A delivery that failed. `retryable` is false when sending the same thing again cannot succeed
 * (a 400 from Alertmanager, a 5xx SMTP reply, no recipient); the message names the sink and the
 * status, never the URL (a Slack webhook URL is a secret) nor any credential.
 */
export class SinkError extends Error {
  override name = 'SinkError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** POSTs JSON with a timeout; a 2xx is success, 408, 429 and 5xx are retryable, other statuses are not. */
export async function postJson(sinkName: string, url: string, body: unknown, options: { timeoutMs: number; headers?: Record<string, string> }): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new SinkError(`${sinkName}: ${cause === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : `request failed (${cause})`}`, true);
  }
  // The body is read (and bounded) only for the message: a receiver's error text, first 200 characters.
  const text = (await response.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ');
  if (response.ok) return;
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  throw new SinkError(`${sinkName}: HTTP ${response.status}${text ? `: ${text}` : ''}`, retryable);
}

/** A URL from the configuration or from the environment variable it names. */
export function urlOf(config: { name: string; url?: string; urlEnv?: string }, env: NodeJS.ProcessEnv): string {
  const url = config.url ?? (config.urlEnv !== undefined ? env[config.urlEnv] : undefined);
  if (!url) throw new SinkError(`${config.name}: no URL (${config.urlEnv !== undefined ? `${config.urlEnv} is not set` : 'url missing'})`, false);
  return url;
}
