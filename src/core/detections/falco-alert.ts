import type { Severity } from '../model/severity.js';
import { defineDetection } from '../model/detection.js';

const SEVERITY: Record<string, Severity> = { emergency: 'critical', alert: 'critical', critical: 'critical', error: 'high', warning: 'medium', notice: 'low', informational: 'info', info: 'info', debug: 'info' };

/** Falco's priority as a severity. */
export function falcoSeverity(priority: string): Severity {
  return SEVERITY[priority.toLowerCase()] ?? 'medium';
}

export default defineDetection({
  id: 'falco-alert',
  title: 'Runtime alert from Falco',
  severity: 'medium',
  technique: { id: 'T1609', name: 'Container Administration Command', tactic: 'Execution' },
  description:
    "Falco watches system calls on the nodes: a shell in a container, a sensitive file read, an unexpected outbound connection. Its alerts arrive here so they are routed like the API server's, with the pod as the object (its findings and its service account's power are the pod's), and with the rule's own MITRE tag when it has one.",
  remediation: "Follow the Falco rule's guidance; look at the pod's findings and its service account's permissions to judge the reach of what ran.",
  references: ['https://falco.org/docs/concepts/outputs/channels/#http-output', 'https://attack.mitre.org/techniques/T1609/'],
  events: { sources: ['falco'], level: 'Metadata', description: "every Falco alert at or above `minPriority` (its JSON output, posted by http_output); the alert's severity follows the priority" },
  options: { minPriority: { type: 'string', default: 'notice', description: 'the lowest Falco priority reported (emergency, alert, critical, error, warning, notice, informational, debug)' } },
  messages: { alert: 'Falco {{priority}}: {{rule}} in {{where}}{{process}}' },
  *detect(event, { options }) {
    const falco = event.falco;
    if (event.source !== 'falco' || !falco) return;
    const order = ['debug', 'informational', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
    const rank = (priority: string) => order.indexOf(priority.toLowerCase() === 'info' ? 'informational' : priority.toLowerCase());
    if (rank(falco.priority) < rank(options.minPriority)) return;
    const technique = falco.tags.find((tag) => /^T\d{4}(\.\d{3})?$/.test(tag));
    const pod = event.objectRef?.name ? `pod ${event.objectRef.namespace ? `${event.objectRef.namespace}/` : ''}${event.objectRef.name}` : `container ${falco.fields['container.id'] ?? 'on the host'}`;
    yield {
      messageId: 'alert',
      severity: falcoSeverity(falco.priority),
      ...(technique ? { techniqueId: technique } : {}),
      data: { priority: falco.priority, rule: falco.rule, where: pod, process: falco.fields['proc.name'] ? ` (process ${falco.fields['proc.name']})` : '' },
    };
  },
});
