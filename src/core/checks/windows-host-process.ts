import { defineCheck } from '../model/check.js';
import { asRecord } from '../model/values.js';
import { describeHeirs, heirMessages } from './support/inheritance.js';

function hostProcessOf(securityContext: Record<string, unknown>): unknown {
  const value = asRecord(securityContext.windowsOptions)?.hostProcess;
  return value === null ? undefined : value;
}

export default defineCheck({
  id: 'windows-host-process',
  title: 'Windows HostProcess container',
  severity: 'critical',
  category: 'pod-security',
  description:
    'A Windows HostProcess container runs directly on the node as a host process, with the host network and file system and, typically, SYSTEM privileges: it is the Windows equivalent of a privileged container.',
  remediation: 'Remove windowsOptions.hostProcess (or set it to false) at the pod and container level; run node management as a reviewed DaemonSet in a dedicated namespace if it is truly needed.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/',
  ],
  standards: {
    pss: { level: 'baseline', control: 'HostProcess' },
    cis: ['5.2.11'],
    nsa: ['Pod security: hardening container environments'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    ...heirMessages({ pod: 'the pod sets windowsOptions.hostProcess: true' }),
    container: 'container "{{container}}" sets windowsOptions.hostProcess: true',
  },
  *evaluate({ workload }) {
    if (!workload) return;
    // The kubelet merges windowsOptions field by field: a container inherits hostProcess unless it sets that field.
    if (hostProcessOf(workload.podSecurityContext) === true) {
      yield {
        path: [...workload.podSecurityContextPath, 'windowsOptions', 'hostProcess'],
        ...describeHeirs('pod', workload, (container) => hostProcessOf(container.securityContext) === undefined),
      };
    }
    for (const container of workload.containers) {
      if (hostProcessOf(container.securityContext) === true) {
        yield {
          path: [...container.securityContextPath, 'windowsOptions', 'hostProcess'],
          messageId: 'container',
          data: { container: container.name },
          container: container.name,
        };
      }
    }
  },
});
