import { extractWorkload, type Workload } from '../kinds/pod-spec.js';
import type { ImageResults } from '../images/results.js';
import type { SignatureResults } from '../images/signatures.js';
import type { ObjectRef, Resource } from '../model/resource.js';
import { analysisAffected, type Analysis, type AnyAnalysis, type ObjectVersions } from './analysis.js';

/**
 * The objects a scan, an admission request or a watcher knows, indexed for relational
 * checks, with the analyses derived from them. Checks read it; they never change it.
 */
export interface Inventory {
  /** Every object, in the order it was added (a replaced object keeps its place). */
  readonly resources: readonly Resource[];
  ofKind(kind: string): readonly Resource[];
  /** Objects of any of these kinds, in inventory order. */
  ofKinds(kinds: readonly string[]): readonly Resource[];
  inNamespace(namespace: string): readonly Resource[];
  /** Objects of any of these kinds in one namespace, in inventory order. */
  ofKindsIn(kinds: readonly string[], namespace: string): readonly Resource[];
  /** Objects of one kind in one namespace, from an index (relational checks run per object: keep them linear). */
  ofKindIn(kind: string, namespace: string): readonly Resource[];
  find(kind: string, namespace: string | undefined, name: string): Resource | undefined;
  /** Namespaces that are declared (Namespace objects) or used by any object. */
  readonly namespaces: ReadonlySet<string>;
  workloadOf(resource: Resource): Workload | undefined;
  /** The value of an analysis over these objects, built on first use and kept until an object it reads changes. */
  get<T>(analysis: Analysis<T>): T;
  /** Results of earlier image scans (palisade image), when the caller has them. */
  readonly images?: ImageResults;
  /** Signature verdicts of the images (Sigstore/cosign), when signatures are configured; read under reads.images. */
  readonly signatures?: SignatureResults;
}

/** What identifies an object in an incremental inventory: a second object with it replaces the first. */
export type ObjectIdentity = Pick<ObjectRef, 'kind' | 'namespace' | 'name'>;

/** An inventory kept current object by object, as the admission webhook and the watcher feed it. */
export interface IncrementalInventory extends Inventory {
  /**
   * Adds an object, or replaces the content of the one with the same identity: the inventory
   * keeps the first Resource object of an identity for as long as it holds it (analyses that
   * a change does not affect keep referring to it) and updates its ref, object and origin.
   * Returns what the replaced object was (a copy), undefined when it is new (or when the
   * Resource given is the one it holds: give a new Resource for each version).
   */
  upsert(resource: Resource): Resource | undefined;
  /** Removes the object with this identity; returns what it was (undefined when there was none). */
  delete(identity: ObjectIdentity): Resource | undefined;
  /**
   * Replaces the image scan results the image checks read (the webhook reloads them from the
   * image store on a timer); undefined removes them. No analysis reads images, so none is dropped.
   */
  setImages(results: ImageResults | undefined): void;
  /** Replaces the signature verdicts the signature check reads (the webhook's cache); undefined removes them. */
  setSignatures(results: SignatureResults | undefined): void;
}

export interface InventoryContext {
  images?: ImageResults;
  signatures?: SignatureResults;
}

/**
 * Lists under two string keys, as nested maps: a lookup joins no strings (checks look up
 * Namespaces and ServiceAccounts on every object, with names fresh from a parse).
 */
class TwoKeyIndex<T> {
  private readonly outer = new Map<string, Map<string, T[]>>();

  get(first: string, second: string): T[] | undefined {
    return this.outer.get(first)?.get(second);
  }

  push(first: string, second: string, item: T): void {
    let inner = this.outer.get(first);
    if (!inner) this.outer.set(first, (inner = new Map()));
    const list = inner.get(second);
    if (list) list.push(item);
    else inner.set(second, [item]);
  }
}

function removeFrom(list: Resource[], resource: Resource): void {
  const index = list.lastIndexOf(resource);
  if (index >= 0) list.splice(index, 1);
}

/**
 * The one implementation behind both forms: a snapshot is an incremental inventory that was
 * only ever added to. Indexes are arrays (a change costs one scan of the lists it touches,
 * microseconds at a cluster's sizes); analyses are dropped when an object of a kind they read
 * is added, replaced or deleted.
 */
