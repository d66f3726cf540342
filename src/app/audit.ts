/**
 * The audit use case, written once for every front end (a log file read or followed, the
 * webhook receiver, Falco's alerts): events in, alerts out, with the detector's state kept
 * across them. Front ends translate input into events and alerts into output; this decides.
 */
import { parseAuditLine, DEFAULT_AUDIT_LIMITS, type AuditEvent, type AuditInputError, type AuditLimits } from '../core/audit/event.js';
import { createDetector, detect, type Alert, type Detector, type DetectorSettings } from '../core/detections/detector.js';
import type { ObjectRef } from '../core/audit/event.js';

/** What is known of an alert's object and subject from the cluster's posture (owner, findings, power). */
export interface AlertContext {
  /** who owns the object (a team, from labels), for routing */
  owner?: string;
  /** the pod's service account, for a pod alert */
  serviceAccount?: string;
  /** the object's open findings, by check id */
  findings?: readonly string[];
  /** what the subject (or the pod's service account) may do that matters: cluster-admin, read secrets... */
  power?: readonly string[];
}

/** A port: posture for an alert's object and subject; absent, alerts carry none. */
export type Correlate = (object: ObjectRef | undefined, subject: string) => AlertContext | undefined;

export type ContextAlert = Alert & { context?: AlertContext };

export interface AuditSummary {
  events: number;
  alerts: number;
  /** input refused: lines or events that were not audit events */
  errors: number;
  bySeverity: Record<string, number>;
}

export interface AuditMonitor {
  readonly detector: Detector;
  /** the alerts an event raises, with context when a correlator is given */
  event(event: AuditEvent): ContextAlert[];
  /** one line of a JSON audit log; an input error when it is not an event */
  line(text: string): { alerts: ContextAlert[]; error?: AuditInputError };
  /** an input error seen by a front end (a line too long), counted */
  inputError(): void;
  summary(): AuditSummary;
}

export interface AuditSettings extends DetectorSettings {
  limits?: AuditLimits;
  correlate?: Correlate;
}

export function createAuditMonitor(settings: AuditSettings = {}): AuditMonitor {
  const detector = createDetector(settings);
  const limits = settings.limits ?? DEFAULT_AUDIT_LIMITS;
  const summary: AuditSummary = { events: 0, alerts: 0, errors: 0, bySeverity: {} };
  const event = (input: AuditEvent): ContextAlert[] => {
    summary.events++;
    const alerts = detect(detector, input);
    summary.alerts += alerts.length;
    for (const alert of alerts) summary.bySeverity[alert.severity] = (summary.bySeverity[alert.severity] ?? 0) + 1;
    if (!settings.correlate) return alerts;
    return alerts.map((alert) => {
      const context = settings.correlate!(alert.object, alert.subject);
      return context ? { ...alert, context } : alert;
    });
  };
  return {
    detector,
    event,
    line(text) {
      const parsed = parseAuditLine(text, limits);
      if (!parsed.ok) {
        summary.errors++;
        return { alerts: [], error: parsed.error };
      }
      return { alerts: event(parsed.value) };
    },
    inputError() {
      summary.errors++;
    },
    summary: () => ({ ...summary, bySeverity: { ...summary.bySeverity } }),
  };
}
