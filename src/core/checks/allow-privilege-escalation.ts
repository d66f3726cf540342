import { defineCheck } from '../model/check.js';
import { capabilityEntries, declaresWindows } from '../pod-security/pods.js';
import { containerSecurityFix } from './support/fixes.js';

export default defineCheck({
  id: 'allow-privilege-escalation',
  title: 'Container allows privilege escalation',
  severity: 'medium',
  category: 'pod-security',
  description:
    'Unless allowPrivilegeEscalation is false the kubelet does not set no_new_privs, so a process can gain privileges through set-user-ID or set-group-ID binaries and file capabilities. The field defaults to true, and is always true for a privileged container or one with CAP_SYS_ADMIN.',
  remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container (init and ephemeral containers included).',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
  ],
  standards: {
    pss: { level: 'restricted', control: 'Privilege Escalation' },
    cis: ['5.2.6'],
    nsa: ['Pod security: non-root containers'],
    mitre: ['T1068'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    privileged: 'container "{{container}}" sets allowPrivilegeEscalation: false but runs privileged, so it can escalate anyway (the API server rejects this combination)',
    sysAdmin: 'container "{{container}}" sets allowPrivilegeEscalation: false but adds "{{capability}}", so it can escalate anyway',
    unset: 'container "{{container}}" does not set allowPrivilegeEscalation: false (it defaults to true)',
    enabled: 'container "{{container}}" sets allowPrivilegeEscalation: true',
    notBoolean: 'container "{{container}}" sets allowPrivilegeEscalation to {{value}}, which is not the boolean false',
  },
  fix: containerSecurityFix('Sets securityContext.allowPrivilegeEscalation: false on the container.', 'allowPrivilegeEscalation', false, ['unset', 'enabled', 'notBoolean']),
  *evaluate({ workload }) {
    // Pod Security exempts pods that declare spec.os.name: windows (v1.25+); the API server forbids the field there.
    if (!workload || declaresWindows(workload)) return;
    for (const container of workload.containers) {
      const { securityContext, securityContextPath, name } = container;
      const value = securityContext.allowPrivilegeEscalation;
      if (value === false) {
        // Documented as always true for a privileged or CAP_SYS_ADMIN container: no_new_privs does not contain them.
        if (securityContext.privileged === true) {
          yield {
            path: [...securityContextPath, 'allowPrivilegeEscalation'],
            messageId: 'privileged',
            data: { container: name },
            container: name,
          };
        } else {
          const sysAdmin = capabilityEntries(container, 'add').find((entry) => entry.name === 'SYS_ADMIN');
          if (sysAdmin) {
            yield {
              path: [...securityContextPath, 'allowPrivilegeEscalation'],
              messageId: 'sysAdmin',
              data: { container: name, capability: sysAdmin.raw },
              container: name,
            };
          }
        }
        continue;
      }
      if (value === undefined || value === null) yield { path: securityContextPath, messageId: 'unset', data: { container: name }, container: name };
      else if (typeof value === 'boolean') yield { path: [...securityContextPath, 'allowPrivilegeEscalation'], messageId: 'enabled', data: { container: name }, container: name };
      else yield { path: [...securityContextPath, 'allowPrivilegeEscalation'], messageId: 'notBoolean', data: { container: name, value: JSON.stringify(value) }, container: name };
    }
  },
});
