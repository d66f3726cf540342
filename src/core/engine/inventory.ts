import { extractWorkload, type Workload } from '../kinds/pod-spec.js';
import type { Resource } from '../model/resource.js';

/**
 * Every scanned object, indexed for relational checks. Built once per scan
 * (or once per admission request, from the objects the caller knows).
 */
export interface Inventory {
  readonly resources: readonly Resource[];
  ofKind(kind: string): readonly Resource[];
  inNamespace(namespace: string): readonly Resource[];
  find(kind: string, namespace: string | undefined, name: string): Resource | undefined;
  /** Namespaces that are declared (Namespace objects) or used by any object. */
  readonly namespaces: ReadonlySet<string>;
  workloadOf(resource: Resource): Workload | undefined;
}

export function buildInventory(resources: readonly Resource[]): Inventory {
  const byKind = new Map<string, Resource[]>();
  const byNamespace = new Map<string, Resource[]>();
  const byKey = new Map<string, Resource>();
  const namespaces = new Set<string>();
  const workloads = new WeakMap<Resource, Workload | null>();
  for (const resource of resources) {
    const { kind, namespace, name } = resource.ref;
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = []));
    list.push(resource);
    if (namespace !== undefined) {
      namespaces.add(namespace);
      let nsList = byNamespace.get(namespace);
      if (!nsList) byNamespace.set(namespace, (nsList = []));
      nsList.push(resource);
    }
    if (kind === 'Namespace' && name) namespaces.add(name);
    byKey.set(`${kind}\u0000${namespace ?? ''}\u0000${name}`, resource);
  }
  return {
    resources,
    ofKind: (kind) => byKind.get(kind) ?? [],
    inNamespace: (namespace) => byNamespace.get(namespace) ?? [],
    find: (kind, namespace, name) => byKey.get(`${kind}\u0000${namespace ?? ''}\u0000${name}`),
    namespaces,
    workloadOf(resource) {
      let workload = workloads.get(resource);
      if (workload === undefined) {
        workload = extractWorkload(resource.object) ?? null;
        workloads.set(resource, workload);
      }
      return workload ?? undefined;
    },
  };
}
