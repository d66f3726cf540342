/**
 * The NetworkPolicy use case: objects in (read by the caller), the network model and its
 * analysis built once, then one question: the matrix of allowed connections, why one
 * connection is allowed or denied, what is exposed, which policies should exist and what
 * they would change. Results are data; rendering them is the caller's.
 */
import { fileSource } from '../core/model/source.js';
import type { Resource } from '../core/model/resource.js';
import { analyzeNetwork, type Endpoint, type NetworkAnalysis, type Scope, type Side } from '../core/network/analysis.js';
import { networkExposure, type ExposureItem } from '../core/network/exposure.js';
import { generatePolicies, type ObservedFlow, type Proposal } from '../core/network/generate.js';
import { buildNetworkModel, type NetworkModel, type PolicyProblem } from '../core/network/model.js';
import { formatPorts, intersectPorts, type PortSet, type Protocol } from '../core/network/ports.js';
import { podIpCaveats, resolveEndpoint, workloadMatrix, type ResolvedEndpoint, type WorkloadConnection } from '../core/network/workloads.js';

export interface NetworkContext {
  resources: readonly Resource[];
  model: NetworkModel;
  analysis: NetworkAnalysis;
  /** NetworkPolicies the model could not read in full (unknown protocols, bad ports): input errors. */
  problems: readonly PolicyProblem[];
}

/** The questions the use case answers. */
export type NetworkQuestion = 'matrix' | 'explain' | 'exposure' | 'generate';

/**
 * The namespaces whose objects a question about `namespace` needs (undefined: every
 * namespace). Connections cross namespaces: the matrix of NS lists clients in other
 * namespaces, and generate infers who calls NS's Services (and whom NS's pods call) from the
 * clients, Services and Ingresses of every namespace. Explain and exposure answer for pods
 * of NS from NS's policies, pods and Services (and the Namespaces, which are always read).
 */
export function namespacesToRead(question: NetworkQuestion, namespace: string | undefined): string[] | undefined {
  if (namespace === undefined || question === 'matrix' || question === 'generate') return undefined;
  return [namespace];
}

/** Builds the network model of the objects and analyses it. */
export function buildNetworkContext(input: { resources: readonly Resource[] }): NetworkContext {
  const model = buildNetworkModel(input.resources);
  return { resources: [...input.resources], model, analysis: analyzeNetwork(model), problems: model.problems };
}

/** Allowed connections between workloads and external addresses. */
export function connectionMatrix(context: NetworkContext, options: { scope?: Scope; namespace?: string } = {}): WorkloadConnection[] {
  return workloadMatrix(context.analysis, { scope: options.scope ?? 'both', ...(options.namespace ? { namespace: options.namespace } : {}) });
}

/** A question the objects cannot answer: an end that names nothing, or no workload at either end. */
export class NetworkQueryError extends Error {
  override name = 'NetworkQueryError';
  constructor(
    readonly code: 'unknown-endpoint' | 'no-workload',
    message: string,
  ) {
    super(message);
  }
}

export interface ExplainedConnection {
  /** The workload (or address label) at each end. */
  from: string;
  to: string;
  /** The scanned objects (`Kind/name`) whose pods make up this group at each workload end. */
  fromObjects?: string[];
  toObjects?: string[];
  allowed: boolean;
  ports: PortSet;
  egress: Side;
  ingress: Side;
  /** Pod to pod: ipBlocks over private ranges that some plugins match against pod IPs (never this analysis). */
  caveats: string[];
}

export interface Explanation {
  port?: { port: number; protocol: Protocol };
  /** One per pair of pod groups (the classes of pods whose labels differ) at the two ends. */
  results: ExplainedConnection[];
  /**
   * The answer true for every pair: `true` when all are allowed (on the port, or on some port
   * when none is asked), `false` when none is, `'partly'` when some are and some are not.
   */
  allowed: boolean | 'partly';
  /** The ports allowed to every pair (their intersection). */
  ports: PortSet;
}

function endpointsOf(analysis: NetworkAnalysis, resolved: ResolvedEndpoint): Array<{ endpoint: Endpoint; label: string; objects?: string[] }> {
  if (resolved.type === 'addresses') return [{ endpoint: { type: 'addresses', addresses: resolved.addresses, label: resolved.label }, label: resolved.label }];
  const { workload } = resolved;
  return workload.classes.map((id) => {
    const objects = analysis.model.classes[id]!.pods.filter((pod) => pod.workload === workload).map((pod) => `${pod.resource.ref.kind}/${pod.resource.ref.name}`);
    return { endpoint: { type: 'class', id }, label: workload.id, objects: [...new Set(objects)] };
  });
}

/** All, none or part of the pairs allowed. */
export function overallAnswer(results: ReadonlyArray<{ allowed: boolean }>): boolean | 'partly' {
  const allowed = results.filter((result) => result.allowed).length;
  return allowed === results.length ? true : allowed === 0 ? false : 'partly';
}

/**
 * Allowed or denied from `source` to `destination` (namespace/workload, kind/namespace/name, an
 * IP or a CIDR), on one port or on any, with the policies and rules deciding it on each side.
 */
