import type { Inventory } from './inventory.js';

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
