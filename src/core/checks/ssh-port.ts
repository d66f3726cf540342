import { defineCheck } from '../model/check.js';
import { WORKLOAD_KINDS } from '../kinds/pod-spec.js';
import { asArray, asRecord, asString } from '../model/values.js';
import { containerPorts } from './support/network.js';
import { describeContainer } from './support/resources.js';

const SSH = 22;

export default defineCheck({
  id: 'ssh-port',
  title: 'SSH port exposed',
  severity: 'medium',
  category: 'network',
  description:
    'An SSH server in a container is a remote shell that bypasses the Kubernetes API, its RBAC and its audit log; it usually carries long-lived keys or passwords and invites in-place changes to running containers.',
  remediation: 'Remove the SSH server and port; use kubectl exec or kubectl debug, which RBAC controls and the audit log records.',
  references: [
    'https://kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/',
    'https://kubernetes.io/docs/concepts/services-networking/service/',
  ],
  standards: {
    mitre: ['T1133'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: [...WORKLOAD_KINDS, 'Service'].sort() },
  options: {},
  *evaluate({ resource, workload }) {
    if (workload) {
      for (const container of workload.containers) {
        for (const port of containerPorts(container)) {
          if (port.port !== SSH || port.protocol !== 'TCP') continue;
          yield { path: port.path, message: `${describeContainer(container)} exposes the SSH port 22`, container: container.name };
        }
      }
      return;
    }
    if (resource.ref.kind !== 'Service') return;
    for (const [index, item] of asArray(asRecord(resource.object.spec)?.ports).entries()) {
      const entry = asRecord(item);
      if (!entry || (asString(entry.protocol) ?? 'TCP') !== 'TCP') continue;
      if (entry.port === SSH) {
        yield { path: ['spec', 'ports', index, 'port'], message: `Service "${resource.ref.name}" exposes port 22 (SSH)` };
      } else if (entry.targetPort === SSH) {
        yield { path: ['spec', 'ports', index, 'targetPort'], message: `Service "${resource.ref.name}" forwards port ${String(entry.port)} to the SSH port 22` };
      }
    }
  },
});
