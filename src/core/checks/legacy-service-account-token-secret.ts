import { defineCheck } from '../model/check.js';
import { asRecord, asString } from '../model/values.js';

export default defineCheck({
  id: 'legacy-service-account-token-secret',
  title: 'Long-lived service account token Secret',
  severity: 'medium',
  category: 'secrets',
  description:
    "A Secret of type kubernetes.io/service-account-token holds a token that never expires and is not bound to a pod: anyone who reads it once keeps the service account's permissions until the Secret is deleted. Since Kubernetes 1.24 pods get short-lived projected tokens instead.",
  remediation: 'Delete the Secret and obtain tokens through the TokenRequest API (kubectl create token, or a projected serviceAccountToken volume with an expiration and audience).',
  references: [
    'https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets',
    'https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#manual-secret-management-for-serviceaccounts',
  ],
  standards: {
    nsa: ['Pod security: protecting pod service account tokens'],
    mitre: ['T1528'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['Secret'] },
  options: {},
  messages: {
    named: 'the Secret holds a long-lived, non-expiring token for ServiceAccount "{{account}}"',
    unnamed: 'the Secret holds a long-lived, non-expiring service account token',
  },
  *evaluate({ resource }) {
    if (resource.object.type !== 'kubernetes.io/service-account-token') return;
    const annotations = asRecord(asRecord(resource.object.metadata)?.annotations);
    const account = asString(annotations?.['kubernetes.io/service-account.name']);
    yield {
      path: ['type'],
      ...(account !== undefined && account !== '' ? { messageId: 'named' as const, data: { account } } : { messageId: 'unnamed' as const }),
    };
  },
});
