import { actingUser, allowed } from '../audit/event.js';
import { defineDetection } from '../model/detection.js';
import { isGroup, isSystemComponent, objectName } from './support.js';

export default defineDetection({
  id: 'csr-minted',
  title: 'Certificate signing request created or approved',
  severity: 'medium',
  technique: { id: 'T1649', name: 'Steal or Forge Authentication Certificates', tactic: 'Credential Access' },
  description:
    'A CertificateSigningRequest for the kube-apiserver-client signer, once approved, yields a client certificate for any user and groups the requester chose (system:masters included with the legacy signer), valid until it expires and not revocable. Nodes request their own; a person or workload creating or approving one is minting credentials.',
  remediation: 'Confirm the request and its approval were expected; deny or delete unexpected requests, and restrict create and approve on certificatesigningrequests.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/', 'https://attack.mitre.org/techniques/T1649/'],
  events: {
    sources: ['audit'],
    resources: ['certificatesigningrequests', 'certificatesigningrequests/approval'],
    verbs: ['create', 'update', 'patch'],
    level: 'Metadata',
    description: 'an allowed create of a CertificateSigningRequest, or an update of its approval, by a subject other than a node or a control-plane component',
  },
  options: { trustedNamespaces: { type: 'string[]', default: ['kube-system'], description: 'namespaces whose service accounts are control-plane components' } },
  messages: { created: '{{subject}} requested certificate {{object}}', approved: '{{subject}} approved certificate request {{object}}' },
  *detect(event, { options }) {
    const ref = event.objectRef;
    if (!isGroup(event, 'certificates.k8s.io') || ref?.resource !== 'certificatesigningrequests' || !allowed(event)) return;
    const user = actingUser(event);
    if (isSystemComponent(user, options.trustedNamespaces)) return;
    if (ref.subresource === undefined && event.verb === 'create') yield { messageId: 'created', data: { subject: user.username, object: objectName(event) } };
    else if (ref.subresource === 'approval' && (event.verb === 'update' || event.verb === 'patch')) yield { messageId: 'approved', data: { subject: user.username, object: objectName(event) } };
  },
});
