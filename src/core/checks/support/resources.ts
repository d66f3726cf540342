import type { Violation } from '../../model/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import { hasResource, limitRangeItemDefaults, probedContainers, resourceContainers, type LimitRangeDefaults, type ResourceField, type ResourceName } from '../../kinds/containers.js';
import type { ContainerView, Workload } from '../../kinds/pod-spec.js';
import type { Resource } from '../../model/resource.js';
import { asArray, asRecord } from '../../model/values.js';

/** Union of the defaults of every LimitRange of `namespace` in the inventory. */
export function limitRangeDefaults(inventory: Inventory, namespace: string | undefined): LimitRangeDefaults {
  const requests = new Set<string>();
  const limits = new Set<string>();
  if (namespace === undefined) return { requests, limits };
  for (const limitRange of inventory.ofKindIn('LimitRange', namespace)) {
    for (const item of asArray(asRecord(limitRange.object.spec)?.limits)) {
      const defaults = limitRangeItemDefaults(item);
      defaults.requests.forEach((key) => requests.add(key));
      defaults.limits.forEach((key) => limits.add(key));
    }
  }
  return { requests, limits };
}

/** `container "app"`, `init container "setup"`, `sidecar container "proxy"`. */
export function describeContainer(container: ContainerView): string {
  const prefix = container.type === 'ephemeralContainer' ? 'ephemeral container' : container.type === 'initContainer' ? (container.sidecar ? 'sidecar container' : 'init container') : 'container';
  return `${prefix} "${container.name}"`;
}

const LABELS: Record<ResourceName, string> = { cpu: 'CPU', memory: 'memory' };
const NOUNS: Record<ResourceField, string> = { requests: 'request', limits: 'limit' };

/** The shared logic of cpu/memory requests/limits-missing. */
export function* missingResource(resource: Resource, workload: Workload | undefined, inventory: Inventory, field: ResourceField, name: ResourceName): Iterable<Violation> {
  if (!workload) return;
  const defaults = limitRangeDefaults(inventory, resource.ref.namespace);
  for (const container of resourceContainers(workload)) {
    if (hasResource(container, workload, field, name, defaults)) continue;
    yield {
      path: [...container.path, 'resources', field, name],
      message: `${describeContainer(container)} has no ${LABELS[name]} ${NOUNS[field]}`,
      container: container.name,
    };
  }
}

/** The shared logic of liveness/readiness-probe-missing. */
export function* missingProbe(workload: Workload | undefined, probe: 'livenessProbe' | 'readinessProbe'): Iterable<Violation> {
  for (const container of probedContainers(workload)) {
    if (asRecord(container.container[probe])) continue;
    yield {
      path: [...container.path, probe],
      message: `${describeContainer(container)} has no ${probe === 'livenessProbe' ? 'liveness' : 'readiness'} probe`,
      container: container.name,
    };
  }
}
