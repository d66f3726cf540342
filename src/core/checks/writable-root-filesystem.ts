import { defineCheck } from '../model/check.js';
import { targetsWindows } from '../pod-security/pods.js';
import { containerSecurityFix } from './support/fixes.js';

export default defineCheck({
  id: 'writable-root-filesystem',
  title: 'Container root filesystem is writable',
  severity: 'low',
  category: 'pod-security',
  description:
    'A writable root filesystem lets an intruder drop tools, modify binaries and persist in the container; readOnlyRootFilesystem defaults to false and has no pod-level setting.',
  remediation: 'Set securityContext.readOnlyRootFilesystem: true on each container and mount an emptyDir where the application must write (for example /tmp).',
  references: [
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
    'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
  ],
  standards: {
    nsa: ['Pod security: immutable container file systems'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    unset: 'container "{{container}}" does not set readOnlyRootFilesystem: true',
    writable: 'container "{{container}}" sets readOnlyRootFilesystem: false',
    notBoolean: 'container "{{container}}" sets readOnlyRootFilesystem to {{value}}, which is not the boolean true',
  },
  fix: containerSecurityFix(
    'Sets securityContext.readOnlyRootFilesystem: true on the container; mount an emptyDir where the process writes (/tmp, caches).',
    'readOnlyRootFilesystem',
    true,
    ['unset', 'writable', 'notBoolean'],
  ),
  *evaluate({ workload }) {
    // Windows containers have no read-only root filesystem; the API server forbids the field for Windows pods.
    if (!workload || targetsWindows(workload)) return;
    for (const container of workload.containers) {
      const value = container.securityContext.readOnlyRootFilesystem;
      if (value === true) continue;
      const data = { container: container.name };
      if (value === undefined || value === null) yield { path: container.securityContextPath, messageId: 'unset', data, container: container.name };
      else if (typeof value === 'boolean') yield { path: [...container.securityContextPath, 'readOnlyRootFilesystem'], messageId: 'writable', data, container: container.name };
      else yield { path: [...container.securityContextPath, 'readOnlyRootFilesystem'], messageId: 'notBoolean', data: { ...data, value: JSON.stringify(value) }, container: container.name };
    }
  },
});