class IndexedInventory implements IncrementalInventory {
  /** Replaced whole by setImages: a check reads one set of results per evaluation. */
  images?: ImageResults;
  signatures?: SignatureResults;
  private readonly all: Resource[] = [];
  private readonly byKind = new Map<string, Resource[]>();
  private readonly byNamespace = new Map<string, Resource[]>();
  private readonly byKindAndNamespace = new TwoKeyIndex<Resource>();
  /** Objects by kind, then namespace ('' when cluster-scoped) and name; a snapshot may hold several with one identity, the last one is found. */
  private readonly byIdentity = new Map<string, TwoKeyIndex<Resource>>();
  /** How many objects use each namespace (a Namespace object counts for its own name). */
  private readonly namespaceUses = new Map<string, number>();
  private namespaceSet: Set<string> | undefined;
  private readonly workloads = new WeakMap<Resource, Workload | null>();
  private readonly analyses = new Map<AnyAnalysis, unknown>();

  constructor(context: InventoryContext) {
    if (context.images) this.images = context.images;
    if (context.signatures) this.signatures = context.signatures;
  }

  get resources(): readonly Resource[] {
    return this.all;
  }

  get namespaces(): ReadonlySet<string> {
    if (!this.namespaceSet) this.namespaceSet = new Set([...this.namespaceUses].filter(([, uses]) => uses > 0).map(([name]) => name));
    return this.namespaceSet;
  }

  ofKind(kind: string): readonly Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  ofKinds(kinds: readonly string[]): readonly Resource[] {
    if (kinds.length === 1) return this.ofKind(kinds[0]!);
    const wanted = new Set(kinds);
    return this.all.filter((resource) => wanted.has(resource.ref.kind));
  }

