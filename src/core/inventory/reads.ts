import type { AnyCheck } from '../model/check.js';
import { WORKLOAD_KINDS } from '../kinds/pod-spec.js';
import { KIND_CATALOG, kindInfo, type KindInfo } from '../kinds/catalog.js';
import { ANY_KIND, readsOf, scopeOf, type AnyAnalysis, type ReadScope } from './analysis.js';

/** What a check needs to be evaluated: the kinds it applies to and what else it reads. */
export interface CheckNeeds {
  /** Kinds of the objects it evaluates. */
  appliesTo: readonly string[];
  /** Kinds it reads besides the evaluated object, through lookups and analyses (ANY_KIND possible). */
  reads: ReadonlySet<string>;
  /** Every analysis it may get, with those they use. */
  analyses: ReadonlySet<AnyAnalysis>;
  images: boolean;
  /** 'object' when it reads nothing but the object it evaluates. */
  scope: ReadScope | 'object';
}

function withUsed(analysis: AnyAnalysis, into: Set<AnyAnalysis>): void {
  if (into.has(analysis)) return;
  into.add(analysis);
  for (const used of analysis.uses ?? []) withUsed(used, into);
}

export function checkNeeds(check: AnyCheck): CheckNeeds {
  // A check of manifest text (liveObjects: false) needs no live object of the kinds it applies to.
  const appliesTo = check.liveObjects === false ? [] : 'workloads' in check.appliesTo ? WORKLOAD_KINDS : check.appliesTo.kinds;
  const reads = new Set<string>(check.reads?.kinds ?? []);
  const analyses = new Set<AnyAnalysis>();
  let scope: CheckNeeds['scope'] = check.reads ? check.reads.scope : 'object';
  for (const analysis of check.reads?.analyses ?? []) {
    withUsed(analysis, analyses);
    for (const kind of readsOf(analysis)) reads.add(kind);
    if (scopeOf(analysis) === 'cluster') scope = 'cluster';
  }
  return { appliesTo, reads, analyses, images: check.reads?.images === true, scope };
}

/**
 * The kinds a cluster scan (or an informer) must read for these checks: every kind a check
 * applies to or reads, in the catalog's order. ANY_KIND adds nothing (custom resources are
 * not listed); kinds that are not API objects (list 'no') come from elsewhere.
 */
export function kindsToRead(checks: readonly AnyCheck[]): KindInfo[] {
  const kinds = new Set<string>();
  for (const check of checks) {
    const needs = checkNeeds(check);
    for (const kind of needs.appliesTo) kinds.add(kind);
    for (const kind of needs.reads) if (kind !== ANY_KIND) kinds.add(kind);
  }
  return KIND_CATALOG.filter((info) => kinds.has(info.kind) && info.list !== 'no');
}

/** Kinds that checks name but the catalog does not know (a test keeps this empty). */
export function kindsMissingFromCatalog(checks: readonly AnyCheck[]): string[] {
  const missing = new Set<string>();
  for (const check of checks) {
    const needs = checkNeeds(check);
    for (const kind of [...needs.appliesTo, ...needs.reads]) if (kind !== ANY_KIND && !kindInfo(kind)) missing.add(kind);
  }
  return [...missing].sort();
}
