import { defineCheck } from '../model/check.js';
import { podExposure, powerMessages, serviceAccountPower, serviceAccountPowers } from './support/rbac-model.js';
import { RBAC_REFERENCES } from './support/rbac.js';
import { podServiceAccount, projectedTokenVolumes } from '../kinds/service-accounts.js';
import { tokenAutomount } from './support/service-accounts.js';

export default defineCheck({
  id: 'powerful-service-account-exposed',
  title: 'Powerful service account token in a privileged or exposed pod',
  severity: 'critical',
  category: 'service-accounts',
  description:
    'The pod holds the token of a service account that is cluster-admin equivalent, can reach cluster-admin, or can read every secret, and it is also easy to reach or to escape: exposed by a NodePort or LoadBalancer Service, external IPs or an Ingress, or privileged or sharing host namespaces. One exploited request, or one escape from a neighbouring container on the node, hands over the cluster.',
  remediation:
    'Split the workload: serve traffic from pods without API credentials and keep the powerful service account in an unexposed, unprivileged controller; otherwise cut the service account down to what the pod uses.',
  references: [RBAC_REFERENCES.goodPractices, 'https://kubernetes.io/docs/concepts/security/service-accounts/', RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.1', '5.1.6'], nsa: ['Pod security: protecting pod service account tokens', 'Authentication and authorization'], mitre: ['T1528', 'T1190', 'T1611'] },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  reads: { kinds: ['Ingress', 'Service', 'ServiceAccount'], lookups: 'namespace', analyses: [serviceAccountPowers], scope: 'cluster' },
  options: {},
  messages: powerMessages('the pod runs as serviceaccount:{{namespace}}:{{account}}, which ', ', and {{exposure}}'),
  *evaluate({ workload, resource, inventory }) {
    if (!workload || resource.ref.kind === 'PodTemplate') return;
    if (!tokenAutomount(workload, resource, inventory).mounted && projectedTokenVolumes(workload).length === 0) return;
    const account = podServiceAccount(workload);
    const namespace = resource.ref.namespace ?? 'default';
    const power = serviceAccountPower(inventory, namespace, account.name);
    if (!power) return;
    const exposure = podExposure(workload, resource, inventory);
    if (exposure.length === 0) return;
    yield { path: account.path, messageId: power.how, data: { namespace, account: account.name, detail: power.detail, exposure: exposure.join(', ') } };
  },
});
