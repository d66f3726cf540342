import { actingUser, allowed } from '../audit/event.js';
import { defineDetection } from '../model/detection.js';
import { isGroup, isSystemComponent, isWrite, objectName } from './support.js';

export default defineDetection({
  id: 'broad-group-binding',
  title: 'Binding to a broad group created or changed',
  severity: 'high',
  technique: { id: 'T1098', name: 'Account Manipulation', tactic: 'Persistence' },
  description:
    'A binding whose subject is system:authenticated, system:unauthenticated, system:serviceaccounts or system:anonymous grants its role to everyone who can reach the API server, every token holder or every service account: one write opens access cluster-wide.',
  remediation: 'Bind the role to the specific users, groups or service accounts that need it and delete the broad binding.',
  references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege', 'https://attack.mitre.org/techniques/T1098/'],
  events: {
    sources: ['audit'],
    resources: ['rolebindings', 'clusterrolebindings'],
    verbs: ['create', 'update', 'patch'],
    level: 'Request',
    description: 'an allowed create, update or patch of a binding with a broad group or system:anonymous among its subjects (needs the Request audit level for rbac.authorization.k8s.io)',
  },
  options: {
    groups: { type: 'string[]', default: ['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts'], description: 'groups that are too broad to bind to' },
    trustedNamespaces: { type: 'string[]', default: ['kube-system'], description: 'namespaces whose service accounts are control-plane components' },
  },
  messages: { broad: '{{subject}} bound {{roleKind}} {{role}} to {{broad}} ({{binding}})' },
  *detect(event, { options }) {
    const ref = event.objectRef;
    if (!isGroup(event, 'rbac.authorization.k8s.io') || (ref?.resource !== 'rolebindings' && ref?.resource !== 'clusterrolebindings') || ref.subresource !== undefined) return;
    if (!isWrite(event) || !allowed(event)) return;
    const user = actingUser(event);
    if (isSystemComponent(user, options.trustedNamespaces)) return;
    const binding = event.request?.binding;
    if (!binding) return;
    const broad = binding.subjects.filter((subject) => (subject.kind === 'Group' && options.groups.includes(subject.name)) || (subject.kind === 'User' && subject.name === 'system:anonymous')).map((subject) => `${subject.kind} ${subject.name}`);
    if (broad.length === 0) return;
    yield { messageId: 'broad', data: { subject: user.username, roleKind: binding.roleRef.kind, role: binding.roleRef.name, broad: broad.join(', '), binding: `${ref.resource} ${objectName(event)}` } };
  },
});
