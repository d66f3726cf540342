import { defineFlagCheck, requiredFlags } from './support/flag-checks.js';

export default defineFlagCheck({
  id: 'apiserver-audit-policy-missing',
  title: 'API server has no audit policy',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'Without --audit-policy-file the API server records no audit events at all, even with --audit-log-path or an audit webhook configured: the policy decides what is logged.',
  remediation: 'Set --audit-policy-file to a policy that logs every request at least at the Metadata level (and Secrets at no more than Metadata, to keep their data out of the log).',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['3.2.1'], nsa: ['Audit logging and threat detection'] },
  enabledByDefault: true,
  options: {},
  evaluate: requiredFlags(['audit-policy-file'], 'no audit events are recorded'),
});
