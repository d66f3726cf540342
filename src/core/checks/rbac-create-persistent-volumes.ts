import { defineCheck } from '../model/check.js';
import { allows, grantMessages, permissionsFor, permissionViolations, RBAC_REFERENCES, ROLE_KINDS } from './support/rbac.js';
import { GRANT_HOLDER_READS } from './support/rbac-model.js';

/** PersistentVolumes are cluster-scoped: a Role cannot grant them. */
const PERMISSIONS = permissionsFor(['create'], '', ['persistentvolumes'], { clusterScoped: true });

export default defineCheck({
  id: 'rbac-create-persistent-volumes',
  title: 'Role can create PersistentVolumes',
  severity: 'medium',
  category: 'rbac',
  description:
    'A PersistentVolume can be a hostPath volume: whoever creates one and can claim it from a pod mounts any directory of the node, bypassing the Pod Security checks that forbid hostPath in pods.',
  remediation: 'Let a storage class provisioner create PersistentVolumes; grant users create on persistentvolumeclaims instead.',
  references: [`${RBAC_REFERENCES.goodPractices}#persistent-volume-creation`, 'https://kubernetes.io/docs/concepts/storage/persistent-volumes/', RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.9'], nsa: ['Authentication and authorization'], mitre: ['T1611'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  reads: GRANT_HOLDER_READS,
  options: {},
  messages: grantMessages({ allows: "rules[{{rule}}] allows {{grants}}: a hostPath volume exposes the node's file system to pods that claim it" }),
  *evaluate({ resource, inventory }) {
    yield* permissionViolations(
      { resource, inventory },
      PERMISSIONS,
      (grants, located) => allows('allows', located, grants, false),
    );
  },
});
