import { isDeepStrictEqual } from 'node:util';
import type { Resource } from '../model/resource.js';
import type { Inventory } from './inventory.js';
import { controllerReference } from '../engine/ownership.js';

/** Every kind: an analysis or check that looks at whatever objects there are (custom resources included). */
export const ANY_KIND = '*';

/**
 * How far beyond the evaluated object something reads: objects of its own namespace only
 * (a LimitRange, the pod's ServiceAccount) or of any namespace (the RBAC graph, NetworkPolicies
 * that select pods across namespaces). A watcher re-evaluates, for a change in namespace N,
 * the objects of N for 'namespace' readers and every object for 'cluster' readers.
 */
export type ReadScope = 'namespace' | 'cluster';

/**
 * Data derived from the inventory once and shared by every object's evaluation: the RBAC
 * model, the network model, an index a check needs. It declares the kinds it reads, so an
 * incremental inventory drops it when an object of one of those kinds is added, changed or
 * deleted, and so a cluster scan lists those kinds.
 */
export interface Analysis<T> {
  /** Unique, for diagnostics (`rbac/model`, `network/analysis`). */
  readonly id: string;
  /** Kinds whose objects the build reads; ANY_KIND when it reads whatever there is. */
  readonly reads: readonly string[];
  /** Other analyses the build calls `inventory.get` on: their reads are this one's too. */
  readonly uses?: readonly AnyAnalysis[];
  readonly scope: ReadScope;
  /**
   * What the build reads of an object of a kind it reads (for ANY_KIND kinds often nothing
   * but that the object exists): two versions of one object with deep-equal values leave the
   * analysis standing, so a watcher re-evaluates nothing else for that change. It must cover every field the build (and every analysis that uses this one
   * and reads objects through it) looks at: test/watch.test.ts mutates real objects field by
   * field and compares the watcher with a fresh scan. Absent: objectContent (status and
   * server-written metadata aside). existenceOnly when only the object's identity counts.
   */
  readonly significant?: Significant;
  /**
   * For additions and deletions: what an object adds to the analysis as seen from any other
   * object, when the analysis (and what checks do with it) depends on those values per
   * namespace as a set, not on which objects carry them, how many or in what order. Adding or
   * deleting an object whose value another object of its namespace shares then changes
   * nothing for other objects (a Pod of a ReplicaSet next to its ReplicaSet or its sibling
   * Pods), and `NO_CONTRIBUTION` changes nothing at all; `undefined` (and no `member`): the
   * object counts by identity, so every addition and deletion matters. The analysis itself is
   * still rebuilt: only the other objects' re-evaluation is spared. Held to, like
   * `significant`, by test/watch.test.ts.
   */
  readonly member?: Member;
  /** Pure: the inventory in, the derived value out. */
  build(inventory: Inventory): T;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAnalysis = Analysis<any>;

/** Identity helper that keeps the value type at the definition site. */
export function defineAnalysis<T>(analysis: Analysis<T>): Analysis<T> {
  return analysis;
}

const effective = new WeakMap<AnyAnalysis, ReadonlySet<string>>();

/** The kinds an analysis reads, its own and those of the analyses it uses (transitively). */
export function readsOf(analysis: AnyAnalysis): ReadonlySet<string> {
  let kinds = effective.get(analysis);
  if (!kinds) {
    const out = new Set(analysis.reads);
    for (const used of analysis.uses ?? []) for (const kind of readsOf(used)) out.add(kind);
    effective.set(analysis, (kinds = out));
  }
  return kinds;
}

/**
 * What a reader reads of an object. `options`: the options of the check on whose behalf a
 * watcher asks (an analysis keyed by them can be precise); absent when the inventory asks for
 * every check at once, so the answer must then cover any options.
 */
export type Significant = (resource: Resource, options?: Readonly<Record<string, unknown>>) => unknown;

/**
 * What an object contributes to a reader as one member of a set (Analysis.member). Gets the
 * inventory as it is after the change (top controllers are looked up in it) and the asking
 * check's options, as `significant` does.
 */
export type Member = (resource: Resource, inventory: Inventory, options?: Readonly<Record<string, unknown>>) => unknown;

/** A `member` value: the object adds nothing the reader derives for other objects (a Pod that runs no sensitive UI). */
export const NO_CONTRIBUTION: unique symbol = Symbol('no contribution');

/**
 * A `member` value: the object makes its namespace one in use and nothing more for this
 * reader (another object of the namespace does the same).
 */
export const IN_NAMESPACE = 'in its namespace';

/** For `significant`: the reader looks at nothing of the object but that it exists (its kind, namespace and name). */
export const existenceOnly = (): null => null;

/**
 * What counts of an object when a reader declares no `significant`: every field but those the
 * API server and controllers write on every update and no check reads (status, resourceVersion,
 * generation, managedFields), so a status update changes nothing for anything else.
 */
export function objectContent(resource: Resource): unknown {
  const { status: _status, metadata, ...rest } = resource.object as Record<string, unknown>;
  if (!metadata || typeof metadata !== 'object') return rest;
  const { resourceVersion: _version, generation: _generation, managedFields: _managed, ...kept } = metadata as Record<string, unknown>;
  return { ...rest, metadata: kept };
}

/** A change of one object: added (no before), deleted (no after) or replaced. */
export interface ObjectVersions {
  kind: string;
  before?: Resource | undefined;
  after?: Resource | undefined;
}

/**
 * Whether a change may alter what this reader (an analysis, or a check's direct lookups)
 * derives: it reads the kind, and the object came, went, or differs in what `significant`
 * picks. `significant` values are computed once per function and change (memo).
 */
export function changeMatters(
  reads: { has(kind: string): boolean },
  significant: Significant | undefined,
  change: ObjectVersions,
  memo?: Map<unknown, boolean>,
  options?: Readonly<Record<string, unknown>>,
): boolean {
  if (!reads.has(change.kind) && !reads.has(ANY_KIND)) return false;
  if (!change.before || !change.after) return true;
  const pick = significant ?? objectContent;
  // A function that reads options answers per option set: not shared through the memo.
  const shared = options === undefined || pick.length < 2;
  const known = shared ? memo?.get(pick) : undefined;
  if (known !== undefined) return known;
  const differs = !isDeepStrictEqual(pick(change.before, options), pick(change.after, options));
  if (shared) memo?.set(pick, differs);
  return differs;
}

/**
 * How many other objects of the namespace memberShared compares before it gives up (and the
 * change counts): a new object in a namespace of thousands must not cost a pass over all of them
 * for every reader. The controller and same-kind siblings come first, where a match usually is.
 */
const MEMBER_CANDIDATES = 64;

/**
 * Whether an addition or deletion leaves what `member` derives for other objects as it was:
 * the object contributes nothing, or another object of its namespace contributes the same
 * value. The object's controller is tried first, then its kind's objects, then the rest of
 * the namespace, at most MEMBER_CANDIDATES of them. `inventory` is after the change (an added
 * object is in it, a deleted one not).
 */
export function memberShared(member: Member, change: ObjectVersions, inventory: Inventory, options?: Readonly<Record<string, unknown>>): boolean {
  const object = change.after ?? change.before;
  if (!object || (change.before && change.after)) return false;
  const value = member(object, inventory, options);
  if (value === NO_CONTRIBUTION) return true;
  const namespace = object.ref.namespace;
  if (value === undefined || namespace === undefined) return false;
  let budget = MEMBER_CANDIDATES;
  const same = (other: Resource): boolean => {
    if (other === object || (other.ref.kind === object.ref.kind && other.ref.name === object.ref.name)) return false;
    budget--;
    const candidate = member(other, inventory, options);
    return candidate !== undefined && candidate !== NO_CONTRIBUTION && isDeepStrictEqual(candidate, value);
  };
  const controller = controllerReference(object);
  if (controller) {
    const owner = inventory.find(controller.kind, namespace, controller.name);
    if (owner && same(owner)) return true;
  }
  for (const other of inventory.ofKindIn(object.ref.kind, namespace)) {
    if (same(other)) return true;
    if (budget <= 0) return false;
  }
  for (const other of inventory.inNamespace(namespace)) {
    if (other.ref.kind !== object.ref.kind && same(other)) return true;
    if (budget <= 0) return false;
  }
  return false;
}

const ownReads = new WeakMap<AnyAnalysis, ReadonlySet<string>>();

/** Whether a change may alter this analysis or any it uses (transitively). */
export function analysisAffected(analysis: AnyAnalysis, change: ObjectVersions, memo: Map<unknown, boolean> = new Map()): boolean {
  let reads = ownReads.get(analysis);
  if (!reads) ownReads.set(analysis, (reads = new Set(analysis.reads)));
  if (changeMatters(reads, analysis.significant, change, memo)) return true;
  return (analysis.uses ?? []).some((used) => analysisAffected(used, change, memo));
}

/** 'cluster' when the analysis or any it uses reads across namespaces. */
export function scopeOf(analysis: AnyAnalysis): ReadScope {
  if (analysis.scope === 'cluster') return 'cluster';
  return (analysis.uses ?? []).some((used) => scopeOf(used) === 'cluster') ? 'cluster' : 'namespace';
}

/**
 * A value computed on demand per key (a namespace, an option set) and kept until the
 * analysis that owns it is invalidated: for per-namespace indexes.
 */
export function keyed<K, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (cache.has(key)) return cache.get(key) as V;
    const value = compute(key);
    cache.set(key, value);
    return value;
  };
}

/** The value under `key` in a cache an analysis owns, computed on first use. */
export function cachedIn<K, V>(cache: Map<K, V>, key: K, compute: () => V): V {
  if (cache.has(key)) return cache.get(key) as V;
  const value = compute();
  cache.set(key, value);
  return value;
}
