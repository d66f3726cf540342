import { defineCheck } from '../model/check.js';
import { allows, grantMessages, permissionsFor, permissionViolations, RBAC_REFERENCES, ROLE_KINDS } from './support/rbac.js';
import { GRANT_HOLDER_READS } from './support/rbac-model.js';

const ADMISSION_RESOURCES = [
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
];
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const PERMISSIONS = permissionsFor(WRITE_VERBS, 'admissionregistration.k8s.io', ADMISSION_RESOURCES, { clusterScoped: true });

export default defineCheck({
  id: 'rbac-webhook-config-edit',
  title: 'Role can change admission webhooks or policies',
  severity: 'high',
  category: 'rbac',
  description:
    'Admission webhooks and ValidatingAdmissionPolicies enforce the cluster\'s security policy; whoever can write or delete them can switch that enforcement off, make a mutating webhook rewrite every object created, or receive every object sent to the API, secrets included.',
  remediation: 'Grant writes on admissionregistration.k8s.io configurations only to the cluster administrators and the controllers that own them, limited with resourceNames.',
  references: [`${RBAC_REFERENCES.goodPractices}#control-admission-webhooks`, 'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/', RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.12'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  reads: GRANT_HOLDER_READS,
  options: {},
  messages: grantMessages({ allows: "rules[{{rule}}] allows {{grants}}: it can disable or subvert admission control" }),
  *evaluate({ resource, inventory }) {
    yield* permissionViolations(
      { resource, inventory },
      PERMISSIONS,
      (grants, located) => allows('allows', located, grants),
    );
  },
});
