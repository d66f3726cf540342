import { defineCheck } from '../model/check.js';
import { allows, grantMessages, permissionsFor, permissionViolations, RBAC_REFERENCES, ROLE_KINDS } from './support/rbac.js';
import { GRANT_HOLDER_READS } from './support/rbac-model.js';

const PERMISSIONS = permissionsFor(['update', 'patch'], '', ['services/status']);

export default defineCheck({
  id: 'rbac-services-status',
  title: 'Role can write the status of Services',
  severity: 'medium',
  category: 'rbac',
  description:
    'Writing services/status sets status.loadBalancer.ingress, and kube-proxy then routes traffic for those IPs, from every node, to the Service: a way to intercept traffic meant for other destinations (CVE-2020-8554). Only load-balancer controllers need it.',
  remediation: 'Grant update and patch on services/status only to the cloud or load-balancer controller.',
  references: ['https://github.com/kubernetes/kubernetes/issues/97076', RBAC_REFERENCES.goodPractices, RBAC_REFERENCES.rbac],
  standards: { nsa: ['Authentication and authorization'], mitre: ['T1040'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  reads: GRANT_HOLDER_READS,
  options: {},
  messages: grantMessages({ allows: "rules[{{rule}}] allows {{grants}}: it can claim load-balancer IPs and intercept traffic to them" }),
  *evaluate({ resource, inventory }) {
    yield* permissionViolations(
      { resource, inventory },
      PERMISSIONS,
      (grants, located) => allows('allows', located, grants),
    );
  },
});
