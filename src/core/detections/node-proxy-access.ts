import { actingUser, allowed } from '../audit/event.js';
import { defineDetection } from '../model/detection.js';
import { isSystemComponent } from './support.js';

export default defineDetection({
  id: 'node-proxy-access',
  title: "Kubelet API reached through the node proxy",
  severity: 'high',
  technique: { id: 'T1609', name: 'Container Administration Command', tactic: 'Execution' },
  description:
    "nodes/proxy passes a request through the API server to the node's kubelet API, which runs commands in any of the node's containers (/exec, /run) and reads their logs; the kubelet authorizes it as nodes/proxy, so it bypasses pods/exec rules and their audit.",
  remediation: 'Confirm who used it and why; remove nodes/proxy from every role that does not need it (monitoring should use nodes/metrics and nodes/stats).',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/', 'https://attack.mitre.org/techniques/T1609/'],
  events: { sources: ['audit'], resources: ['nodes/proxy'], level: 'Metadata', description: 'an allowed request to nodes/proxy by a subject other than a control-plane component' },
  options: { trustedNamespaces: { type: 'string[]', default: ['kube-system'], description: 'namespaces whose service accounts are control-plane components' } },
  messages: { proxied: '{{subject}} reached the kubelet of node {{node}} through the API server ({{verb}} {{path}})' },
  *detect(event, { options }) {
    const ref = event.objectRef;
    if (ref?.resource !== 'nodes' || ref.subresource !== 'proxy' || !allowed(event)) return;
    const user = actingUser(event);
    if (isSystemComponent(user, options.trustedNamespaces)) return;
    const path = /\/proxy(\/.*)?$/.exec(event.requestURI.split('?')[0] ?? '')?.[1] ?? '/';
    yield { messageId: 'proxied', data: { subject: user.username, node: ref.name ?? '?', verb: event.verb, path } };
  },
});
