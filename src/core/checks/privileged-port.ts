import { defineCheck } from '../model/check.js';
import { containerPorts } from './support/network.js';
import { containerData } from './support/resources.js';

export default defineCheck({
  id: 'privileged-port',
  title: 'Container listens on a privileged port',
  severity: 'low',
  category: 'network',
  description:
    'Binding a port below 1024 traditionally needs root or CAP_NET_BIND_SERVICE, so images built for such ports tend to run as root or keep that capability. Current container runtimes open these ports to any user inside the pod network namespace (net.ipv4.ip_unprivileged_port_start=0), which is why this check is off by default.',
  remediation: 'Listen on a port at or above 1024 in the container and map the well-known port in the Service (port: 80, targetPort: 8080).',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service',
    'https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/',
  ],
  standards: {},
  enabledByDefault: false,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    privilegedPort: '{{containerType}} "{{container}}" listens on privileged port {{port}}',
  },
  *evaluate({ workload }) {
    for (const container of workload?.containers ?? []) {
      for (const port of containerPorts(container)) {
        if (port.port <= 0 || port.port >= 1024) continue;
        yield { path: port.path, messageId: 'privilegedPort', data: { ...containerData(container), port: port.port }, container: container.name };
      }
    }
  },
});
