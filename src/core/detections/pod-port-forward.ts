import { actingUser, allowed } from '../audit/event.js';
import { defineDetection } from '../model/detection.js';
import { objectName } from './support.js';

export default defineDetection({
  id: 'pod-port-forward',
  title: 'Port forwarded into a pod',
  severity: 'medium',
  technique: { id: 'T1572', name: 'Protocol Tunneling', tactic: 'Command and Control' },
  description:
    "Port-forward tunnels a connection from the client straight to a pod's port through the API server and the kubelet, past Services, Ingresses and NetworkPolicies: a way to reach databases and admin ports that are not meant to be reachable.",
  remediation: 'Confirm who opened the tunnel and why; restrict pods/portforward to a break-glass role.',
  references: ['https://kubernetes.io/docs/tasks/access-application-cluster/port-forward-access-application-cluster/', 'https://attack.mitre.org/techniques/T1572/'],
  events: { sources: ['audit'], resources: ['pods/portforward'], verbs: ['create', 'get'], level: 'Metadata', description: 'an allowed pods/portforward request, once per request' },
  options: {},
  messages: { forward: '{{subject}} opened a port-forward into pod {{object}}' },
  *detect(event) {
    const ref = event.objectRef;
    if (ref?.resource !== 'pods' || ref.subresource !== 'portforward' || !allowed(event)) return;
    yield { messageId: 'forward', data: { subject: actingUser(event).username, object: objectName(event) } };
  },
});
