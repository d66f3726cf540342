import { defineCheck } from '../model/check.js';
import { KUBELET_CONFIG_KINDS, KUBELET_DEFAULTS, kubeletConfigOf, numberSetting } from '../kinds/kubelet.js';

export default defineCheck({
  id: 'kubelet-event-qps-unlimited',
  title: 'Kubelet event rate is unlimited',
  severity: 'low',
  category: 'control-plane',
  description:
    'An eventRecordQPS of 0 removes the kubelet\'s rate limit on the events it sends to the API server: a crash-looping or deliberately noisy pod can then flood the API server and etcd with events. The default is 50 per second; CIS 4.2.8 accepts 0 in favour of capturing every event, so this is off by default and reports only an explicit 0.',
  remediation: 'Set eventRecordQPS to a positive rate (the default is 50, with eventBurst 100) and protect the API server with the EventRateLimit admission plugin.',
  references: [
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
    'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#eventratelimit',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: {
    cis: ['4.2.8'],
    nsa: ['Network separation: control plane hardening', 'Audit logging and threat detection'],
    mitre: ['T1499'],
  },
  enabledByDefault: false,
  appliesTo: { kinds: KUBELET_CONFIG_KINDS },
  options: {},
  messages: {
    unlimited: 'eventRecordQPS is 0: the kubelet sends events to the API server without a rate limit',
  },
  *evaluate({ resource }) {
    const view = kubeletConfigOf(resource);
    if (!view) return;
    const qps = numberSetting(view, ['eventRecordQPS'], KUBELET_DEFAULTS.eventRecordQPS);
    if (qps?.value !== 0) return;
    yield { path: qps.path, messageId: 'unlimited' };
  },
});
