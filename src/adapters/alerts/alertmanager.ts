import { createHash } from 'node:crypto';
import type { AlertmanagerSinkConfig } from '../../core/alerts/config.js';
import { describeAlertObject, type Alert } from '../../core/alerts/model.js';
import type { NewDelivery } from '../../core/ports/alerts.js';
import { postJson, type AlertSink } from './sink.js';

/** A short, stable id of a finding key: the `finding` label that keeps two findings on one object apart. */
export function findingId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * One alert as Alertmanager's v2 API takes it (`POST /api/v2/alerts`, a list of postable
 * alerts). The labels are what Alertmanager routes, groups, silences and inhibits on:
 * alertname (the check id), team, severity, namespace, check, object, kind, name, and finding
 * (a hash of the finding key, so two findings on one object are two alerts). A firing alert
 * ends `ttlMs` after it was sent unless told again; a resolved one ends when it resolved.
 */
export function alertmanagerAlert(alert: Alert, now: Date, ttlMs: number, generatorURL?: string): Record<string, unknown> {
  const labels: Record<string, string> = {
    alertname: alert.checkId,
    team: alert.team,
    severity: alert.severity,
    check: alert.checkId,
    object: `${alert.object.kind}/${alert.object.name}`,
    kind: alert.object.kind,
    name: alert.object.name,
    finding: findingId(alert.key),
  };
  if (alert.namespace !== '') labels.namespace = alert.namespace;
  if (alert.container !== undefined) labels.container = alert.container;
  const annotations: Record<string, string> = {
    summary: `${alert.title}: ${describeAlertObject(alert.object)}`,
    description: alert.message,
    remediation: alert.remediation,
    path: alert.path,
  };
  if (alert.owner.contact !== undefined) annotations.contact = alert.owner.contact;
  if (alert.owner.slackChannel !== undefined) annotations.slack_channel = alert.owner.slackChannel;
  const endsAt = alert.status === 'resolved' ? (alert.endsAt ?? now.toISOString()) : new Date(now.getTime() + ttlMs).toISOString();
  return { labels, annotations, startsAt: alert.startsAt, endsAt, ...(generatorURL ? { generatorURL } : {}) };
}

export function alertmanagerSink(config: AlertmanagerSinkConfig, externalURL?: string): AlertSink {
  return {
    name: config.name,
    type: 'alertmanager',
    async send(delivery: NewDelivery, now: Date): Promise<void> {
      await postJson(config.name, `${config.url}/api/v2/alerts`, [alertmanagerAlert(delivery.alert, now, config.ttlMs, externalURL)], { timeoutMs: config.timeoutMs });
    },
  };
}
