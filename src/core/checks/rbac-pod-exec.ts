import { defineCheck } from '../model/check.js';
import { allows, grantMessages, permissionsFor, permissionViolations, RBAC_REFERENCES, ROLE_KINDS, type Permission } from './support/rbac.js';
import { GRANT_HOLDER_READS } from './support/rbac-model.js';

const STREAMS = ['pods/exec', 'pods/attach', 'pods/portforward'];

export default defineCheck({
  id: 'rbac-pod-exec',
  title: 'Role can run commands in running pods',
  severity: 'high',
  category: 'rbac',
  description:
    "create on pods/exec, pods/attach or pods/portforward opens a shell, a terminal or a port inside existing containers, with their service account token, secrets and network position; before Kubernetes 1.35 get suffices over WebSocket. update or patch on pods/ephemeralcontainers adds a debug container with any image to a running pod.",
  remediation:
    'Remove these subresources from roles used day to day; grant them to a break-glass role, limited with resourceNames where possible, and audit their use.',
  references: [RBAC_REFERENCES.goodPractices, RBAC_REFERENCES.rbac, 'https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container'],
  standards: { nsa: ['Authentication and authorization'], mitre: ['T1609'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  reads: GRANT_HOLDER_READS,
  options: {
    getOverWebSocket: {
      type: 'boolean',
      default: true,
      description:
        'Also report get on pods/exec, pods/attach and pods/portforward, which opens the stream over WebSocket on clusters before 1.35; set false when every cluster checks create for these upgrades.',
    },
  },
  messages: grantMessages({ allows: "rules[{{rule}}] allows {{grants}}: code runs inside existing pods with their credentials" }),
  *evaluate({ resource, inventory, options }) {
    const permissions: Permission[] = [
      ...permissionsFor(options.getOverWebSocket ? ['create', 'get'] : ['create'], '', STREAMS),
      ...permissionsFor(['update', 'patch'], '', ['pods/ephemeralcontainers']),
    ];
    yield* permissionViolations(
      { resource, inventory },
      permissions,
      (grants, located) => allows('allows', located, grants),
    );
  },
});
