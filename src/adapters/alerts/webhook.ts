import type { WebhookSinkConfig } from '../../core/alerts/config.js';
import { alertSummary, describeAlertObject, type Alert } from '../../core/alerts/model.js';
import type { NewDelivery } from '../../core/ports/alerts.js';
import { postJson, SinkError, urlOf, type AlertSink } from './sink.js';

/** The generic webhook's body: versioned, the whole alert, why it is sent now, and to whom. */
export function webhookPayload(delivery: NewDelivery): Record<string, unknown> {
  return { version: '1', source: 'palisade', reason: delivery.reason, summary: alertSummary(delivery.alert), alert: delivery.alert, recipients: delivery.recipients };
}

export function webhookSink(config: WebhookSinkConfig, env: NodeJS.ProcessEnv = process.env): AlertSink {
  return {
    name: config.name,
    type: 'webhook',
    async send(delivery: NewDelivery): Promise<void> {
      const headers: Record<string, string> = {};
      if (config.tokenEnv !== undefined) {
        const token = env[config.tokenEnv];
        if (!token) throw new SinkError(`${config.name}: ${config.tokenEnv} is not set`, false);
        headers.authorization = `Bearer ${token}`;
      }
      await postJson(config.name, urlOf(config, env), webhookPayload(delivery), { timeoutMs: config.timeoutMs, headers });
    },
  };
}

/** Slack's mrkdwn needs &, < and > escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A Slack incoming-webhook message (also taken by Mattermost and Rocket.Chat): `text` as the
 * notification's fallback, and blocks: a header, the message, the fields, the fix. The owner's
 * channel is set as `channel` (Slack's newer webhooks post to their own channel and ignore it).
 */
export function slackPayload(delivery: NewDelivery): Record<string, unknown> {
  const alert: Alert = delivery.alert;
  const firing = alert.status === 'firing';
  const heading = `${firing ? (delivery.reason === 'renotify' ? 'Still firing' : 'Firing') : 'Resolved'}: ${alert.title}`;
  const fields = [
    `*Severity*\n${alert.severity}`,
    `*Team*\n${mrkdwn(alert.team)}`,
    `*Object*\n${mrkdwn(describeAlertObject(alert.object))}`,
    `*Check*\n\`${alert.checkId}\``,
  ];
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: heading.slice(0, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: mrkdwn(alert.message).slice(0, 3000) } },
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
  ];
  if (firing) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `*Fix:* ${mrkdwn(alert.remediation)}`.slice(0, 3000) }] });
  const channel = delivery.recipients.slackChannel ?? alert.owner.slackChannel;
  return { text: `${alertSummary(alert)} (team ${alert.team})`, ...(channel !== undefined ? { channel } : {}), blocks };
}

export function slackSink(config: WebhookSinkConfig, env: NodeJS.ProcessEnv = process.env): AlertSink {
  return {
    name: config.name,
    type: 'slack',
    async send(delivery: NewDelivery): Promise<void> {
      await postJson(config.name, urlOf(config, env), slackPayload(delivery), { timeoutMs: config.timeoutMs });
    },
  };
}
