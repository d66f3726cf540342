import { actingUser, allowed } from '../audit/event.js';
import { defineDetection } from '../model/detection.js';
import { objectName } from './support.js';

export default defineDetection({
  id: 'privileged-pod-created',
  title: 'Pod created privileged or in host namespaces',
  severity: 'high',
  technique: { id: 'T1611', name: 'Escape to Host', tactic: 'Privilege Escalation' },
  description:
    "A privileged container, or a pod in the node's PID, network or IPC namespace, is one step from the node: the usual way from pod creation rights to root on a node. Admission should refuse these outside the namespaces that need them; this shows the ones that got in, and who created them.",
  remediation: 'Confirm the pod belongs to a system component that needs it; otherwise delete it, and enforce the baseline Pod Security level (or palisade admission) on the namespace.',
  references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline', 'https://attack.mitre.org/techniques/T1611/'],
  events: {
    sources: ['audit'],
    resources: ['pods', 'pods/ephemeralcontainers'],
    verbs: ['create', 'update', 'patch'],
    level: 'Request',
    description: 'an allowed create of a pod (or an ephemeral-containers update) whose request body has a privileged container, hostPID, hostNetwork or hostIPC (needs the Request audit level for pods)',
  },
  options: { namespaces: { type: 'string[]', default: ['kube-system'], description: 'namespaces where such pods are expected (not reported)' } },
  messages: { created: '{{subject}} created pod {{object}} with {{what}}' },
  *detect(event, { options }) {
    const ref = event.objectRef;
    if (ref?.resource !== 'pods' || (ref.apiGroup ?? '') !== '' || !allowed(event)) return;
    const create = ref.subresource === undefined && event.verb === 'create';
    const ephemeral = ref.subresource === 'ephemeralcontainers' && (event.verb === 'update' || event.verb === 'patch');
    if (!create && !ephemeral) return;
    if (ref.namespace !== undefined && options.namespaces.includes(ref.namespace)) return;
    const pod = event.request?.pod;
    if (!pod) return;
    const what: string[] = [];
    if (pod.privileged.length > 0) what.push(`privileged container${pod.privileged.length > 1 ? 's' : ''} ${pod.privileged.join(', ')}`);
    for (const [field, on] of [['hostPID', pod.hostPID], ['hostNetwork', pod.hostNetwork], ['hostIPC', pod.hostIPC]] as const) if (on && create) what.push(field);
    if (what.length === 0) return;
    yield { messageId: 'created', data: { subject: actingUser(event).username, object: objectName(event), what: what.join(', ') } };
  },
});
