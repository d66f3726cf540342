import { actingUser, allowed } from '../audit/event.js';
import { defineDetection } from '../model/detection.js';
import { isGroup, isSystemComponent, isWrite, objectName } from './support.js';

export default defineDetection({
  id: 'powerful-role-binding',
  title: 'Binding to a powerful role created or changed',
  severity: 'critical',
  technique: { id: 'T1098', name: 'Account Manipulation', tactic: 'Privilege Escalation' },
  description:
    'A RoleBinding or ClusterRoleBinding to cluster-admin (or another role listed as powerful) makes its subjects administrators: the classic way to keep or raise access once an attacker can write bindings.',
  remediation: 'Confirm the grant was intended and approved; if not, delete the binding and find how the writer got the right to bind that role.',
  references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/', 'https://attack.mitre.org/techniques/T1098/'],
  events: {
    sources: ['audit'],
    resources: ['rolebindings', 'clusterrolebindings'],
    verbs: ['create', 'update', 'patch'],
    level: 'Request',
    description: 'an allowed create, update or patch of a RoleBinding or ClusterRoleBinding whose roleRef names a powerful role (needs the Request audit level for rbac.authorization.k8s.io)',
  },
  options: {
    roles: { type: 'string[]', default: ['cluster-admin'], description: 'roles whose bindings are reported' },
    trustedNamespaces: { type: 'string[]', default: ['kube-system'], description: 'namespaces whose service accounts are control-plane components' },
  },
  messages: { bound: '{{subject}} bound {{roleKind}} {{role}} to {{subjects}} ({{binding}})' },
  *detect(event, { options }) {
    const ref = event.objectRef;
    if (!isGroup(event, 'rbac.authorization.k8s.io') || (ref?.resource !== 'rolebindings' && ref?.resource !== 'clusterrolebindings') || ref.subresource !== undefined) return;
    if (!isWrite(event) || !allowed(event)) return;
    const user = actingUser(event);
    if (isSystemComponent(user, options.trustedNamespaces)) return;
    const binding = event.request?.binding;
    if (!binding || !options.roles.includes(binding.roleRef.name)) return;
    const subjects = binding.subjects.map((subject) => `${subject.kind} ${subject.namespace ? `${subject.namespace}/` : ''}${subject.name}`).join(', ') || 'no subjects';
    yield { messageId: 'bound', data: { subject: user.username, roleKind: binding.roleRef.kind, role: binding.roleRef.name, subjects, binding: `${ref.resource} ${objectName(event)}` } };
  },
});
