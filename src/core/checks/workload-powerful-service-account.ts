import { defineCheck } from '../model/check.js';
import { podExposure, powerMessages, serviceAccountPower, serviceAccountPowers } from './support/rbac-model.js';
import { RBAC_REFERENCES } from './support/rbac.js';
import { podServiceAccount, projectedTokenVolumes } from '../kinds/service-accounts.js';
import { tokenAutomount } from './support/service-accounts.js';

export default defineCheck({
  id: 'workload-powerful-service-account',
  title: 'Pod runs with the token of a powerful service account',
  severity: 'high',
  category: 'service-accounts',
  description:
    'The pod receives the API token of a service account that is cluster-admin equivalent, can reach cluster-admin through an escalation path, or can read every secret in the cluster. Any code execution in the pod (a vulnerable dependency, an exposed debug endpoint) then becomes control of the cluster. Pods that are also privileged or exposed outside the cluster are reported by powerful-service-account-exposed instead.',
  remediation:
    'Give the workload a service account with only the permissions it uses, or set automountServiceAccountToken: false when it does not call the API; move cluster-wide controllers into a namespace only administrators can deploy to.',
  references: [RBAC_REFERENCES.goodPractices, 'https://kubernetes.io/docs/concepts/security/service-accounts/', RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.1', '5.1.6'], nsa: ['Pod security: protecting pod service account tokens', 'Authentication and authorization'], mitre: ['T1528', 'T1552.007'] },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  reads: { kinds: ['Ingress', 'Service', 'ServiceAccount'], lookups: 'namespace', analyses: [serviceAccountPowers], scope: 'cluster' },
  options: {},
  messages: powerMessages('the pod runs as serviceaccount:{{namespace}}:{{account}} with its token, which ', ': code execution in the pod is worth that much'),
  *evaluate({ workload, resource, inventory }) {
    if (!workload || resource.ref.kind === 'PodTemplate') return;
    if (!tokenAutomount(workload, resource, inventory).mounted && projectedTokenVolumes(workload).length === 0) return;
    const account = podServiceAccount(workload);
    const namespace = resource.ref.namespace ?? 'default';
    const power = serviceAccountPower(inventory, namespace, account.name);
    if (!power || podExposure(workload, resource, inventory).length > 0) return;
    yield { path: account.path, messageId: power.how, data: { namespace, account: account.name, detail: power.detail } };
  },
});