export function explainConnection(context: NetworkContext, source: string, destination: string, port?: { port: number; protocol: Protocol }): Explanation {
  const { analysis } = context;
  let from: ResolvedEndpoint;
  let to: ResolvedEndpoint;
  try {
    from = resolveEndpoint(analysis, source);
    to = resolveEndpoint(analysis, destination);
  } catch (error) {
    throw new NetworkQueryError('unknown-endpoint', (error as Error).message);
  }
  if (from.type === 'addresses' && to.type === 'addresses') throw new NetworkQueryError('no-workload', 'explain needs a workload at one end at least');
  const results: ExplainedConnection[] = [];
  for (const start of endpointsOf(analysis, from)) {
    for (const end of endpointsOf(analysis, to)) {
      const verdict = port ? analysis.decide(start.endpoint, end.endpoint, port.port, port.protocol) : { ...analysis.connection(start.endpoint, end.endpoint), allowed: undefined };
      const allowed = verdict.allowed ?? formatPorts(verdict.ports) !== 'none';
      const caveats =
        start.endpoint.type === 'class' && end.endpoint.type === 'class' ? [...podIpCaveats(analysis, start.endpoint.id, 'Egress'), ...podIpCaveats(analysis, end.endpoint.id, 'Ingress')] : [];
      results.push({
        from: start.label,
        to: end.label,
        ...(start.objects ? { fromObjects: start.objects } : {}),
        ...(end.objects ? { toObjects: end.objects } : {}),
        allowed,
        ports: verdict.ports,
        egress: verdict.egress,
        ingress: verdict.ingress,
        caveats,
      });
    }
  }
  const ports = results.slice(1).reduce((set, result) => intersectPorts(set, result.ports), results[0]!.ports);
  return { ...(port ? { port } : {}), results, allowed: overallAnswer(results), ports };
}

/** Workloads reachable from outside or from every namespace, egress open to the Internet or the metadata endpoint. */
export function exposureOf(context: NetworkContext, options: { namespace?: string } = {}): ExposureItem[] {
  return networkExposure(context.analysis, context.resources, options.namespace ? { namespace: options.namespace } : {});
}

export interface ProposalRequest {
  /** Also allow all traffic within each namespace. */
  baseline?: 'same-namespace';
  /** Flows observed (Hubble, flow logs) to allow besides what Services and references imply. */
  observed?: readonly ObservedFlow[];
  /** Only this namespace. */
  namespace?: string;
}

/** Proposed NetworkPolicies: default deny per namespace (DNS kept), then least-privilege allows. */
export function proposePolicies(context: NetworkContext, request: ProposalRequest = {}): Proposal {
  return generatePolicies(context.analysis, context.resources, {
    ...(request.baseline ? { baseline: request.baseline } : {}),
    observed: request.observed ?? [],
    ...(request.namespace ? { namespaces: [request.namespace] } : {}),
  });
}

export interface ConnectionChange {
  change: 'removed' | 'changed' | 'added';
  /** `from -> to` */
  connection: string;
  /** The ports before and after ('none' when there is no connection). */
  before: string;
  after: string;
}

/**
 * The connections a proposal removes, narrows or adds, when its policies are added to those
 * that exist: the whole matrix before and after, one row per pair. A policy selects pods of its
 * own namespace only, so only connections with an end in a namespace the proposal adds
 * policies to can change, and only those are compared (the same answer, without the
 * quadratic rest).
 */
export function proposalChanges(context: NetworkContext, proposal: Proposal): ConnectionChange[] {
  const generated: Resource[] = proposal.policies.map((object, index) => {
    const metadata = object.metadata as { name: string; namespace: string };
    return { ref: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: metadata.name, namespace: metadata.namespace }, object, origin: { source: fileSource('(generated)'), document: index } };
  });
  // The proposal replaces nothing: it is added to the policies that exist.
  const after = analyzeNetwork(buildNetworkModel([...context.resources, ...generated]));
  // Expanded: a connection hidden in a `*` row must show up one by one when the proposal cuts it.
  const namespaces = new Set(proposal.policies.map((object) => (object.metadata as { namespace: string }).namespace));
  const scope = { expand: true, namespaces };
  const key = (connection: WorkloadConnection) => `${connection.from} -> ${connection.to}`;
  const before = new Map(workloadMatrix(context.analysis, scope).map((connection) => [key(connection), connection]));
  const afterMap = new Map(workloadMatrix(after, scope).map((connection) => [key(connection), connection]));
  const changes: ConnectionChange[] = [];
  for (const [name, connection] of before) {
    const next = afterMap.get(name);
    if (!next) changes.push({ change: 'removed', connection: name, before: formatPorts(connection.ports), after: 'none' });
    else if (formatPorts(next.ports) !== formatPorts(connection.ports)) changes.push({ change: 'changed', connection: name, before: formatPorts(connection.ports), after: formatPorts(next.ports) });
  }
  for (const [name, connection] of afterMap) if (!before.has(name)) changes.push({ change: 'added', connection: name, before: 'none', after: formatPorts(connection.ports) });
  return changes;
}
