import type { AnyCheck } from '../model/check.js';
import barePod from './bare-pod.js';
import cpuLimitsMissing from './cpu-limits-missing.js';
import cpuRequestsMissing from './cpu-requests-missing.js';
import defaultNamespace from './default-namespace.js';
import helmTiller from './helm-tiller.js';
import hostNetwork from './host-network.js';
import ingressNginxSnippetAnnotations from './ingress-nginx-snippet-annotations.js';
import ingressWildcardHost from './ingress-wildcard-host.js';
import ingressWithoutTls from './ingress-without-tls.js';
import kubernetesDashboardDeployed from './kubernetes-dashboard-deployed.js';
import livenessProbeMissing from './liveness-probe-missing.js';
import memoryLimitsMissing from './memory-limits-missing.js';
import memoryRequestsMissing from './memory-requests-missing.js';
import namespacePodSecurityPrivileged from './namespace-pod-security-privileged.js';
import namespaceWithoutDefaultDenyEgress from './namespace-without-default-deny-egress.js';
import namespaceWithoutDefaultDenyIngress from './namespace-without-default-deny-ingress.js';
import namespaceWithoutLimitRange from './namespace-without-limit-range.js';
import namespaceWithoutPodSecurityLabels from './namespace-without-pod-security-labels.js';
import namespaceWithoutResourceQuota from './namespace-without-resource-quota.js';
import networkPolicySelectsNoPods from './network-policy-selects-no-pods.js';
import ownerLabelMissing from './owner-label-missing.js';
import podDisruptionBudgetBlocksEviction from './pod-disruption-budget-blocks-eviction.js';
import podNotSelectedByNetworkPolicy from './pod-not-selected-by-network-policy.js';
import privilegedContainer from './privileged-container.js';
import privilegedPort from './privileged-port.js';
import readinessProbeMissing from './readiness-probe-missing.js';
import recommendedLabelsMissing from './recommended-labels-missing.js';
import removedApiVersion from './removed-api-version.js';
import runAsRoot from './run-as-root.js';
import selectorMismatch from './selector-mismatch.js';
import serviceExternalIps from './service-external-ips.js';
import serviceLoadBalancer from './service-load-balancer.js';
import serviceNodePort from './service-node-port.js';
import serviceSelectsNoPods from './service-selects-no-pods.js';
import sshPort from './ssh-port.js';
import workloadInKubeSystem from './workload-in-kube-system.js';

/** Every check, sorted by id. Presets and docs derive from this list. */
export const ALL_CHECKS: readonly AnyCheck[] = [
  barePod,
  cpuLimitsMissing,
  cpuRequestsMissing,
  defaultNamespace,
  helmTiller,
  hostNetwork,
  ingressNginxSnippetAnnotations,
  ingressWildcardHost,
  ingressWithoutTls,
  kubernetesDashboardDeployed,
  livenessProbeMissing,
  memoryLimitsMissing,
  memoryRequestsMissing,
  namespacePodSecurityPrivileged,
  namespaceWithoutDefaultDenyEgress,
  namespaceWithoutDefaultDenyIngress,
  namespaceWithoutLimitRange,
  namespaceWithoutPodSecurityLabels,
  namespaceWithoutResourceQuota,
  networkPolicySelectsNoPods,
  ownerLabelMissing,
  podDisruptionBudgetBlocksEviction,
  podNotSelectedByNetworkPolicy,
  privilegedContainer,
  privilegedPort,
  readinessProbeMissing,
  recommendedLabelsMissing,
  removedApiVersion,
  runAsRoot,
  selectorMismatch,
  serviceExternalIps,
  serviceLoadBalancer,
  serviceNodePort,
  serviceSelectsNoPods,
  sshPort,
  workloadInKubeSystem,
];
