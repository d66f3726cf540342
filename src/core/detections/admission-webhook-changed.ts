import { actingUser, allowed } from '../audit/event.js';
import { defineDetection } from '../model/detection.js';
import { isGroup, isSystemComponent, objectName } from './support.js';

const KINDS: Record<string, string> = {
  validatingwebhookconfigurations: 'ValidatingWebhookConfiguration',
  mutatingwebhookconfigurations: 'MutatingWebhookConfiguration',
  validatingadmissionpolicies: 'ValidatingAdmissionPolicy',
  validatingadmissionpolicybindings: 'ValidatingAdmissionPolicyBinding',
  mutatingadmissionpolicies: 'MutatingAdmissionPolicy',
  mutatingadmissionpolicybindings: 'MutatingAdmissionPolicyBinding',
};

export default defineDetection({
  id: 'admission-webhook-changed',
  title: 'Admission control configuration changed',
  severity: 'high',
  technique: { id: 'T1562.001', name: 'Impair Defenses: Disable or Modify Tools', tactic: 'Defense Evasion' },
  description:
    "Admission webhooks and policies are where the cluster's guardrails run. Deleting or loosening one switches a defence off; a new mutating webhook sees, and can rewrite, every object it matches, Secrets included.",
  remediation: 'Confirm the change came from the deployment pipeline of the tool that owns the configuration; restrict writes to admissionregistration.k8s.io to that pipeline.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/', 'https://attack.mitre.org/techniques/T1562/001/'],
  events: { sources: ['audit'], resources: Object.keys(KINDS), verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'], level: 'Metadata', description: 'an allowed write or delete of an admission webhook configuration or admission policy (admissionregistration.k8s.io)' },
  options: { trustedNamespaces: { type: 'string[]', default: ['kube-system'], description: 'namespaces whose service accounts are control-plane components' } },
  messages: { changed: '{{subject}} {{verb}} {{kind}} {{object}}' },
  *detect(event, { options }) {
    const ref = event.objectRef;
    if (!isGroup(event, 'admissionregistration.k8s.io') || !ref?.resource || !Object.hasOwn(KINDS, ref.resource) || ref.subresource !== undefined) return;
    if (!['create', 'update', 'patch', 'delete', 'deletecollection'].includes(event.verb) || !allowed(event)) return;
    const user = actingUser(event);
    if (isSystemComponent(user, options.trustedNamespaces)) return;
    yield { messageId: 'changed', data: { subject: user.username, verb: event.verb, kind: KINDS[ref.resource]!, object: objectName(event) } };
  },
});
