/**
 * An alert: one finding, told to its owner. Built from the finding's fields and the catalog's
 * prose only (check id, severity, object reference, the engine's message, the remediation):
 * never from object content, so never a Secret's value (the engine's messages name keys and
 * variables, never their values).
 */
import type { FindingKey } from '../model/finding-key.js';
import { findingKeyString } from '../model/finding-key.js';
import type { Severity } from '../model/severity.js';
import type { Owner } from './owner.js';

export type AlertStatus = 'firing' | 'resolved';

export interface AlertObject {
  /** API group ('' for the core group). */
  group: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface Alert {
  /** The finding key as one string (`findingKeyString`): the alert's identity. */
  key: string;
  checkId: string;
  /** The check's title. */
  title: string;
  severity: Severity;
  object: AlertObject;
  container?: string;
  /** Where in the object. */
  path: string;
  /** The object's namespace ('' for cluster-scoped objects). */
  namespace: string;
  team: string;
  owner: Owner;
  message: string;
  remediation: string;
  status: AlertStatus;
  /** When the finding was first alerted (ISO 8601). */
  startsAt: string;
  /** When it resolved (ISO 8601; resolved alerts only). */
  endsAt?: string;
}

/** What an alert is made from: a finding's key and fields, and the check's prose. */
export interface AlertSource {
  key: FindingKey;
  checkId: string;
  title: string;
  severity: Severity;
  message: string;
  remediation: string;
}

export function alertOf(source: AlertSource, owner: Owner, startsAt: Date): Alert {
  const { object } = source.key;
  return {
    key: findingKeyString(source.key),
    checkId: source.checkId,
    title: source.title,
    severity: source.severity,
    object: { group: object.group, kind: object.kind, ...(object.namespace !== undefined ? { namespace: object.namespace } : {}), name: object.name },
    ...(source.key.container !== undefined ? { container: source.key.container } : {}),
    path: source.key.path,
    namespace: object.namespace ?? '',
    team: owner.team,
    owner,
    message: source.message,
    remediation: source.remediation,
    status: 'firing',
    startsAt: startsAt.toISOString(),
  };
}

/** `Deployment shop/web` or `ClusterRole admin`: the object as one line. */
export function describeAlertObject(object: AlertObject): string {
  return `${object.kind} ${object.namespace !== undefined ? `${object.namespace}/` : ''}${object.name}`;
}

/** A one-line summary: `FIRING high host-network: Deployment shop/web`. */
export function alertSummary(alert: Alert): string {
  return `${alert.status === 'firing' ? 'FIRING' : 'RESOLVED'} ${alert.severity} ${alert.checkId}: ${describeAlertObject(alert.object)}`;
}
