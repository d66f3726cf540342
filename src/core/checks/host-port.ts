import { defineCheck } from '../model/check.js';
import { asArray, asRecord } from '../model/values.js';

/** Parses allowedHostPorts entries: "8080" or an inclusive range "8000-8099". Malformed entries allow nothing. */
function allows(entries: readonly string[], port: number): boolean {
  return entries.some((entry) => {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(entry);
    if (!match) return false;
    const low = Number(match[1]);
    const high = match[2] === undefined ? low : Number(match[2]);
    return port >= low && port <= high;
  });
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

export default defineCheck({
  id: 'host-port',
  title: 'Container binds a port on the node',
  severity: 'medium',
  category: 'host-access',
  description:
    "A hostPort opens the port on the node's own addresses, reachable by anything that can reach the node rather than through a Service, and ties the pod to nodes where the port is free. In a hostNetwork pod every containerPort is a host port: the API server sets hostPort to containerPort.",
  remediation: 'Remove hostPort and expose the container through a Service (NodePort or LoadBalancer when it must be reachable from outside); list the ports you accept in the allowedHostPorts option.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/concepts/configuration/overview/#services',
  ],
  standards: {
    pss: { level: 'baseline', control: 'Host Ports' },
    cis: ['5.2.13'],
    nsa: ['Pod security: pod security enforcement'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {
    allowedHostPorts: {
      type: 'string[]',
      default: [],
      description: 'Host ports that are accepted: single ports ("443") or inclusive ranges ("30000-32767").',
    },
  },
  messages: {
    hostPort: 'container "{{container}}" binds host port {{port}}',
    hostNetwork: 'container "{{container}}" binds host port {{port}} (hostNetwork: true makes every containerPort a host port)',
  },
  *evaluate({ workload, options }) {
    if (!workload) return;
    const hostNetwork = workload.podSpec.hostNetwork === true;
    for (const container of workload.containers) {
      const portsPath = [...container.path, 'ports'];
      for (const [index, item] of asArray(container.container.ports).entries()) {
        const port = asRecord(item);
        if (!port) continue;
        if (isPort(port.hostPort)) {
          if (allows(options.allowedHostPorts, port.hostPort)) continue;
          yield {
            path: [...portsPath, index, 'hostPort'],
            messageId: 'hostPort',
            data: { container: container.name, port: port.hostPort },
            container: container.name,
          };
        } else if (hostNetwork && isPort(port.containerPort) && (port.hostPort === undefined || port.hostPort === null || port.hostPort === 0)) {
          // The API server defaults hostPort to containerPort for hostNetwork pods.
          if (allows(options.allowedHostPorts, port.containerPort)) continue;
          yield {
            path: [...portsPath, index, 'containerPort'],
            messageId: 'hostNetwork',
            data: { container: container.name, port: port.containerPort },
            container: container.name,
          };
        }
      }
    }
  },
});
