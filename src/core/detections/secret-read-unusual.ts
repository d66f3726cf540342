import { actingUser, allowed, serviceAccountOf } from '../audit/event.js';
import { defineDetection } from '../model/detection.js';
import { isSystemComponent } from './support.js';

export interface FirstSeen {
  /** subject + secret pairs seen, oldest first (a Set keeps insertion order) */
  pairs: Set<string>;
}

export default defineDetection({
  id: 'secret-read-unusual',
  title: 'Secret read by an unusual subject (first seen)',
  severity: 'high',
  technique: { id: 'T1552.007', name: 'Unsecured Credentials: Container API', tactic: 'Credential Access' },
  description:
    "Secrets hold the cluster's credentials. A workload reads its own through its service account and the control plane reads what it needs; any other subject reading or listing Secrets (a person, another namespace's service account, a CI identity) is how stolen credentials are harvested. Each subject and secret pair alerts once, the first time it is seen.",
  remediation: "Confirm the read was expected; if not, revoke the subject's access to Secrets, rotate the secret and look at what else the subject did.",
  references: ['https://kubernetes.io/docs/concepts/security/secrets-good-practices/', 'https://attack.mitre.org/techniques/T1552/007/'],
  events: {
    sources: ['audit'],
    resources: ['secrets'],
    verbs: ['get', 'list', 'watch'],
    level: 'Metadata',
    description: "an allowed get, list or watch of Secrets by a subject that is neither a control-plane component nor a service account of the secret's own namespace; the first time each subject and secret (or namespace, for a list) pair is seen",
  },
  options: {
    sameNamespaceServiceAccounts: { type: 'boolean', default: true, description: "a service account reading Secrets of its own namespace is the workload's own access: not reported" },
    trustedNamespaces: { type: 'string[]', default: ['kube-system'], description: "namespaces whose service accounts are control-plane components" },
    maxPairs: { type: 'number', default: 100_000, description: 'subject and secret pairs remembered; past it the oldest are forgotten (and may alert again)' },
  },
  messages: {
    read: '{{subject}} read secret {{object}} ({{verb}}), a first for this subject',
    list: '{{subject}} listed the secrets of {{scope}} ({{verb}}), a first for this subject',
  },
  initialState: (): FirstSeen => ({ pairs: new Set() }),
  *detect(event, { options, state }) {
    const ref = event.objectRef;
    if (ref?.resource !== 'secrets' || ref.subresource !== undefined || (ref.apiGroup ?? '') !== '') return;
    if (event.verb !== 'get' && event.verb !== 'list' && event.verb !== 'watch') return;
    const user = actingUser(event);
    if (!allowed(event) || isSystemComponent(user, options.trustedNamespaces)) return;
    const account = serviceAccountOf(user.username);
    if (options.sameNamespaceServiceAccounts && account && ref.namespace !== undefined && account.namespace === ref.namespace) return;
    const secret = ref.name !== undefined ? `${ref.namespace ?? ''}/${ref.name}` : `${ref.namespace ?? ''}/*`;
    const pair = `${user.username}\u0000${secret}`;
    if (state.pairs.has(pair)) return;
    state.pairs.add(pair);
    while (state.pairs.size > options.maxPairs) state.pairs.delete(state.pairs.values().next().value!);
    if (ref.name !== undefined) yield { messageId: 'read', key: pair, data: { subject: user.username, object: secret.replace(/^\//, ''), verb: event.verb } };
    else yield { messageId: 'list', key: pair, data: { subject: user.username, scope: ref.namespace ? `namespace ${ref.namespace}` : 'every namespace', verb: event.verb } };
  },
});
