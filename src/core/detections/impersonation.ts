import { allowed } from '../audit/event.js';
import { defineDetection } from '../model/detection.js';
import { objectName } from './support.js';

export default defineDetection({
  id: 'impersonation',
  title: 'Request made while impersonating another user',
  severity: 'medium',
  technique: { id: 'T1078', name: 'Valid Accounts', tactic: 'Privilege Escalation' },
  description:
    "Impersonation (Impersonate-User, kubectl --as) makes a request with another subject's permissions. Admins use it to test access; anyone else holding impersonate can become any user or service account, system:masters included.",
  remediation: 'Confirm the impersonation was expected; restrict the impersonate verb to the few identities that need it, on named users only (resourceNames).',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation', 'https://attack.mitre.org/techniques/T1078/'],
  events: { sources: ['audit'], level: 'Metadata', description: 'an allowed request whose event carries impersonatedUser' },
  options: { impersonators: { type: 'string[]', default: [], description: 'users whose impersonation is expected (not reported)' } },
  messages: { impersonated: '{{subject}} acted as {{as}}: {{verb}} {{object}}' },
  *detect(event, { options }) {
    if (!event.impersonatedUser || !allowed(event)) return;
    if (options.impersonators.includes(event.user.username)) return;
    const object = event.objectRef ? `${event.objectRef.resource ?? ''} ${objectName(event)}` : event.requestURI;
    yield { messageId: 'impersonated', subject: event.user.username, data: { subject: event.user.username, as: event.impersonatedUser.username, verb: event.verb, object } };
  },
});
