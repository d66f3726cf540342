import type { ContainerView } from '../kinds/pod-spec.js';
import { WORKLOAD_KINDS } from '../kinds/pod-spec.js';
import { defineCheck } from '../model/check.js';
import type { Path } from '../model/location.js';
import { asArray, asRecord, asString } from '../model/values.js';
import { parsedPolicyOf } from './support/network.js';

interface ListedPort {
  port: number;
  protocol: string;
  path: Path;
}

/** Runs of consecutive port numbers (per protocol) longer than `max`, each with the entry that starts it. */
function wideRuns(ports: readonly ListedPort[], max: number): Array<{ protocol: string; start: number; end: number; path: Path }> {
  const out: Array<{ protocol: string; start: number; end: number; path: Path }> = [];
  // A run is at most as long as the list: a short list (the usual one or two ports) has no wide run.
  if (ports.length <= max) return out;
  const byProtocol = new Map<string, Map<number, ListedPort>>();
  for (const entry of ports) {
    let numbers = byProtocol.get(entry.protocol);
    if (!numbers) byProtocol.set(entry.protocol, (numbers = new Map()));
    if (!numbers.has(entry.port)) numbers.set(entry.port, entry);
  }
  for (const [protocol, numbers] of [...byProtocol].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const sorted = [...numbers.keys()].sort((a, b) => a - b);
    let start = 0;
    for (let index = 1; index <= sorted.length; index++) {
      if (index < sorted.length && sorted[index] === sorted[index - 1]! + 1) continue;
      const first = sorted[start]!;
      const last = sorted[index - 1]!;
      if (last - first + 1 > max) out.push({ protocol, start: first, end: last, path: numbers.get(first)!.path });
      start = index;
    }
  }
  return out;
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** The container's listed ports of one field, with their paths: host ports, or container ports not bound on the node (those are reported as host ports). */
function containerPorts(container: ContainerView, field: 'containerPort' | 'hostPort'): ListedPort[] {
  const out: ListedPort[] = [];
  asArray(container.container.ports).forEach((item, index) => {
    const entry = asRecord(item);
    if (!entry || (field === 'containerPort' && isPort(entry.hostPort))) return;
    if (isPort(entry[field])) out.push({ port: entry[field], protocol: asString(entry.protocol) ?? 'TCP', path: [...container.path, 'ports', index, field] });
  });
  return out;
}

export default defineCheck({
  id: 'port-range-wide',
  title: 'Wide range of ports opened or exposed',
  severity: 'low',
  category: 'network',
  description:
    "A NetworkPolicy rule whose endPort opens a wide range (more than maxPorts ports, 100 by default) allows far more than the service needs: every process that later listens on one of those ports is reachable, and reviewers cannot tell which ports matter. Services and containers have no range field, so a range there is a long run of consecutive port numbers listed one by one (a media server's RTP ports, passive FTP): each one is reachable, through the Service or, for hostPort, on the node itself. A range covering every port (1-65535) is reported by network-policy-rule-allows-all instead, and single host ports by host-port.",
  remediation:
    'Narrow endPort to the ports the application uses, or list them; for a Service or container that needs many ports, prefer fewer ports (one multiplexed port) and keep the range out of hostPort; raise maxPorts when a wide range is intended.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-range-of-ports',
    'https://kubernetes.io/docs/concepts/services-networking/service/#multi-port-services',
  ],
  standards: {
    nsa: ['Network separation: network policies'],
    mitre: ['T1046'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['NetworkPolicy', 'Service', ...WORKLOAD_KINDS].sort() },
  options: {
    maxPorts: {
      type: 'number',
      default: 100,
      description: 'The widest range accepted, in ports: a NetworkPolicy endPort range, or a run of consecutive ports a Service or container lists, of more ports than this is reported.',
    },
  },
  messages: {
    policyRange: '{{direction}} rule {{rule}} allows {{count}} {{protocol}} ports ({{start}}-{{end}}), more than {{max}}',
    servicePorts: 'the Service exposes {{count}} consecutive {{protocol}} ports ({{start}}-{{end}}), more than {{max}}',
    containerPorts: 'container "{{container}}" lists {{count}} consecutive {{protocol}} ports ({{start}}-{{end}}), more than {{max}}',
    hostPorts: 'container "{{container}}" binds {{count}} consecutive {{protocol}} ports ({{start}}-{{end}}) on the node, more than {{max}}',
  },
  *evaluate({ resource, workload, options }) {
    const max = options.maxPorts;
    if (resource.ref.kind === 'NetworkPolicy') {
      const policy = parsedPolicyOf(resource);
      if (!policy) return;
      for (const rule of [...policy.ingress, ...policy.egress]) {
        for (const port of rule.ports ?? []) {
          if (!('start' in port) || port.omitted) continue;
          const count = port.end - port.start + 1;
          // Every port: network-policy-rule-allows-all reports it.
          if (count <= max || (port.start <= 1 && port.end >= 65535)) continue;
          yield {
            path: [...rule.path, 'ports', port.index, 'endPort'],
            messageId: 'policyRange',
            data: { direction: rule.direction.toLowerCase(), rule: rule.index, count, protocol: port.protocol, start: port.start, end: port.end, max },
          };
        }
      }
      return;
    }
    if (resource.ref.kind === 'Service') {
      const ports: ListedPort[] = [];
      asArray(asRecord(resource.object.spec)?.ports).forEach((item, index) => {
        const entry = asRecord(item);
        if (entry && isPort(entry.port)) ports.push({ port: entry.port, protocol: asString(entry.protocol) ?? 'TCP', path: ['spec', 'ports', index, 'port'] });
      });
      for (const run of wideRuns(ports, max)) yield { path: run.path, messageId: 'servicePorts', data: { count: run.end - run.start + 1, protocol: run.protocol, start: run.start, end: run.end, max } };
      return;
    }
    // In a hostNetwork pod every containerPort is a port of the node.
    const hostNetwork = workload?.podSpec.hostNetwork === true;
    for (const container of workload?.containers ?? []) {
      for (const [field, messageId] of [['containerPort', hostNetwork ? 'hostPorts' : 'containerPorts'], ['hostPort', 'hostPorts']] as const) {
        for (const run of wideRuns(containerPorts(container, field), max)) {
          yield { path: run.path, container: container.name, messageId, data: { container: container.name, count: run.end - run.start + 1, protocol: run.protocol, start: run.start, end: run.end, max } };
        }
      }
    }
  },
});
