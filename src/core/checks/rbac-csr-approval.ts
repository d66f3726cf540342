import { defineCheck } from '../model/check.js';
import { allowsData, grantPath, grantsOf, permissionsFor, RBAC_REFERENCES, ROLE_KINDS, rulesOf, type Permission } from './support/rbac.js';

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
  messages: {
    both: 'rules[{{rule}}] allows {{grants}}: it can approve certificate requests',
    withOther: 'rules[{{rule}}] allows {{grants}}: with rules[{{other}}] it can approve certificate requests',
    approvalHalf: 'rules[{{rule}}] allows {{grants}}: half of approving certificate requests; the other half is approve on signers',
    signersHalf: 'rules[{{rule}}] allows {{grants}}: half of approving certificate requests; the other half is update on certificatesigningrequests/approval',
  },
  *evaluate({ resource }) {
    const halves = rulesOf(resource).map((located) => {
      const grants = grantsOf(resource, located, PERMISSIONS);
      return {
        located,
        grants,
        approval: grants.some(({ permission }) => permission.resource === 'certificatesigningrequests'),
        signers: grants.some(({ permission }) => permission.resource === 'signers'),
      };
    });
    for (const { located, grants, approval, signers } of halves) {
      if (grants.length === 0) continue;
      const path = grantPath(located, grants);
      const data = allowsData(located, grants);
      if (approval && signers) {
        yield { path, messageId: 'both', data };
        continue;
      }
      const other = halves.find((half) => (approval ? half.signers : half.approval));
      if (other) yield { path, messageId: 'withOther', data: { ...data, other: other.located.index } };
      else yield { path, messageId: approval ? 'approvalHalf' : 'signersHalf', data };
    }
  },
});
