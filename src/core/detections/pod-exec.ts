import { actingUser, allowed } from '../audit/event.js';
import { defineDetection } from '../model/detection.js';
import { isSystemComponent, objectName } from './support.js';

export default defineDetection({
  id: 'pod-exec',
  title: 'Command run in a container (exec or attach)',
  severity: 'medium',
  technique: { id: 'T1609', name: 'Container Administration Command', tactic: 'Execution' },
  description:
    'Exec and attach give a shell or a process inside a running container, with its service account token, its mounted secrets and its network position. Attackers with pod access use it to run tools, read credentials and move on; in production it should be rare and attributable.',
  remediation: 'Confirm who ran it and why; restrict pods/exec and pods/attach to a break-glass role, and prefer kubectl debug with an audited ephemeral container.',
  references: ['https://kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/', 'https://attack.mitre.org/techniques/T1609/'],
  events: {
    sources: ['audit'],
    resources: ['pods/exec', 'pods/attach'],
    verbs: ['create', 'get'],
    level: 'Metadata',
    description: 'an allowed pods/exec or pods/attach request (create over SPDY, get over WebSocket), once per request (its ResponseStarted and ResponseComplete events share an auditID)',
  },
  options: {},
  messages: { exec: '{{subject}} ran {{action}} in pod {{object}}' },
  *detect(event) {
    const ref = event.objectRef;
    if (ref?.resource !== 'pods' || (ref.subresource !== 'exec' && ref.subresource !== 'attach')) return;
    if (!allowed(event) || isSystemComponent(actingUser(event), [])) return;
    yield { messageId: 'exec', data: { subject: actingUser(event).username, action: ref.subresource, object: objectName(event) } };
  },
});
