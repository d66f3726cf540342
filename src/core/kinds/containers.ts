/**
 * What containers end up with once admitted: resource requests and limits
 * (with LimitRange defaulting) and which containers run for the pod's life.
 */
import type { ContainerView, Workload } from './pod-spec.js';
import { asRecord } from '../model/values.js';

export type ResourceField = 'requests' | 'limits';
export type ResourceName = 'cpu' | 'memory';

/** What a namespace's LimitRanges fill in for containers that leave a resource out. */
export interface LimitRangeDefaults {
  requests: ReadonlySet<string>;
  limits: ReadonlySet<string>;
}

function present(record: Record<string, unknown> | undefined, name: string): boolean {
  return record !== undefined && record[name] !== undefined && record[name] !== null;
}

/**
 * The resources a LimitRange item of type Container defaults, after the API
 * server's own defaulting of the item (SetDefaults_LimitRangeItem): a missing
 * `default` limit takes `max`; a missing `defaultRequest` takes `default`,
 * then `min`. The LimitRanger admission plugin then copies `default` into
 * every container (init containers included) without that limit and
 * `defaultRequest` into every container without that request.
 */
export function limitRangeItemDefaults(item: unknown): { requests: Set<string>; limits: Set<string> } {
  const requests = new Set<string>();
  const limits = new Set<string>();
  const record = asRecord(item);
  if (!record || record.type !== 'Container') return { requests, limits };
  const keys = (field: string) => Object.entries(asRecord(record[field]) ?? {}).filter(([, value]) => value !== null && value !== undefined).map(([key]) => key);
  for (const key of [...keys('default'), ...keys('max')]) limits.add(key);
  for (const key of [...limits, ...keys('defaultRequest'), ...keys('min')]) requests.add(key);
  return { requests, limits };
}

/**
 * Whether a container ends up with the resource once admitted: set on the
 * container (a request defaults to the limit when only the limit is set), on
 * the pod (pod-level resources bound every container), or by a LimitRange.
 */
export function hasResource(container: ContainerView, workload: Workload, field: ResourceField, name: ResourceName, defaults: LimitRangeDefaults): boolean {
  const resources = asRecord(container.container.resources);
  const podResources = asRecord(workload.podSpec.resources);
  const fields: ResourceField[] = field === 'requests' ? ['requests', 'limits'] : ['limits'];
  for (const candidate of fields) {
    if (present(asRecord(resources?.[candidate]), name)) return true;
    if (present(asRecord(podResources?.[candidate]), name)) return true;
  }
  return defaults[field].has(name);
}

/** Ephemeral containers cannot declare resources; every other container can and should. */
export function resourceContainers(workload: Workload | undefined): ContainerView[] {
  return (workload?.containers ?? []).filter((container) => container.type !== 'ephemeralContainer');
}

/** Kinds whose pods run to completion: probes do not apply. */
const RUN_TO_COMPLETION_KINDS = new Set(['CronJob', 'Job']);

/**
 * Containers that should carry liveness and readiness probes: app containers
 * and native sidecars (init containers with restartPolicy: Always), which run
 * for the pod's life. Plain init containers run to completion and cannot have
 * probes; ephemeral containers cannot either. Jobs, CronJobs and Pods with
 * restartPolicy Never or OnFailure run to completion: none of theirs count.
 * PodTemplates are not run as such.
 */
export function probedContainers(workload: Workload | undefined): ContainerView[] {
  if (!workload || RUN_TO_COMPLETION_KINDS.has(workload.kind) || workload.kind === 'PodTemplate') return [];
  const restartPolicy = workload.podSpec.restartPolicy;
  if (workload.kind === 'Pod' && (restartPolicy === 'Never' || restartPolicy === 'OnFailure')) return [];
  return workload.containers.filter((container) => container.type === 'container' || container.sidecar);
}
