import { defineCheck } from '../model/check.js';
import { usesUserNamespace } from '../pod-security/pods.js';
import { heirMessages, inheritedBy } from './support/inheritance.js';
import { fixedContainer, FIX_COMMENT } from './support/fixes.js';

export default defineCheck({
  id: 'run-as-root',
  title: 'Container may run as root',
  severity: 'medium',
  category: 'pod-security',
  description:
    'Only runAsNonRoot: true makes the kubelet refuse to start a container as root; without it the container runs as whatever user the image (or a runAsUser) names, usually root, and a root process that escapes the container is root on the node. Pod Security restricted requires runAsNonRoot: true on the pod or on every container, and rejects an explicit false wherever it is written.',
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
    ...heirMessages({ pod: 'the pod sets runAsNonRoot: false' }),
    nonRootFalse: 'container "{{container}}" sets runAsNonRoot: false',
    uidOnly: 'container "{{container}}" runs as UID {{uid}} but does not set runAsNonRoot: true (neither does the pod), which Pod Security restricted requires',
    unset: 'container "{{container}}" does not set runAsNonRoot: true (neither does the pod)',
  },
  fix: {
    description:
      'Sets securityContext.runAsNonRoot: true where the finding is (the pod, or the container). The kubelet then refuses to start a container whose image runs as root: where no runAsUser says otherwise, the fix says so in a comment, and the image needs a non-root USER.',
    edits({ workload }, finding) {
      if (!workload) return [];
      if (finding.messageId?.startsWith('pod')) return [{ kind: 'set', path: [...workload.podSecurityContextPath, 'runAsNonRoot'], value: true }];
      const container = fixedContainer(workload, finding);
      if (!container) return [];
      const path = [...container.securityContextPath, 'runAsNonRoot'];
      // A non-zero runAsUser already keeps the process off root: the field only makes it checked.
      if (finding.messageId === 'uidOnly') return [{ kind: 'set', path, value: true }];
      return [{ kind: 'set', path, value: true, comment: `${FIX_COMMENT} the image must run as a non-root user (USER in its Dockerfile, or set runAsUser)` }];
    },
  },
  *evaluate({ workload }) {
    // In a user namespace root is not the node's root; Pod Security relaxes this control there (v1.35+).
    if (!workload || usesUserNamespace(workload)) return;
    // Pod Security's rule: an explicit false is a violation wherever it is written (the pod's
    // false is one even when every container sets true: containers added later inherit it);
    // a container that sets nothing needs the pod's true. runAsUser does not count.
    const pod = workload.podSecurityContext.runAsNonRoot;
    if (pod === false) {
      yield {
        path: [...workload.podSecurityContextPath, 'runAsNonRoot'],
        ...inheritedBy('pod', workload, 'runAsNonRoot'),
      };
    }
    for (const container of workload.containers) {
      const own = container.securityContext.runAsNonRoot;
      if (own === true) continue;
      if (own === false) {
        yield {
          path: [...container.securityContextPath, 'runAsNonRoot'],
          messageId: 'nonRootFalse',
          data: { container: container.name },
          container: container.name,
        };
        continue;
      }
      if (pod === true || pod === false) continue; // true keeps root out; false is reported once, at the pod
      const { runAsUser } = container.effective;
      if (runAsUser?.value === 0) continue; // reported by run-as-uid-zero
      const uid = typeof runAsUser?.value === 'number' ? runAsUser.value : undefined;
      yield {
        path: container.securityContextPath,
        messageId: uid === undefined ? 'unset' : 'uidOnly',
        data: uid === undefined ? { container: container.name } : { container: container.name, uid },
        container: container.name,
      };
    }
  },
});
