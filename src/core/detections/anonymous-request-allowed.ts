import { actingUser, allowed } from '../audit/event.js';
import { defineDetection } from '../model/detection.js';
import { objectName } from './support.js';

export default defineDetection({
  id: 'anonymous-request-allowed',
  title: 'Request allowed to system:anonymous',
  severity: 'high',
  technique: { id: 'T1078.001', name: 'Valid Accounts: Default Accounts', tactic: 'Initial Access' },
  description:
    'With anonymous authentication on, a request without credentials runs as system:anonymous in group system:unauthenticated. Beyond the public health and version endpoints nothing should be allowed to it: a binding that grants it more exposes the cluster to anyone who can reach the API server.',
  remediation: 'Remove the RoleBinding or ClusterRoleBinding that grants system:anonymous or system:unauthenticated access (the audit reason names it), and turn --anonymous-auth off if nothing needs it.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests', 'https://attack.mitre.org/techniques/T1078/001/'],
  events: { sources: ['audit'], level: 'Metadata', description: 'an allowed request by system:anonymous (or in group system:unauthenticated), other than to the public paths' },
  options: {
    publicPaths: {
      type: 'string[]',
      default: ['/healthz', '/livez', '/readyz', '/version', '/.well-known/openid-configuration', '/openid/v1/jwks'],
      description: 'non-resource paths anonymous clients may read (a path matches itself and what is below it)',
    },
  },
  messages: { anonymous: 'anonymous {{verb}} of {{object}} was allowed{{reason}}' },
  *detect(event, { options }) {
    const user = actingUser(event);
    if (user.username !== 'system:anonymous' && !user.groups.includes('system:unauthenticated')) return;
    if (!allowed(event)) return;
    if (!event.objectRef) {
      const path = event.requestURI.split('?')[0] ?? '';
      if (options.publicPaths.some((allowedPath: string) => path === allowedPath || path.startsWith(`${allowedPath}/`))) return;
    }
    const object = event.objectRef ? `${event.objectRef.resource ?? ''}${event.objectRef.subresource ? `/${event.objectRef.subresource}` : ''} ${objectName(event)}` : event.requestURI;
    yield { messageId: 'anonymous', data: { verb: event.verb, object, reason: event.reason ? ` (${event.reason})` : '' } };
  },
});
