import { defineFlagCheck, describeSetting, subject } from './support/flag-checks.js';
import { parseGoInt } from '../control-plane/flags.js';

export default defineFlagCheck({
  id: 'apiserver-audit-log-retention-short',
  title: 'API server keeps too little audit log',
  severity: 'low',
  component: 'kube-apiserver',
  description:
    'The audit log file rotates at --audit-log-maxsize megabytes and old files are deleted beyond --audit-log-maxbackup files or --audit-log-maxage days; small limits delete the evidence of an intrusion before anyone looks. Unset, the count and age are unlimited and files rotate at 100 MB, which this check accepts.',
  remediation: 'Set --audit-log-maxage=30, --audit-log-maxbackup=10 and --audit-log-maxsize=100 or more (or ship the log off the node).',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#log-backend',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.17', '1.2.18', '1.2.19'], nsa: ['Audit logging and threat detection'] },
  enabledByDefault: true,
  options: {
    minAgeDays: { type: 'number', default: 30, description: 'Fewest days old audit log files must be kept (--audit-log-maxage; 0, the default, keeps them forever).' },
    minBackups: { type: 'number', default: 10, description: 'Fewest old audit log files to keep (--audit-log-maxbackup; 0, the default, keeps all).' },
    minSizeMegabytes: { type: 'number', default: 100, description: 'Smallest size in MB at which the audit log may rotate (--audit-log-maxsize; 0, the default, means 100).' },
  },
  messages: {
    ageSet: 'container "{{container}}" runs {{component}} with {{setting}}: old files are deleted after {{value}} days, fewer than {{minimum}}',
    ageUnset: 'container "{{container}}" runs {{component}} without --audit-log-maxage, so old files are deleted after {{value}} days, fewer than {{minimum}}',
    backupsSet: 'container "{{container}}" runs {{component}} with {{setting}}: only {{value}} old files are kept, fewer than {{minimum}}',
    backupsUnset: 'container "{{container}}" runs {{component}} without --audit-log-maxbackup, so only {{value}} old files are kept, fewer than {{minimum}}',
    sizeSet: 'container "{{container}}" runs {{component}} with {{setting}}: the file rotates at {{value}} MB, less than {{minimum}}',
    sizeUnset: 'container "{{container}}" runs {{component}} without --audit-log-maxsize, so the file rotates at {{value}} MB, less than {{minimum}}',
  },
  evaluate: function* (invocation, options) {
    // Only the file backend rotates: no path means no log (apiserver-audit-log-disabled), "-" means standard output.
    const path = invocation.flag('audit-log-path');
    if (path.state !== 'set' || path.setting.value === undefined || path.setting.value === '' || path.setting.value === '-') return;
    const limits = [
      { flag: 'audit-log-maxage', minimum: options.minAgeDays, zero: Infinity, set: 'ageSet', unset: 'ageUnset' },
      { flag: 'audit-log-maxbackup', minimum: options.minBackups, zero: Infinity, set: 'backupsSet', unset: 'backupsUnset' },
      // lumberjack rotates at 100 MB when the size is 0.
      { flag: 'audit-log-maxsize', minimum: options.minSizeMegabytes, zero: 100, set: 'sizeSet', unset: 'sizeUnset' },
    ] as const;
    for (const { flag, minimum, zero, set, unset } of limits) {
      const lookup = invocation.flag(flag);
      if (lookup.state === 'unknown') continue;
      const given = lookup.state === 'set' ? (lookup.setting.value === undefined ? undefined : parseGoInt(lookup.setting.value)) : 0;
      // An unparseable or negative value stops the API server.
      if (given === undefined || given < 0) continue;
      const effective = given === 0 ? zero : given;
      if (effective >= minimum) continue;
      const data = { ...subject(invocation), value: effective, minimum };
      // A numeric flag is never a bare boolean with a stray argument: the setting reads as --name=value.
      if (lookup.state === 'set') yield { path: lookup.setting.valuePath, messageId: set, data: { ...data, setting: describeSetting(lookup.setting) } };
      else yield { path: invocation.listPath, messageId: unset, data };
    }
  },
});
