import { actingUser, allowed } from '../audit/event.js';
import { defineDetection } from '../model/detection.js';
import { isGroup, isSystemComponent, objectName } from './support.js';

const POWERFUL_VERBS = ['escalate', 'bind', 'impersonate', '*'];

export default defineDetection({
  id: 'powerful-role-change',
  title: 'Powerful role created or changed',
  severity: 'high',
  technique: { id: 'T1098', name: 'Account Manipulation', tactic: 'Privilege Escalation' },
  description:
    "A Role or ClusterRole granting escalate, bind or impersonate (or every verb) lets its holders grant themselves anything or act as anyone; a change to cluster-admin itself, or to a role's aggregation, changes what every administrator binding grants.",
  remediation: 'Confirm the change was intended; remove escalate, bind, impersonate and wildcard verbs from roles that do not need them.',
  references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb', 'https://attack.mitre.org/techniques/T1098/'],
  events: {
    sources: ['audit'],
    resources: ['roles', 'clusterroles'],
    verbs: ['create', 'update', 'patch', 'delete'],
    level: 'Request',
    description: 'an allowed write of a Role or ClusterRole granting escalate, bind, impersonate or *, or any write to a role listed as powerful (the Metadata level is enough for those)',
  },
  options: {
    roles: { type: 'string[]', default: ['cluster-admin', 'admin'], description: 'roles any change to which is reported' },
    trustedNamespaces: { type: 'string[]', default: ['kube-system'], description: 'namespaces whose service accounts are control-plane components' },
  },
  messages: {
    verbs: '{{subject}} {{verb}} {{kind}} {{object}} granting {{verbs}}',
    named: '{{subject}} {{verb}} powerful {{kind}} {{object}}',
  },
  *detect(event, { options }) {
    const ref = event.objectRef;
    if (!isGroup(event, 'rbac.authorization.k8s.io') || (ref?.resource !== 'roles' && ref?.resource !== 'clusterroles') || ref.subresource !== undefined) return;
    if (!['create', 'update', 'patch', 'delete'].includes(event.verb) || !allowed(event)) return;
    const user = actingUser(event);
    if (isSystemComponent(user, options.trustedNamespaces)) return;
    const kind = ref.resource === 'roles' ? 'Role' : 'ClusterRole';
    const verbs = new Set<string>();
    for (const rule of event.request?.role?.rules ?? []) for (const verb of rule.verbs) if (POWERFUL_VERBS.includes(verb)) verbs.add(verb);
    const data = { subject: user.username, verb: event.verb === 'create' ? 'created' : event.verb === 'delete' ? 'deleted' : 'changed', kind, object: objectName(event) };
    if (verbs.size > 0 && event.verb !== 'delete') yield { messageId: 'verbs', data: { ...data, verbs: [...verbs].sort().join(', ') } };
    else if (ref.name !== undefined && options.roles.includes(ref.name)) yield { messageId: 'named', data };
  },
});
