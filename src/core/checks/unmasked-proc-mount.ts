import { defineCheck } from '../model/check.js';
import { usesUserNamespace } from '../pod-security/pods.js';

export default defineCheck({
  id: 'unmasked-proc-mount',
  title: 'Container /proc is unmasked',
  severity: 'medium',
  category: 'pod-security',
  description:
    "The runtime masks and makes read-only the sensitive parts of /proc (kcore, sysrq-trigger, kernel tunables); procMount: Unmasked removes those protections. The API server accepts it only with hostUsers: false; Pod Security baseline allows it there since v1.35, restricted never does.",
  remediation: 'Remove securityContext.procMount or set it to Default.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/',
  ],
  standards: {
    pss: { level: 'baseline', control: '/proc Mount Type' },
    nsa: ['Pod security: hardening container environments'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {
    allowInUserNamespace: {
      type: 'boolean',
      default: false,
      description: 'Accept an unmasked /proc in pods with hostUsers: false, as Pod Security baseline does since v1.35 (restricted still forbids it).',
    },
  },
  messages: {
    unmasked: 'container "{{container}}" sets procMount: {{procMount}}',
    unmaskedInUserNamespace: 'container "{{container}}" sets procMount: {{procMount}} (in a user namespace)',
  },
  *evaluate({ workload, options }) {
    if (!workload) return;
    const userNamespace = usesUserNamespace(workload);
    if (userNamespace && options.allowInUserNamespace) return;
    for (const container of workload.containers) {
      const procMount = container.securityContext.procMount;
      if (procMount === undefined || procMount === null || procMount === 'Default') continue;
      yield {
        path: [...container.securityContextPath, 'procMount'],
        messageId: userNamespace ? 'unmaskedInUserNamespace' : 'unmasked',
        data: { container: container.name, procMount: String(procMount) },
        container: container.name,
      };
    }
  },
});
