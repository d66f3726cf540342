import { actingUser, allowed } from '../audit/event.js';
import { defineDetection } from '../model/detection.js';
import { isSystemComponent, objectName } from './support.js';

export default defineDetection({
  id: 'service-account-token-minted',
  title: 'Service account token minted',
  severity: 'medium',
  technique: { id: 'T1528', name: 'Steal Application Access Token', tactic: 'Credential Access' },
  description:
    "A TokenRequest (serviceaccounts/token) mints a token for a service account: whoever holds it acts as that account until it expires, from anywhere. Kubelets mint tokens for their pods; anyone else doing it is borrowing the account's power.",
  remediation: "Confirm who minted the token and for what; restrict create on serviceaccounts/token, and if it was not expected, review the account's power and what the token was used for.",
  references: ['https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/', 'https://attack.mitre.org/techniques/T1528/'],
  events: { sources: ['audit'], resources: ['serviceaccounts/token'], verbs: ['create'], level: 'Metadata', description: 'an allowed create of serviceaccounts/token by a subject other than a node or a control-plane component' },
  options: { trustedNamespaces: { type: 'string[]', default: ['kube-system'], description: 'namespaces whose service accounts are control-plane components' } },
  messages: { minted: '{{subject}} minted a token for service account {{object}}' },
  *detect(event, { options }) {
    const ref = event.objectRef;
    if (ref?.resource !== 'serviceaccounts' || ref.subresource !== 'token' || event.verb !== 'create' || !allowed(event)) return;
    const user = actingUser(event);
    if (isSystemComponent(user, options.trustedNamespaces)) return;
    yield { messageId: 'minted', data: { subject: user.username, object: objectName(event) } };
  },
});
