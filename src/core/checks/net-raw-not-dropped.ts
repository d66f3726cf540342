import { defineCheck } from '../model/check.js';
import { capabilitiesPath, capabilityEntries, holdsCapability, isAllCapabilities, targetsWindows } from '../pod-security/pods.js';

export default defineCheck({
  id: 'net-raw-not-dropped',
  title: 'Container keeps NET_RAW',
  severity: 'low',
  category: 'pod-security',
  description:
    'NET_RAW is in the default capability set of containerd and Docker; it lets a process craft raw packets and spoof ARP, DNS or ICMP traffic to other pods on the node. Off by default because capabilities-all-not-dropped covers it; CIS 5.2.8 asks for it on its own.',
  remediation: 'Add NET_RAW (or ALL) to securityContext.capabilities.drop and do not add it back; ping works without it when net.ipv4.ping_group_range allows the group.',
  references: [
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
    'https://man7.org/linux/man-pages/man7/capabilities.7.html',
  ],
  standards: {
    cis: ['5.2.8'],
    nsa: ['Pod security: hardening container environments'],
    mitre: ['T1040'],
  },
  enabledByDefault: false,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    added: 'container "{{container}}" adds {{capability}}',
    addedAll: 'container "{{container}}" adds ALL capabilities, NET_RAW included',
    prefixed: 'container "{{container}}" drops "{{capability}}", which containerd does not recognise (write NET_RAW)',
    notDropped: 'container "{{container}}" does not drop NET_RAW or ALL',
  },
  *evaluate({ workload }) {
    if (!workload || targetsWindows(workload)) return;
    for (const container of workload.containers) {
      // A privileged container holds every capability whatever it drops: privileged-container reports it.
      if (container.securityContext.privileged === true) continue;
      if (!holdsCapability(container, 'NET_RAW')) continue;
      const adds = capabilityEntries(container, 'add');
      const drops = capabilityEntries(container, 'drop');
      const added = adds.find((entry) => entry.name === 'NET_RAW');
      const addedAll = adds.find((entry) => isAllCapabilities(entry.raw));
      const prefixed = drops.find((entry) => entry.name === 'NET_RAW');
      const data = { container: container.name };
      const common = { data, container: container.name };
      if (added) yield { path: added.path, messageId: 'added', ...common, data: { ...data, capability: added.raw } };
      else if (addedAll) yield { path: addedAll.path, messageId: 'addedAll', ...common };
      else if (prefixed) yield { path: prefixed.path, messageId: 'prefixed', ...common, data: { ...data, capability: prefixed.raw } };
      else if (drops.length > 0) yield { path: [...capabilitiesPath(container), 'drop'], messageId: 'notDropped', ...common };
      else yield { path: capabilitiesPath(container), messageId: 'notDropped', ...common };
    }
  },
});
