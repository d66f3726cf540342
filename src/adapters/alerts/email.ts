import nodemailer from 'nodemailer';
import type { EmailSinkConfig } from '../../core/alerts/config.js';
import { alertSummary, describeAlertObject } from '../../core/alerts/model.js';
import type { NewDelivery } from '../../core/ports/alerts.js';
import { SinkError, type AlertSink } from './sink.js';

/** The mail of one alert: subject and plain-text body (no HTML: nothing to escape, nothing to render). */
export function emailMessage(delivery: NewDelivery): { subject: string; text: string } {
  const { alert } = delivery;
  const subject = `[Palisade] ${alertSummary(alert)}`;
  const lines = [
    alert.status === 'firing' ? (delivery.reason === 'renotify' ? 'Still firing:' : 'Firing:') : 'Resolved:',
    '',
    `  ${alert.title}`,
    `  ${alert.message}`,
    '',
    `Object:    ${describeAlertObject(alert.object)}${alert.container !== undefined ? ` (container ${alert.container})` : ''}`,
    `Path:      ${alert.path}`,
    `Check:     ${alert.checkId}`,
    `Severity:  ${alert.severity}`,
    `Team:      ${alert.team}${alert.owner.teamFrom === 'default' ? ' (no owner named: the default route)' : alert.owner.teamFrom === 'namespace' ? ' (from the namespace)' : ''}`,
    `Since:     ${alert.startsAt}`,
    ...(alert.endsAt !== undefined ? [`Resolved:  ${alert.endsAt}`] : []),
    '',
    ...(alert.status === 'firing' ? [`Fix: ${alert.remediation}`, ''] : []),
    '-- ',
    'Palisade',
  ];
  return { subject, text: `${lines.join('\n')}\n` };
}

/**
 * E-mail over SMTP through nodemailer: STARTTLS when the server offers it (required with
 * requireTLS), TLS from the start with secure, credentials from the environment. Timeouts
 * bound the connection, the greeting and every socket wait. A 5xx reply is permanent; a 4xx
 * reply and network failures are retried.
 */
export function emailSink(config: EmailSinkConfig, env: NodeJS.ProcessEnv = process.env): AlertSink {
  const auth = config.userEnv !== undefined && config.passwordEnv !== undefined ? { user: env[config.userEnv] ?? '', pass: env[config.passwordEnv] ?? '' } : undefined;
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: config.requireTLS,
    ...(auth ? { auth } : {}),
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
    dnsTimeout: config.timeoutMs,
  });
  return {
    name: config.name,
    type: 'email',
    async send(delivery: NewDelivery): Promise<void> {
      const to = delivery.recipients.email;
      if (to.length === 0) throw new SinkError(`${config.name}: no recipient (the owner names no contact address, and neither the route nor the sink gives one)`, false);
      const { subject, text } = emailMessage(delivery);
      try {
        await transport.sendMail({ from: config.from, to, subject, text, headers: { 'X-Palisade-Check': delivery.alert.checkId } });
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        const reason = code !== undefined ? `SMTP ${code}` : ((error as { code?: string }).code ?? (error as Error).name);
        throw new SinkError(`${config.name}: ${reason}`, code === undefined || code < 500);
      }
    },
  };
}
