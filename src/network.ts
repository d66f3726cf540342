/** palisade/network: the NetworkPolicy model, reachability analysis, exposure and policy generation. */
export { buildNetworkModel, parsePolicy, defaultedPolicyTypes, type NetworkModel, type PodClass, type ParsedPolicy, type NetworkPolicyRule, type PolicyPeer, type NetworkWorkload, type PolicyProblem } from './core/network/model.js';
export { analyzeNetwork, type NetworkAnalysis, type Endpoint, type Verdict, type Side, type AllowingRule, type MatrixCell, type Scope } from './core/network/analysis.js';
export { workloadMatrix, resolveEndpoint, type WorkloadConnection, type ResolvedEndpoint } from './core/network/workloads.js';
export { networkExposure, type ExposureItem } from './core/network/exposure.js';
export { generatePolicies, inferFlows, type Proposal, type ObservedFlow } from './core/network/generate.js';
export { formatPorts, type PortSet, type Protocol } from './core/network/ports.js';
export { parseCidr, addressesToCidrs, METADATA_ADDRESSES, type AddressSet } from './core/network/addresses.js';
export { networkAnalysis, podLabelsByNamespace, operatorPodsByNamespace } from './core/network/analyses.js';
