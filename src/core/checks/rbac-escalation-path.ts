import { defineCheck } from '../model/check.js';
import { rbacBindingsByResource, rbacEscalations } from '../rbac/analyses.js';
import { formatSubject } from '../rbac/subjects.js';
import { BINDING_KINDS, RBAC_REFERENCES } from './support/rbac.js';
import { isRbacObject } from '../rbac/model.js';
import { escalationsOf, pathText } from './support/rbac-model.js';

export default defineCheck({
  id: 'rbac-escalation-path',
  title: 'Binding opens a path to cluster-admin or to every secret',
  severity: 'critical',
  category: 'rbac',
  description:
    'The subject is not cluster-admin, but a chain of steps gets it there: create a pod in a namespace with a powerful service account, mint or read that account\'s token, exec into its pods, impersonate it, bind a cluster-admin role, or get a client certificate for system:masters approved. Each step is an ordinary permission; together they hand over the cluster to whoever holds the first. Reported on the binding that grants the first step, with every step and the binding, role and rule behind it.',
  remediation:
    'Break the chain at its first step: remove the permission from the role (or the subject from the binding), or move the powerful service account out of the namespace and give it only what it needs.',
  references: [RBAC_REFERENCES.goodPractices, 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping', RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.1', '5.1.4', '5.1.8'], nsa: ['Authentication and authorization'], mitre: ['T1098.006', 'T1078.001'] },
  enabledByDefault: true,
  appliesTo: { kinds: BINDING_KINDS },
  reads: { analyses: [rbacBindingsByResource, rbacEscalations], scope: 'cluster' },
  options: {},
  messages: {
    clusterAdmin: '{{subject}} reaches cluster-admin in {{steps}} step(s): {{path}}',
    secrets: '{{subject}} reaches every secret of the cluster in {{steps}} step(s): {{path}}',
  },
  *evaluate({ resource, inventory }) {
    if (!isRbacObject(resource)) return;
    const binding = inventory.get(rbacBindingsByResource).get(resource);
    if (!binding) return;
    const paths = escalationsOf(inventory);
    for (const subject of binding.subjects) {
      const path = paths.get(formatSubject(subject.kind === 'ServiceAccount' ? { kind: 'ServiceAccount', namespace: subject.namespace ?? '', name: subject.name } : subject));
      const first = path?.steps[0]?.binding;
      if (!path || !first || first.kind !== binding.kind || first.name !== binding.name || first.namespace !== binding.namespace || first.subjectIndex !== subject.index) continue;
      const data = { subject: path.subject, steps: path.steps.length, path: pathText(path) };
      yield { path: ['subjects', subject.index, 'name'], messageId: path.reaches === 'cluster-admin' ? 'clusterAdmin' : 'secrets', data };
    }
  },
});
