import { defineFlagCheck, subject } from './support/flag-checks.js';
import { isConfigured } from '../control-plane/flags.js';

export default defineFlagCheck({
  id: 'apiserver-audit-log-disabled',
  title: 'API server writes no audit log',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'Without --audit-log-path (or an audit webhook) the API server keeps no record of who did what, so an intrusion or a misused credential leaves nothing to investigate.',
  remediation: 'Set --audit-log-path (on a host directory the pod mounts) with --audit-policy-file, or send events to a collector with --audit-webhook-config-file.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.16'], nsa: ['Audit logging and threat detection'] },
  enabledByDefault: true,
  options: {},
  messages: {
    none: 'container "{{container}}" runs {{component}} without --audit-log-path or --audit-webhook-config-file: no audit events are written',
    emptyPath: 'container "{{container}}" runs {{component}} with an empty --audit-log-path and without --audit-webhook-config-file: no audit events are written',
  },
  evaluate: function* (invocation) {
    const path = invocation.flag('audit-log-path');
    if (isConfigured(path) !== false || isConfigured(invocation.flag('audit-webhook-config-file')) !== false) return;
    const empty = path.state === 'set' ? path.setting.valuePath : undefined;
    yield { path: empty ?? invocation.listPath, messageId: empty ? 'emptyPath' : 'none', data: subject(invocation) };
  },
});
