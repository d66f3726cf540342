import { defineCheck } from '../model/check.js';
import { WORKLOAD_KINDS } from '../kinds/pod-spec.js';
import { asArray, asRecord, asString } from '../model/values.js';
import { containerPorts } from './support/network.js';
import { containerData } from './support/resources.js';

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
  messages: {
    container: '{{containerType}} "{{container}}" exposes the SSH port 22',
    servicePort: 'Service "{{service}}" exposes port 22 (SSH)',
    serviceTarget: 'Service "{{service}}" forwards port {{port}} to the SSH port 22',
  },
  *evaluate({ resource, workload }) {
    if (workload) {
      for (const container of workload.containers) {
        for (const port of containerPorts(container)) {
          if (port.port !== SSH || port.protocol !== 'TCP') continue;
          yield { path: port.path, messageId: 'container', data: containerData(container), container: container.name };
        }
      }
      return;
    }
    if (resource.ref.kind !== 'Service') return;
    for (const [index, item] of asArray(asRecord(resource.object.spec)?.ports).entries()) {
      const entry = asRecord(item);
      if (!entry || (asString(entry.protocol) ?? 'TCP') !== 'TCP') continue;
      if (entry.port === SSH) {
        yield { path: ['spec', 'ports', index, 'port'], messageId: 'servicePort', data: { service: resource.ref.name } };
      } else if (entry.targetPort === SSH) {
        yield { path: ['spec', 'ports', index, 'targetPort'], messageId: 'serviceTarget', data: { service: resource.ref.name, port: String(entry.port) } };
      }
    }
  },
});
