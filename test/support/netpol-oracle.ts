/**
 * A pod-by-pod NetworkPolicy evaluator written straight from the API text,
 * independent of src/core/network: the oracle the class-based model is
 * compared with, and the baseline of bench/netpol.ts. Slow on purpose: it
 * re-reads every policy for every question.
 */
import { matchesLabelSelector } from '../../src/core/model/selectors.js';

type Obj = Record<string, any>;

export interface OraclePod {
  namespace: string;
  labels: Record<string, string>;
  ports: Array<{ name?: string; port: number; protocol: string }>;
  hostNetwork?: boolean;
}

export interface OracleCluster {
  namespaces: Record<string, Record<string, string>>;
  policies: Obj[];
}

function types(spec: Obj): string[] {
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) return spec.policyTypes;
  return Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function nsLabels(cluster: OracleCluster, name: string): Record<string, string> {
  return { ...(cluster.namespaces[name] ?? {}), 'kubernetes.io/metadata.name': name };
}

function peerMatchesPod(cluster: OracleCluster, policyNamespace: string, peer: Obj, pod: OraclePod): boolean {
  if (peer.ipBlock) return false;
  if (pod.hostNetwork) return false;
  if (peer.namespaceSelector) {
    if (!matchesLabelSelector(peer.namespaceSelector, nsLabels(cluster, pod.namespace))) return false;
  } else if (pod.namespace !== policyNamespace) return false;
  return matchesLabelSelector(peer.podSelector ?? {}, pod.labels);
}

function portMatches(entry: Obj, port: number, protocol: string, destination: OraclePod | undefined): boolean {
  if ((entry.protocol ?? 'TCP') !== protocol) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === 'string') {
    if (!destination) return false;
    const named = destination.ports.find((candidate) => candidate.name === entry.port && candidate.protocol === protocol);
    return named !== undefined && named.port === port;
  }
  return port >= entry.port && port <= (entry.endPort ?? entry.port);
}

/** Whether `self`'s policies allow, for `direction`, the connection with `peer` (a pod, or undefined for an external address that matches no ipBlock). */
function sideAllows(cluster: OracleCluster, self: OraclePod, direction: 'Ingress' | 'Egress', peer: OraclePod, destination: OraclePod, port: number, protocol: string): boolean {
  if (self.hostNetwork) return true;
  const selecting = cluster.policies.filter(
    (policy) => (policy.metadata.namespace ?? 'default') === self.namespace && matchesLabelSelector(policy.spec.podSelector ?? {}, self.labels) && types(policy.spec).includes(direction),
  );
  if (selecting.length === 0) return true;
  for (const policy of selecting) {
    for (const rule of (direction === 'Ingress' ? policy.spec.ingress : policy.spec.egress) ?? []) {
      const peers = (direction === 'Ingress' ? rule.from : rule.to) ?? [];
      const ports = rule.ports ?? [];
      const peerOk = peers.length === 0 || peers.some((candidate: Obj) => peerMatchesPod(cluster, policy.metadata.namespace ?? 'default', candidate, peer));
      const portOk = ports.length === 0 || ports.some((entry: Obj) => portMatches(entry, port, protocol, destination));
      if (peerOk && portOk) return true;
    }
  }
  return false;
}

export function oracleAllows(cluster: OracleCluster, source: OraclePod, destination: OraclePod, port: number, protocol: string): boolean {
  return sideAllows(cluster, source, 'Egress', destination, destination, port, protocol) && sideAllows(cluster, destination, 'Ingress', source, destination, port, protocol);
}