  inNamespace(namespace: string): readonly Resource[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  ofKindsIn(kinds: readonly string[], namespace: string): readonly Resource[] {
    if (kinds.length === 1) return this.ofKindIn(kinds[0]!, namespace);
    const wanted = new Set(kinds);
    return this.inNamespace(namespace).filter((resource) => wanted.has(resource.ref.kind));
  }

  ofKindIn(kind: string, namespace: string): readonly Resource[] {
    return this.byKindAndNamespace.get(kind, namespace) ?? [];
  }

  find(kind: string, namespace: string | undefined, name: string): Resource | undefined {
    const list = this.byIdentity.get(kind)?.get(namespace ?? '', name);
    return list?.[list.length - 1];
  }

  workloadOf(resource: Resource): Workload | undefined {
    let workload = this.workloads.get(resource);
    if (workload === undefined) {
      workload = extractWorkload(resource.object) ?? null;
      this.workloads.set(resource, workload);
    }
    return workload ?? undefined;
  }

  get<T>(analysis: Analysis<T>): T {
    if (this.analyses.has(analysis)) return this.analyses.get(analysis) as T;
    const value = analysis.build(this);
    this.analyses.set(analysis, value);
    return value;
  }

  setImages(results: ImageResults | undefined): void {
    // Analyses are built from objects only (none reads images): nothing cached depends on these.
    if (results) this.images = results;
    else delete this.images;
  }

  setSignatures(results: SignatureResults | undefined): void {
    if (results) this.signatures = results;
    else delete this.signatures;
  }

  /** Appends an object (a snapshot's only operation). */
  add(resource: Resource): void {
    const { kind, namespace, name } = resource.ref;
    this.all.push(resource);
    push(this.byKind, kind, resource);
    if (namespace !== undefined) {
      this.useNamespace(namespace, 1);
      push(this.byNamespace, namespace, resource);
      this.byKindAndNamespace.push(kind, namespace, resource);
    }
    if (kind === 'Namespace' && name) this.useNamespace(name, 1);
    let identities = this.byIdentity.get(kind);
    if (!identities) this.byIdentity.set(kind, (identities = new TwoKeyIndex()));
    identities.push(namespace ?? '', name, resource);
    this.changed({ kind, after: resource });
  }

  upsert(resource: Resource): Resource | undefined {
    const { kind, namespace, name } = resource.ref;
    const existing = this.find(kind, namespace, name);
    if (!existing) {
      this.add(resource);
      return undefined;
    }
    if (existing === resource) {
      // The object it holds, given again (changed in place, perhaps): what it was is not known.
      this.workloads.delete(existing);
      this.changed({ kind });
      return undefined;
    }
    // Same identity, so the same kind and namespace: the object keeps its place in every index.
    const before: Resource = { ref: existing.ref, object: existing.object, origin: existing.origin };
    existing.ref = resource.ref;
    existing.object = resource.object;
    existing.origin = resource.origin;
    this.workloads.delete(existing);
    this.changed({ kind, before, after: existing });
    return before;
  }

  delete(identity: ObjectIdentity): Resource | undefined {
    const { kind, namespace, name } = identity;
    const existing = this.find(kind, namespace, name);
    if (!existing) return undefined;
    removeFrom(this.all, existing);
    removeFrom(this.byKind.get(kind)!, existing);
    if (namespace !== undefined) {
      this.useNamespace(namespace, -1);
      removeFrom(this.byNamespace.get(namespace)!, existing);
      removeFrom(this.byKindAndNamespace.get(kind, namespace)!, existing);
    }
    if (kind === 'Namespace' && name) this.useNamespace(name, -1);
    removeFrom(this.byIdentity.get(kind)!.get(namespace ?? '', name)!, existing);
    this.changed({ kind, before: existing });
    return existing;
  }

  private useNamespace(namespace: string, delta: number): void {
    const uses = (this.namespaceUses.get(namespace) ?? 0) + delta;
    if (uses > 0) this.namespaceUses.set(namespace, uses);
    else this.namespaceUses.delete(namespace);
    if (delta < 0 ? uses === 0 : uses === 1) this.namespaceSet = undefined;
  }

  /** Drops the analyses the change may alter. */
  private changed(change: ObjectVersions): void {
    if (this.analyses.size === 0) return;
    const memo = new Map<unknown, boolean>();
    for (const analysis of [...this.analyses.keys()]) if (analysisAffected(analysis, change, memo)) this.analyses.delete(analysis);
  }
}

function push(index: Map<string, Resource[]>, key: string, resource: Resource): void {
  const list = index.get(key);
  if (list) list.push(resource);
  else index.set(key, [resource]);
}

/** Every scanned object, indexed once: what a scan of files or a cluster evaluates against. */
export function buildInventory(resources: readonly Resource[], context: InventoryContext = {}): Inventory {
  const inventory = new IndexedInventory(context);
  for (const resource of resources) inventory.add(resource);
  return inventory;
}

/** An inventory to keep current with upsert and delete (admission, watch). */
export function createIncrementalInventory(resources: readonly Resource[] = [], context: InventoryContext = {}): IncrementalInventory {
  const inventory = new IndexedInventory(context);
  for (const resource of resources) inventory.upsert(resource);
  return inventory;
}

/**
 * The same inventory with other image results: what one admission review judges against when
 * the webhook resolved its tags and queued its unknown digests (app/admission-images.ts). Every
 * object, index and analysis is the inventory's own (no analysis reads images).
 */
export function inventoryWithImages(inventory: Inventory, images: ImageResults | undefined): Inventory {
  return {
    get resources() {
      return inventory.resources;
    },
    get namespaces() {
      return inventory.namespaces;
    },
    ofKind: (kind) => inventory.ofKind(kind),
    ofKinds: (kinds) => inventory.ofKinds(kinds),
    inNamespace: (namespace) => inventory.inNamespace(namespace),
    ofKindsIn: (kinds, namespace) => inventory.ofKindsIn(kinds, namespace),
    ofKindIn: (kind, namespace) => inventory.ofKindIn(kind, namespace),
    find: (kind, namespace, name) => inventory.find(kind, namespace, name),
    workloadOf: (resource) => inventory.workloadOf(resource),
    get: (analysis) => inventory.get(analysis),
    ...(images ? { images } : {}),
    ...(inventory.signatures ? { signatures: inventory.signatures } : {}),
  };
}
