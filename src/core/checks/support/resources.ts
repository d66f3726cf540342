import type { Violation } from '../../model/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import { hasResource, limitRangeItemDefaults, probedContainers, resourceContainers, type LimitRangeDefaults, type ResourceField, type ResourceName } from '../../kinds/containers.js';
import type { ContainerView, Workload } from '../../kinds/pod-spec.js';
import type { Resource } from '../../model/resource.js';
import { asArray, asRecord } from '../../model/values.js';

const NO_DEFAULTS: LimitRangeDefaults = { requests: new Set(), limits: new Set() };

/** Union of the defaults of every LimitRange of `namespace` in the inventory. */
export function limitRangeDefaults(inventory: Inventory, namespace: string | undefined): LimitRangeDefaults {
  const limitRanges = namespace === undefined ? [] : inventory.ofKindIn('LimitRange', namespace);
  // Most namespaces have none: one shared empty answer (four checks ask on every workload).
  if (limitRanges.length === 0) return NO_DEFAULTS;
  const requests = new Set<string>();
  const limits = new Set<string>();
  for (const limitRange of limitRanges) {
    for (const item of asArray(asRecord(limitRange.object.spec)?.limits)) {
      const defaults = limitRangeItemDefaults(item);
      defaults.requests.forEach((key) => requests.add(key));
      defaults.limits.forEach((key) => limits.add(key));
    }
  }
  return { requests, limits };
}

/** `container`, `init container`, `sidecar container`, `ephemeral container`. */
export function containerType(container: ContainerView): string {
  return container.type === 'ephemeralContainer' ? 'ephemeral container' : container.type === 'initContainer' ? (container.sidecar ? 'sidecar container' : 'init container') : 'container';
}

/** The data of a message naming a container as `{{containerType}} "{{container}}"` (`init container "setup"`). */
export function containerData(container: ContainerView): { containerType: string; container: string } {
  return { containerType: containerType(container), container: container.name };
}

const LABELS: Record<ResourceName, string> = { cpu: 'CPU', memory: 'memory' };
const NOUNS: Record<ResourceField, string> = { requests: 'request', limits: 'limit' };

/** The message of a cpu/memory requests/limits-missing check: `init container "setup" has no CPU limit`. */
export function missingResourceMessages(field: ResourceField, name: ResourceName): { missing: string } {
  return { missing: `{{containerType}} "{{container}}" has no ${LABELS[name]} ${NOUNS[field]}` };
}

/** The shared logic of cpu/memory requests/limits-missing (messages: missingResourceMessages). */
export function* missingResource(resource: Resource, workload: Workload | undefined, inventory: Inventory, field: ResourceField, name: ResourceName): Iterable<Violation<'missing'>> {
  if (!workload) return;
  const defaults = limitRangeDefaults(inventory, resource.ref.namespace);
  for (const container of resourceContainers(workload)) {
    if (hasResource(container, workload, field, name, defaults)) continue;
    yield {
      path: [...container.path, 'resources', field, name],
      messageId: 'missing',
      data: containerData(container),
      container: container.name,
    };
  }
}

const PROBES = { livenessProbe: 'liveness', readinessProbe: 'readiness' } as const;

/** The message of liveness/readiness-probe-missing: `container "app" has no liveness probe`. */
export function missingProbeMessages(probe: keyof typeof PROBES): { missing: string } {
  return { missing: `{{containerType}} "{{container}}" has no ${PROBES[probe]} probe` };
}

/** The shared logic of liveness/readiness-probe-missing (messages: missingProbeMessages). */
export function* missingProbe(workload: Workload | undefined, probe: keyof typeof PROBES): Iterable<Violation<'missing'>> {
  for (const container of probedContainers(workload)) {
    if (asRecord(container.container[probe])) continue;
    yield {
      path: [...container.path, probe],
      messageId: 'missing',
      data: containerData(container),
      container: container.name,
    };
  }
}
