import { defineCheck } from '../model/check.js';
import { metadataOf, type Resource } from '../model/resource.js';
import { matchesLabelSelector } from '../model/selectors.js';
import { asRecord, asString, asStringRecord, getPath } from '../model/values.js';
import { isEmptySelector } from '../network/model.js';
import { mayHoldOperatorPods } from './support/network.js';
import { hasControllerOwner } from './support/ownership.js';
import { ANY_KIND } from '../inventory/analysis.js';
import { operatorPodsByNamespace } from '../network/analyses.js';

/** Kinds whose pod count is spec.replicas (default 1). */
const REPLICATED_KINDS = new Set(['Deployment', 'DeploymentConfig', 'ReplicaSet', 'ReplicationController', 'StatefulSet']);
/** Kinds whose pod count the manifest does not tell. */
const UNCOUNTABLE_KINDS = new Set(['CronJob', 'DaemonSet', 'Job']);

/** An IntOrString: a whole number, or a percentage such as "50%". */
function parseIntOrPercent(value: unknown): { value: number; percent: boolean } | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return { value, percent: false };
  const text = asString(value);
  if (text === undefined) return undefined;
  const match = /^(\d+)(%?)$/.exec(text.trim());
  return match ? { value: Number(match[1]), percent: match[2] === '%' } : undefined;
}

/** The pod count a controller runs at its smallest: an HPA's minReplicas (default 1) when one targets it, else spec.replicas (default 1). */
function smallestReplicas(workload: Resource, autoscalers: readonly Resource[]): { replicas: number; autoscaled: boolean } | undefined {
  const autoscaler = autoscalers.find((hpa) => {
    const target = asRecord(getPath(hpa.object, ['spec', 'scaleTargetRef']));
    return hpa.ref.namespace === workload.ref.namespace && target?.kind === workload.ref.kind && target?.name === workload.ref.name;
  });
  const replicas = autoscaler ? (getPath(autoscaler.object, ['spec', 'minReplicas']) ?? 1) : (getPath(workload.object, ['spec', 'replicas']) ?? 1);
  return typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0 ? { replicas, autoscaled: autoscaler !== undefined } : undefined;
}

export default defineCheck({
  id: 'pod-disruption-budget-blocks-eviction',
  title: 'PodDisruptionBudget allows no eviction',
  severity: 'low',
  category: 'resources',
  description:
    'A PodDisruptionBudget that never allows a voluntary disruption (maxUnavailable 0, minAvailable 100%, or minAvailable as high as the smallest replica count of the scanned controllers it selects, HPA minReplicas included) blocks every node drain: node upgrades and security patching stall until someone deletes the budget.',
  remediation: 'Allow at least one disruption: set maxUnavailable to 1 (or a percentage), or keep minAvailable below the smallest replica count.',
  references: [
    'https://kubernetes.io/docs/tasks/run-application/configure-pdb/',
    'https://kubernetes.io/docs/concepts/workloads/pods/disruptions/',
  ],
  standards: {},
  enabledByDefault: true,
  appliesTo: { kinds: ['PodDisruptionBudget'] },
  reads: { kinds: ['HorizontalPodAutoscaler', ANY_KIND], analyses: [operatorPodsByNamespace], scope: 'cluster' },
  options: {},
  messages: {
    maxUnavailable: 'maxUnavailable {{value}} allows no pod to be evicted',
    minAvailable: 'minAvailable {{value}} allows no pod to be evicted',
    onlyPod: 'minAvailable {{value}} needs the only pod of {{workloads}} up: no pod can be evicted',
    allPods: 'minAvailable {{value}} needs all {{count}} pods of {{workloads}} up: no pod can be evicted',
  },
  *evaluate({ resource, inventory }) {
    const spec = asRecord(resource.object.spec) ?? {};
    const maxUnavailable = parseIntOrPercent(spec.maxUnavailable);
    if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null && maxUnavailable?.value === 0) {
      yield { path: ['spec', 'maxUnavailable'], messageId: 'maxUnavailable', data: { value: String(spec.maxUnavailable) } };
      return;
    }
    const minAvailable = parseIntOrPercent(spec.minAvailable);
    if (!minAvailable) return;
    if (minAvailable.percent && minAvailable.value >= 100) {
      yield { path: ['spec', 'minAvailable'], messageId: 'minAvailable', data: { value: String(spec.minAvailable) } };
      return;
    }
    // Relational: compare with the pods its selector matches among the scanned controllers.
    const selector = spec.selector;
    if (selector === undefined || selector === null) return; // a null selector matches no pod
    // policy/v1beta1: an empty selector matches no pod; policy/v1: every pod of the namespace.
    if (isEmptySelector(selector) && resource.ref.apiVersion === 'policy/v1beta1') return;
    // Pods an operator makes from custom resources would be missed in the count.
    if (mayHoldOperatorPods(inventory, resource.ref.namespace)) return;
    const autoscalers = inventory.ofKind('HorizontalPodAutoscaler');
    const matched: string[] = [];
    let expected = 0;
    for (const candidate of inventory.inNamespace(resource.ref.namespace ?? 'default')) {
      const workload = inventory.workloadOf(candidate);
      if (!workload || candidate.ref.kind === 'PodTemplate' || hasControllerOwner(candidate.object)) continue;
      if (!matchesLabelSelector(selector, asStringRecord(workload.podMetadata.labels))) continue;
      if (UNCOUNTABLE_KINDS.has(candidate.ref.kind)) return;
      const count = candidate.ref.kind === 'Pod' ? { replicas: 1, autoscaled: false } : REPLICATED_KINDS.has(candidate.ref.kind) ? smallestReplicas(candidate, autoscalers) : undefined;
      if (count === undefined) return;
      matched.push(`${candidate.ref.kind} "${metadataOf(candidate.object).name ?? candidate.ref.name}"${count.autoscaled ? ` (HPA minReplicas ${count.replicas})` : ''}`);
      expected += count.replicas;
    }
    if (matched.length === 0 || expected === 0) return;
    // The disruption controller rounds percentages up.
    const required = minAvailable.percent ? Math.ceil((minAvailable.value * expected) / 100) : minAvailable.value;
    if (required < expected) return;
    yield {
      path: ['spec', 'minAvailable'],
      messageId: expected === 1 ? 'onlyPod' : 'allPods',
      data: { value: String(spec.minAvailable), count: expected, workloads: matched.join(', ') },
    };
  },
});
