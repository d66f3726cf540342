/**
 * Runs events through detections. Pure and explicit: the detector holds each detection's state
 * and the keys already alerted on; time is the events' own. One request logs several events
 * (ResponseStarted and ResponseComplete of an exec share an auditID): a detection alerts once
 * per request, or once per key it names.
 */
import { actingUser, type AuditEvent, type EventSource, type ObjectRef } from '../audit/event.js';
import type { OptionSpec } from '../model/check.js';
import { detectionMessage, type AnyDetection, type Technique } from '../model/detection.js';
import type { Severity } from '../model/severity.js';
import { ALL_DETECTIONS } from './index.js';

export interface Alert {
  detection: string;
  title: string;
  severity: Severity;
  technique: Technique;
  message: string;
  /** who the alert is about (the acting user, or the impersonator for impersonation) */
  subject: string;
  /** the authenticated user, when the subject was impersonated */
  impersonatedBy?: string;
  object?: ObjectRef;
  verb: string;
  time: string;
  /** the source event's auditID (a Falco alert's is derived from its rule, time and container) */
  auditID: string;
  source: EventSource;
  sourceIPs: readonly string[];
  userAgent?: string;
}

export interface Detector {
  readonly detections: readonly AnyDetection[];
  readonly options: ReadonlyMap<string, Record<string, unknown>>;
  readonly state: Map<string, unknown>;
  /** (detection, key) pairs alerted on, oldest first, at most maxRemembered */
  readonly alerted: Set<string>;
  readonly maxRemembered: number;
}

export interface DetectorSettings {
  /** only these detection ids */
  only?: readonly string[];
  /** these detection ids not */
  skip?: readonly string[];
  /** options by detection id */
  options?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** alerted keys remembered for "once" (default 100,000) */
  maxRemembered?: number;
}

function optionValue(spec: OptionSpec, value: unknown, where: string): unknown {
  const ok =
    spec.type === 'string' ? typeof value === 'string' : spec.type === 'number' ? typeof value === 'number' && Number.isFinite(value) : spec.type === 'boolean' ? typeof value === 'boolean' : Array.isArray(value) && value.every((item) => typeof item === 'string');
  if (!ok) throw new Error(`${where} must be ${spec.type === 'string[]' ? 'a list of strings' : `a ${spec.type}`}`);
  return value;
}

/** A detector over the chosen detections with their options resolved; throws on an unknown id or a mistyped option. */
export function createDetector(settings: DetectorSettings = {}, detections: readonly AnyDetection[] = ALL_DETECTIONS): Detector {
  const ids = new Set(detections.map((detection) => detection.id));
  for (const id of [...(settings.only ?? []), ...(settings.skip ?? []), ...Object.keys(settings.options ?? {})]) if (!ids.has(id)) throw new Error(`unknown detection "${id}"`);
  const chosen = detections.filter((detection) => (settings.only === undefined || settings.only.includes(detection.id)) && !settings.skip?.includes(detection.id));
  const options = new Map<string, Record<string, unknown>>();
  const state = new Map<string, unknown>();
  for (const detection of chosen) {
    const given = settings.options?.[detection.id] ?? {};
    const values: Record<string, unknown> = {};
    for (const key of Object.keys(given)) if (!Object.hasOwn(detection.options, key)) throw new Error(`detection ${detection.id} has no option "${key}"`);
    for (const [key, spec] of Object.entries(detection.options as Record<string, OptionSpec>)) values[key] = Object.hasOwn(given, key) ? optionValue(spec, given[key], `${detection.id}.${key}`) : spec.default;
    options.set(detection.id, values);
    if (detection.initialState) state.set(detection.id, detection.initialState());
  }
  return { detections: chosen, options, state, alerted: new Set(), maxRemembered: settings.maxRemembered ?? 100_000 };
}

/** The alerts one event raises. RequestReceived events are skipped (the response says whether it was allowed). */
export function detect(detector: Detector, event: AuditEvent): Alert[] {
  if (event.stage === 'RequestReceived') return [];
  const alerts: Alert[] = [];
  for (const detection of detector.detections) {
    if (!detection.events.sources.includes(event.source)) continue;
    const context = { options: detector.options.get(detection.id)! as never, state: detector.state.get(detection.id) };
    for (const match of detection.detect(event, context)) {
      const key = `${detection.id}\u0000${match.key ?? event.auditID}`;
      if (detector.alerted.has(key)) continue;
      detector.alerted.add(key);
      while (detector.alerted.size > detector.maxRemembered) detector.alerted.delete(detector.alerted.values().next().value!);
      const user = actingUser(event);
      const subject = match.subject ?? user.username;
      const object = match.object ?? event.objectRef;
      alerts.push({
        detection: detection.id,
        title: detection.title,
        severity: match.severity ?? detection.severity,
        technique: match.techniqueId && match.techniqueId !== detection.technique.id ? { id: match.techniqueId, name: '', tactic: '' } : detection.technique,
        message: detectionMessage(detection, match),
        subject,
        ...(event.impersonatedUser && subject === event.impersonatedUser.username ? { impersonatedBy: event.user.username } : {}),
        ...(object ? { object } : {}),
        verb: event.verb,
        time: event.time,
        auditID: event.auditID,
        source: event.source,
        sourceIPs: event.sourceIPs,
        ...(event.userAgent ? { userAgent: event.userAgent } : {}),
      });
    }
  }
  return alerts;
}
