import { defineCheck } from '../model/check.js';
import { describeGrants, namesNote, permissionsFor, permissionViolations, RBAC_REFERENCES, ROLE_KINDS, ruleName, type Permission } from './support/rbac.js';

const GROUP = 'certificates.k8s.io';
/** Approving a CSR takes update on its approval subresource and approve on its signer; both are cluster-scoped. */
const PERMISSIONS: readonly Permission[] = [
  ...permissionsFor(['update', 'patch'], GROUP, ['certificatesigningrequests/approval'], { clusterScoped: true }),
  ...permissionsFor(['approve'], GROUP, ['signers'], { clusterScoped: true, anchor: 'verb' }),
];

export default defineCheck({
  id: 'rbac-csr-approval',
  title: 'Role can approve certificate signing requests',
  severity: 'high',
  category: 'rbac',
  description:
    'Approving a CertificateSigningRequest takes update on certificatesigningrequests/approval plus approve on the signer; together with create on CSRs, they mint client certificates for any user or group the signer accepts, system:masters and nodes included, and certificates cannot be revoked.',
  remediation: 'Leave CSR approval to the controller manager and node bootstrap flow; where a controller must approve, limit approve on signers with resourceNames to its own signer.',
  references: [`${RBAC_REFERENCES.goodPractices}#csrs-and-certificate-issuing`, 'https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization', RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.11'], nsa: ['Authentication and authorization'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  options: {},
  *evaluate({ resource }) {
    yield* permissionViolations(resource, PERMISSIONS, (grants, located) => {
      const approval = grants.some(({ permission }) => permission.resource === 'certificatesigningrequests');
      const signers = grants.some(({ permission }) => permission.resource === 'signers');
      const why =
        approval && signers
          ? 'it can approve certificate requests'
          : approval
            ? 'it can approve certificate requests for any signer it may approve'
            : 'it can approve requests for these signers given update on certificatesigningrequests/approval';
      return `${ruleName(located)} allows ${describeGrants(grants)}${namesNote(located, grants)}: ${why}`;
    });
  },
});
