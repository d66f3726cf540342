import { actingUser } from '../audit/event.js';
import { defineDetection } from '../model/detection.js';
import { objectName } from './support.js';

export interface Bursts {
  /** per subject: times (ms since the epoch, from the events) of its latest denials, and when it last alerted */
  subjects: Map<string, { denials: number[]; alertedAt?: number }>;
}

const denied = (code: number | undefined, decision: string | undefined) => decision === 'forbid' || code === 403;

export default defineDetection({
  id: 'forbidden-burst',
  title: 'Burst of denied requests from one subject (probing)',
  severity: 'medium',
  technique: { id: 'T1613', name: 'Container and Resource Discovery', tactic: 'Discovery' },
  description:
    'A stolen token is usually tried before it is used: one request after another to find what it may do (kubectl auth can-i --list, or simply trying). Many 403s from one subject in a short time are that probing; a working client rarely sees more than a few.',
  remediation: "Find where the subject's credential is used from (source IPs, user agent); if it is not a misconfigured client, revoke the credential.",
  references: ['https://attack.mitre.org/techniques/T1613/'],
  events: { sources: ['audit'], level: 'Metadata', description: 'requests denied by authorization (403), counted per acting subject; an alert when `threshold` fall within `windowSeconds`, then at most one per window' },
  options: {
    threshold: { type: 'number', default: 10, description: 'denials within the window that make a burst' },
    windowSeconds: { type: 'number', default: 60, description: 'the window, in seconds of event time' },
    maxSubjects: { type: 'number', default: 10_000, description: 'subjects tracked at once; past it the least recently denied are forgotten' },
  },
  messages: { burst: '{{subject}} was denied {{count}} requests within {{window}} s (latest: {{verb}} {{object}})' },
  initialState: (): Bursts => ({ subjects: new Map() }),
  *detect(event, { options, state }) {
    if (!denied(event.responseCode, event.decision)) return;
    const subject = actingUser(event).username;
    const at = Date.parse(event.time);
    const windowMs = options.windowSeconds * 1000;
    const entry = state.subjects.get(subject) ?? { denials: [] };
    // Most recently denied last: re-insert so eviction drops the quietest subject.
    state.subjects.delete(subject);
    state.subjects.set(subject, entry);
    while (state.subjects.size > options.maxSubjects) state.subjects.delete(state.subjects.keys().next().value!);
    // Events arrive in order per source, nearly so across sources: keep the list sorted.
    let index = entry.denials.length;
    while (index > 0 && entry.denials[index - 1]! > at) index--;
    entry.denials.splice(index, 0, at);
    const latest = entry.denials[entry.denials.length - 1]!;
    while (entry.denials.length > 0 && entry.denials[0]! <= latest - windowMs) entry.denials.shift();
    if (entry.denials.length > options.threshold) entry.denials.splice(0, entry.denials.length - options.threshold);
    if (entry.denials.length < options.threshold) return;
    if (entry.alertedAt !== undefined && at - entry.alertedAt < windowMs) return;
    entry.alertedAt = at;
    const object = event.objectRef ? `${event.objectRef.resource ?? ''}${event.objectRef.subresource ? `/${event.objectRef.subresource}` : ''} ${objectName(event)}` : event.requestURI;
    yield { messageId: 'burst', key: `${subject}\u0000${at}`, data: { subject, count: entry.denials.length, window: options.windowSeconds, verb: event.verb, object } };
  },
});
