import { Counter, Gauge, type Registry } from 'prom-client';
import type { AlertSettings, SinkConfig } from '../../core/alerts/config.js';
import type { AlertOutbox } from '../../core/ports/alerts.js';
import type { DeliveryObserver } from '../../app/alerts.js';
import { alertmanagerSink } from './alertmanager.js';
import { emailSink } from './email.js';
import type { AlertSink } from './sink.js';
import { slackSink, webhookSink } from './webhook.js';

export { SinkError, type AlertSink } from './sink.js';

export function createSink(config: SinkConfig, settings: Pick<AlertSettings, 'externalURL'>, env: NodeJS.ProcessEnv = process.env): AlertSink {
  switch (config.type) {
    case 'alertmanager':
      return alertmanagerSink(config, settings.externalURL);
    case 'webhook':
      return webhookSink(config, env);
    case 'slack':
      return slackSink(config, env);
    case 'email':
      return emailSink(config, env);
  }
}

/** Every configured sink, by name. */
export function createSinks(settings: Pick<AlertSettings, 'sinks' | 'externalURL'>, env: NodeJS.ProcessEnv = process.env): Map<string, AlertSink> {
  return new Map(Object.entries(settings.sinks).map(([name, config]) => [name, createSink(config, settings, env)]));
}

/** The subset of a pino logger the dispatcher writes to. */
export interface AlertLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/**
 * Metrics (prom-client) and one structured log line (pino) per delivery outcome:
 * `palisade_alerts_sent_total{sink,type}`, `palisade_alerts_failed_total{sink,type,final}`
 * (final="true": given up), `palisade_alert_delivery_seconds`, and `palisade_alert_outbox_pending`
 * read from the outbox at each scrape. Logs name the sink, check, team, object and reason;
 * never a URL or a credential.
 */
export function deliveryObserver(options: { registry?: Registry; logger?: AlertLogger; outbox?: Pick<AlertOutbox, 'counts'>; sinkTypes?: ReadonlyMap<string, string> }): DeliveryObserver {
  const { registry, logger } = options;
  const registers = registry ? [registry] : [];
  const sent = new Counter({ name: 'palisade_alerts_sent_total', help: 'Alerts delivered, by sink.', labelNames: ['sink', 'type'], registers });
  const failed = new Counter({ name: 'palisade_alerts_failed_total', help: 'Failed alert deliveries, by sink; final="true" when given up.', labelNames: ['sink', 'type', 'final'], registers });
  if (options.outbox && registry) {
    const outbox = options.outbox;
    new Gauge({
      name: 'palisade_alert_outbox_pending',
      help: 'Alert deliveries waiting in the outbox.',
      registers,
      async collect() {
        // A store that cannot be read (closed, locked) leaves the last value: a scrape never fails on it.
        try {
          this.set((await outbox.counts()).pending);
        } catch {
          // keep the last value
        }
      },
    });
  }
  const type = (sink: string) => options.sinkTypes?.get(sink) ?? 'unknown';
  return {
    sent(delivery, ms) {
      sent.inc({ sink: delivery.sink, type: type(delivery.sink) });
      logger?.info({ sink: delivery.sink, check: delivery.alert.checkId, team: delivery.alert.team, status: delivery.alert.status, reason: delivery.reason, attempt: delivery.attempts + 1, ms }, 'alert delivered');
    },
    failed(delivery, error, retryAt) {
      failed.inc({ sink: delivery.sink, type: type(delivery.sink), final: String(retryAt === undefined) });
      const fields = { sink: delivery.sink, check: delivery.alert.checkId, team: delivery.alert.team, status: delivery.alert.status, attempt: delivery.attempts + 1, error: error.message, ...(retryAt ? { retryAt: retryAt.toISOString() } : {}) };
      if (retryAt) logger?.warn(fields, 'alert delivery failed, will retry');
      else logger?.error(fields, 'alert delivery failed, given up');
    },
  };
}
