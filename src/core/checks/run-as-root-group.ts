import { defineCheck } from '../model/check.js';
import { asArray } from '../model/values.js';
import { heirMessages, inheritedBy } from './support/inheritance.js';
import { usesUserNamespace } from '../pod-security/pods.js';

export default defineCheck({
  id: 'run-as-root-group',
  title: 'Pod or container runs with the root group',
  severity: 'low',
  category: 'pod-security',
  description:
    'GID 0 as the primary group (runAsGroup), the volume group (fsGroup) or a supplemental group gives the process the access of the root group to every file it can reach, including host files owned by group root that a mount or escape exposes.',
  remediation: 'Use non-zero GIDs for runAsGroup and fsGroup and remove 0 from supplementalGroups.',
  references: [
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
    'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
  ],
  standards: {
    nsa: ['Pod security: non-root containers'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    ...heirMessages({ podGroup: 'the pod sets runAsGroup: 0' }),
    fsGroup: 'the pod sets fsGroup: 0, so its volumes are group-owned by root and every container runs with group 0',
    supplementalGroup: 'the pod lists group 0 in supplementalGroups, a group of every container',
    containerGroup: 'container "{{container}}" sets runAsGroup: 0',
  },
  *evaluate({ workload }) {
    // In a user namespace GID 0 maps to an unprivileged group of the node.
    if (!workload || usesUserNamespace(workload)) return;
    const pod = workload.podSecurityContext;
    const podPath = workload.podSecurityContextPath;
    if (pod.runAsGroup === 0) {
      yield { path: [...podPath, 'runAsGroup'], ...inheritedBy('podGroup', workload, 'runAsGroup') };
    }
    if (pod.fsGroup === 0) {
      yield { path: [...podPath, 'fsGroup'], messageId: 'fsGroup' };
    }
    const supplemental = asArray(pod.supplementalGroups);
    for (let index = 0; index < supplemental.length; index++) {
      if (supplemental[index] === 0) {
        yield { path: [...podPath, 'supplementalGroups', index], messageId: 'supplementalGroup' };
      }
    }
    for (const container of workload.containers) {
      if (container.securityContext.runAsGroup === 0) {
        yield { path: [...container.securityContextPath, 'runAsGroup'], messageId: 'containerGroup', data: { container: container.name }, container: container.name };
      }
    }
  },
});
