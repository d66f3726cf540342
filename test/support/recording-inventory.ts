import { ANY_KIND, readsOf, type AnyAnalysis } from '../../src/core/inventory/analysis.js';
import type { Inventory } from '../../src/core/inventory/inventory.js';

/** One look into the inventory: a kind, in one namespace or across all ('*'). */
export type Access = { kind: string; namespace: string } | { analysis: AnyAnalysis } | { images: true };

/**
 * An inventory that reports every lookup to `onAccess` and answers from `base`. Analyses are
 * built on a recording inventory of their own, whose lookups go to `onAnalysisAccess`, so the
 * kinds an analysis reads are checked against its declaration too.
 */
export function recordingInventory(
  base: Inventory,
  onAccess: (access: Access) => void,
  onAnalysisAccess: (analysis: AnyAnalysis, access: Access) => void,
  analyses: Map<AnyAnalysis, unknown> = new Map(),
): Inventory {
  const kinds = (list: readonly string[], namespace: string) => list.forEach((kind) => onAccess({ kind, namespace }));
  const recorder: Inventory = {
    get resources() {
      onAccess({ kind: ANY_KIND, namespace: '*' });
      return base.resources;
    },
    ofKind: (kind) => (onAccess({ kind, namespace: '*' }), base.ofKind(kind)),
    ofKinds: (list) => (kinds(list, '*'), base.ofKinds(list)),
    inNamespace: (namespace) => (onAccess({ kind: ANY_KIND, namespace }), base.inNamespace(namespace)),
    ofKindsIn: (list, namespace) => (kinds(list, namespace), base.ofKindsIn(list, namespace)),
    ofKindIn: (kind, namespace) => (onAccess({ kind, namespace }), base.ofKindIn(kind, namespace)),
    find(kind, namespace, name) {
      // A Namespace object belongs to the namespace it names; other cluster-scoped objects to none.
      onAccess({ kind, namespace: kind === 'Namespace' ? name : (namespace ?? '*') });
      return base.find(kind, namespace, name);
    },
    get namespaces() {
      onAccess({ kind: ANY_KIND, namespace: '*' });
      return base.namespaces;
    },
    workloadOf: (resource) => base.workloadOf(resource),
    get<T>(analysis: import('../../src/core/inventory/analysis.js').Analysis<T>): T {
      onAccess({ analysis });
      if (!analyses.has(analysis)) {
        const own = recordingInventory(base, (access) => onAnalysisAccess(analysis, access), onAnalysisAccess, analyses);
        analyses.set(analysis, analysis.build(own));
      }
      return analyses.get(analysis) as T;
    },
    get images() {
      onAccess({ images: true });
      return base.images;
    },
    get signatures() {
      onAccess({ images: true });
      return base.signatures;
    },
  };
  return recorder;
}

/** Why an analysis's lookup is not covered by what it declares; undefined when it is. */
export function undeclaredByAnalysis(analysis: AnyAnalysis, access: Access): string | undefined {
  if ('images' in access) return `analysis ${analysis.id} reads image results`;
  if ('analysis' in access) {
    return (analysis.uses ?? []).includes(access.analysis) ? undefined : `analysis ${analysis.id} gets ${access.analysis.id} without declaring it in uses`;
  }
  const reads = readsOf(analysis);
  return reads.has(access.kind) || reads.has(ANY_KIND) ? undefined : `analysis ${analysis.id} reads ${access.kind} without declaring it`;
}
