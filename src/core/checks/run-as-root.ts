import { defineCheck } from '../model/check.js';

export default defineCheck({
  id: 'run-as-root',
  title: 'Container may run as root',
  severity: 'medium',
  category: 'pod-security',
  description:
    'Without runAsNonRoot: true or a non-zero runAsUser, the container runs as whatever user the image names, usually root; a root process that escapes the container is root on the node.',
  remediation: 'Set securityContext.runAsNonRoot: true (on the pod, or per container) and run the image as a non-zero UID.',
  references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted'],
  standards: {
    pss: { level: 'restricted', control: 'Running as Non-root' },
    cis: ['5.2.7'],
    nsa: ['Pod security: non-root containers'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    nonRootFalse: 'container "{{container}}" sets runAsNonRoot: false',
    unset: 'container "{{container}}" does not set runAsNonRoot: true or a non-zero runAsUser (neither does the pod)',
  },
  *evaluate({ workload }) {
    for (const container of workload?.containers ?? []) {
      const { runAsNonRoot, runAsUser } = container.effective;
      // The kubelet's rule: runAsNonRoot true, or a non-zero UID, keeps root out.
      if (runAsNonRoot?.value === true) continue;
      if (typeof runAsUser?.value === 'number' && runAsUser.value !== 0) continue;
      if (runAsUser?.value === 0) continue; // reported by run-as-uid-zero
      const path = runAsNonRoot?.value === false ? runAsNonRoot.path : container.securityContextPath;
      yield {
        path,
        messageId: runAsNonRoot?.value === false ? 'nonRootFalse' : 'unset',
        data: { container: container.name },
        container: container.name,
      };
    }
  },
});
