import type { AuditEvent, EventSource, ObjectRef } from '../audit/event.js';
import type { Severity } from './severity.js';
import { renderMessage, type OptionSpecs, type OptionValues, type ViolationData } from './check.js';

/** The MITRE ATT&CK technique an alert is evidence of (Containers matrix where it has one). */
export interface Technique {
  id: string;
  name: string;
  tactic: string;
}

/** What a detection reads, declared: for the docs, the audit policy it needs and a cheap pre-filter. */
export interface DetectionEvents {
  sources: readonly EventSource[];
  /** resources (as audit objectRef.resource, optionally /subresource) it looks at; absent: any */
  resources?: readonly string[];
  /** verbs it looks at; absent: any */
  verbs?: readonly string[];
  /** the least audit level the events need (Request: it reads the request body's facts) */
  level: 'Metadata' | 'Request';
  /** a sentence: which events match */
  description: string;
}

/** One thing a detection saw in one event. The subject and object default to the event's. */
export interface DetectionMatch<M extends string = string> {
  messageId: M;
  data?: ViolationData;
  /** the subject the alert is about, when not the event's acting user */
  subject?: string;
  /** the object the alert is about, when not the event's objectRef */
  object?: ObjectRef;
  /** a stateful detection's key for "once": the same key alerts once (default: the event's auditID) */
  key?: string;
  /** the alert's severity, when the event decides it (a Falco priority) */
  severity?: Severity;
  /** the technique's ID, when the event names a more precise one (a Falco rule's MITRE tag) */
  techniqueId?: string;
}

export interface DetectionContext<O, S> {
  options: O;
  /** the detection's own state (explicit: no clock or globals; the event's time is the only time) */
  state: S;
}

export interface DetectionDefinition<O extends OptionSpecs = OptionSpecs, S = undefined, M extends string = string> {
  /** kebab-case, names what was seen: pod-exec, secret-read-unusual */
  id: string;
  title: string;
  severity: Severity;
  technique: Technique;
  description: string;
  /** a sentence: what to do when it fires */
  remediation: string;
  references: readonly string[];
  events: DetectionEvents;
  options: O;
  messages: Record<M, string>;
  /** a stateful detection's fresh state; its size must be bounded by the detection */
  initialState?: () => S;
  detect(event: AuditEvent, context: DetectionContext<OptionValues<O>, S>): Iterable<DetectionMatch<M>>;
}

export function defineDetection<O extends OptionSpecs, S = undefined, M extends string = string>(detection: DetectionDefinition<O, S, M>): DetectionDefinition<O, S, M> {
  return detection;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDetection = DetectionDefinition<any, any, string>;

export function detectionMessage(detection: AnyDetection, match: DetectionMatch): string {
  const template = detection.messages[match.messageId];
  if (template === undefined) throw new Error(`detection ${detection.id} has no message "${match.messageId}"`);
  return renderMessage(template, match.data);
}
