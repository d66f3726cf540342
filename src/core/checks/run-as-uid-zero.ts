import { defineCheck } from '../model/check.js';
import { heirMessages, inheritedBy } from './support/inheritance.js';
import { usesUserNamespace } from '../pod-security/pods.js';

export default defineCheck({
  id: 'run-as-uid-zero',
  title: 'Container runs as UID 0',
  severity: 'high',
  category: 'pod-security',
  description:
    'runAsUser: 0 runs the container as root whatever user the image names; a root process that escapes the container is root on the node. Containers inherit the pod-level runAsUser unless they set their own.',
  remediation: 'Set runAsUser to a non-zero UID (and runAsNonRoot: true) at the pod or container level, or run the pod in a user namespace with hostUsers: false.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
  ],
  standards: {
    pss: { level: 'restricted', control: 'Running as Non-root user' },
    cis: ['5.2.7'],
    nsa: ['Pod security: non-root containers'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    ...heirMessages({ pod: 'the pod sets runAsUser: 0' }),
    container: 'container "{{container}}" sets runAsUser: 0',
  },
  *evaluate({ workload }) {
    // In a user namespace UID 0 maps to an unprivileged node UID; Pod Security allows it (v1.35+).
    if (!workload || usesUserNamespace(workload)) return;
    // Reported where it is written, as Pod Security does: once for the pod, once per container that sets it.
    if (workload.podSecurityContext.runAsUser === 0) {
      yield {
        path: [...workload.podSecurityContextPath, 'runAsUser'],
        ...inheritedBy('pod', workload, 'runAsUser'),
      };
    }
    for (const container of workload.containers) {
      if (container.securityContext.runAsUser === 0) {
        yield {
          path: [...container.securityContextPath, 'runAsUser'],
          messageId: 'container',
          data: { container: container.name },
          container: container.name,
        };
      }
    }
  },
});
