import { extractWorkload, type Workload } from '../kinds/pod-spec.js';
import type { ImageResults } from '../images/results.js';
import type { Resource } from '../model/resource.js';

/**
 * Every scanned object, indexed for relational checks. Built once per scan
 * (or once per admission request, from the objects the caller knows).
 */
export interface Inventory {
  readonly resources: readonly Resource[];
  ofKind(kind: string): readonly Resource[];
  inNamespace(namespace: string): readonly Resource[];
  /** Objects of one kind in one namespace, from an index (relational checks run per object: keep them linear). */
  ofKindIn(kind: string, namespace: string): readonly Resource[];
  find(kind: string, namespace: string | undefined, name: string): Resource | undefined;
  /** Namespaces that are declared (Namespace objects) or used by any object. */
  readonly namespaces: ReadonlySet<string>;
  workloadOf(resource: Resource): Workload | undefined;
  /**
   * Derived data computed once per inventory (per scan, or per admission
   * request) and shared by every object's evaluation: a check's indexes.
   */
  memo<T>(key: string, compute: () => T): T;
  /** Results of earlier image scans (palisade image), when the caller has them. */
  readonly images?: ImageResults;
}

export interface InventoryContext {
  images?: ImageResults;
}

export function buildInventory(resources: readonly Resource[], context: InventoryContext = {}): Inventory {
  const byKind = new Map<string, Resource[]>();
  const byNamespace = new Map<string, Resource[]>();
  const byKey = new Map<string, Resource>();
  const namespaces = new Set<string>();
  const workloads = new WeakMap<Resource, Workload | null>();
  const byKindAndNamespace = new Map<string, Resource[]>();
  const memos = new Map<string, unknown>();
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
    if (namespace !== undefined) {
      const key = `${kind}\u0000${namespace}`;
      let kindList = byKindAndNamespace.get(key);
      if (!kindList) byKindAndNamespace.set(key, (kindList = []));
      kindList.push(resource);
    }
    byKey.set(`${kind}\u0000${namespace ?? ''}\u0000${name}`, resource);
  }
  return {
    resources,
    ...(context.images ? { images: context.images } : {}),
    ofKind: (kind) => byKind.get(kind) ?? [],
    inNamespace: (namespace) => byNamespace.get(namespace) ?? [],
    ofKindIn: (kind, namespace) => byKindAndNamespace.get(`${kind}\u0000${namespace}`) ?? [],
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
    memo<T>(key: string, compute: () => T): T {
      if (!memos.has(key)) memos.set(key, compute());
      return memos.get(key) as T;
    },
  };
}
