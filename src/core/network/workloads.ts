import { addressesToCidrs, cidrSet, intersectAddresses, isEmptyAddresses, parseCidr, PRIVATE_ADDRESSES, unionAddresses, type AddressSet } from './addresses.js';
import type { MatrixCell, NetworkAnalysis, Scope } from './analysis.js';
import type { Direction, NetworkWorkload } from './model.js';
import { unionPorts, type PortSet } from './ports.js';

export const EXTERNAL = 'external';
/** Every workload whose egress is not isolated (a collapsed matrix row). */
export const ANY_OPEN = '*';

/** An allowed connection between workloads (or a workload and external addresses). */
export interface WorkloadConnection {
  /** workload id (`namespace/Kind/name`) or `external` */
  from: string;
  to: string;
  ports: PortSet;
  /** for external ends: the addresses allowed */
  addresses?: AddressSet;
}

/**
 * The workload-level matrix: class connections spread over the workloads of
 * each class (a workload is allowed what some of its pods are allowed).
 * With a namespace (or several), only connections with an end in one. A destination whose
 * ingress is not isolated has one row from `*` (every workload whose egress
 * is not isolated) and rows only from the egress-isolated workloads, unless
 * `expand` asks for every row.
 */
export function workloadMatrix(
  analysis: NetworkAnalysis,
  options: { scope?: Scope; namespace?: string; /** several namespaces (with `namespace`: the union) */ namespaces?: ReadonlySet<string>; /** one row per source even toward open destinations */ expand?: boolean } = {},
): WorkloadConnection[] {
  const { model } = analysis;
  const kept = options.namespace !== undefined || options.namespaces ? new Set([...(options.namespaces ?? []), ...(options.namespace !== undefined ? [options.namespace] : [])]) : undefined;
  const cells = analysis.matrix({ collapseOpen: !options.expand, ...(options.scope ? { scope: options.scope } : {}), ...(kept ? { classFilter: (podClass) => kept.has(podClass.namespace) } : {}) });
  const merged = new Map<string, WorkloadConnection>();
  const add = (from: string, to: string, ports: PortSet, addresses: AddressSet | undefined) => {
    const key = `${from}\u0000${to}`;
    const existing = merged.get(key);
    if (!existing) merged.set(key, { from, to, ports, ...(addresses ? { addresses } : {}) });
    else {
      existing.ports = unionPorts(existing.ports, ports);
      if (addresses) existing.addresses = existing.addresses ? unionAddresses(existing.addresses, addresses) : addresses;
    }
  };
  const workloadsOf = (endpoint: MatrixCell['from']): string[] => (endpoint.type === 'class' ? model.classes[endpoint.id]!.workloads.map((workload) => workload.id) : endpoint.type === 'open-egress' ? [ANY_OPEN] : [EXTERNAL]);
  for (const cell of cells) {
    const froms = workloadsOf(cell.from);
    const tos = workloadsOf(cell.to);
    for (const from of froms) for (const to of tos) add(from, to, cell.ports, cell.addresses);
  }
  return [...merged.values()].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
}

export function addressList(addresses: AddressSet | undefined): string[] {
  return addresses ? addressesToCidrs(addresses) : [];
}

export type ResolvedEndpoint = { type: 'workload'; workload: NetworkWorkload } | { type: 'addresses'; addresses: AddressSet; label: string };

/**
 * Reads an endpoint as the commands accept it: an IP or CIDR, `namespace/name`
 * (a workload of any kind, or a bare Pod), or `kind/namespace/name`.
 * Throws an Error whose message says what was expected.
 */
export function resolveEndpoint(analysis: NetworkAnalysis, text: string): ResolvedEndpoint {
  const cidr = /^[0-9a-fA-F:.]+(\/\d+)?$/.test(text) && (text.includes('.') || text.includes(':')) ? parseCidr(text) : undefined;
  if (cidr) return { type: 'addresses', addresses: cidrSet(cidr), label: text };
  const parts = text.split('/');
  const workloads = [...analysis.model.workloads.values()];
  let matches: NetworkWorkload[];
  if (parts.length === 2) {
    const [namespace, name] = parts as [string, string];
    matches = workloads.filter((workload) => workload.namespace === namespace && (workload.name === name || workload.resources.some((resource) => resource.ref.name === name)));
  } else if (parts.length === 3) {
    const [kind, namespace, name] = parts as [string, string, string];
    matches = workloads.filter(
      (workload) =>
        workload.namespace === namespace &&
        ((workload.kind.toLowerCase() === kind.toLowerCase() && workload.name === name) || workload.resources.some((resource) => resource.ref.kind.toLowerCase() === kind.toLowerCase() && resource.ref.name === name)),
    );
  } else throw new Error(`"${text}" is not an endpoint: give namespace/workload, kind/namespace/name, an IP address or a CIDR`);
  if (matches.length === 0) throw new Error(`no workload or pod "${text}" among the scanned objects`);
  if (matches.length > 1) throw new Error(`"${text}" is ambiguous: ${matches.map((workload) => workload.id).join(', ')}; say kind/namespace/name`);
  return { type: 'workload', workload: matches[0]! };
}

/**
 * ipBlock peers, in the rules that decide a class's side, that overlap the
 * private ranges pod networks live in: plugins that match pod IPs with
 * ipBlock (Calico, for one) may allow pod traffic through them, which this
 * analysis never does (docs/network-policy-semantics.md, ipBlock and pod IPs).
 */
export function podIpCaveats(analysis: NetworkAnalysis, classId: number, direction: Direction): string[] {
  const out: string[] = [];
  for (const policy of analysis.isolatingPolicies(classId, direction)) {
    for (const rule of direction === 'Ingress' ? policy.ingress : policy.egress) {
      for (const peer of rule.peers ?? []) {
        if (peer.type === 'ipBlock' && !isEmptyAddresses(intersectAddresses(peer.addresses, PRIVATE_ADDRESSES))) {
          out.push(`${policy.id} ${direction.toLowerCase()}[${rule.index}] ${direction === 'Ingress' ? 'from' : 'to'}[${peer.index}] ipBlock ${peer.cidr}`);
        }
      }
    }
  }
  return out;
}
