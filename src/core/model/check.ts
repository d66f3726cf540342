import type { Path } from './location.js';
import type { Resource } from './resource.js';
import type { Severity } from './severity.js';
import type { StandardsMapping } from './standards.js';
import type { Inventory } from '../engine/inventory.js';
import type { AnyAnalysis, ReadScope } from '../inventory/analysis.js';
import type { Workload } from '../kinds/pod-spec.js';

export const CATEGORIES = [
  'pod-security',
  'host-access',
  'service-accounts',
  'secrets',
  'images',
  'resources',
  'multi-tenancy',
  'network',
  'rbac',
  'ownership',
  'add-ons',
  'control-plane',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Typed options: each has a type, a default and a sentence saying what it does. */
export type OptionSpec =
  | { type: 'string'; default: string; description: string }
  | { type: 'string[]'; default: readonly string[]; description: string }
  | { type: 'number'; default: number; description: string }
  | { type: 'boolean'; default: boolean; description: string };

export type OptionSpecs = Record<string, OptionSpec>;

type OptionValue<S extends OptionSpec> = S extends { type: 'string' }
  ? string
  : S extends { type: 'string[]' }
    ? readonly string[]
    : S extends { type: 'number' }
      ? number
      : boolean;

export type OptionValues<S extends OptionSpecs> = { [K in keyof S]: OptionValue<S[K]> };

/** One thing a check found wrong, located by a path into the object. */
export interface Violation {
  /** Path into the object; a missing field is reported at its parent. */
  path: Path;
  /** Human sentence. Never contains secret values. */
  message: string;
  /** Container the violation concerns, for per-container exceptions. */
  container?: string;
}

export interface CheckContext<O> {
  resource: Resource;
  /** Set for every kind that carries a pod spec. */
  workload: Workload | undefined;
  /** Every scanned object, for relational checks. */
  inventory: Inventory;
  options: O;
  /** The scan's clock, an input like everything else (exception expiry, support windows). */
  now: Date;
}

/** Which objects a check looks at. 'workloads' means every kind that carries a pod spec. */
export type Applicability = { workloads: true } | { kinds: readonly string[] };

/**
 * What a check reads besides the object it evaluates. A check without `reads` looks at its
 * object alone: admission can run it on an incoming object with nothing else known. With
 * `reads`, the kinds and analyses it consults (their kinds are listed by a cluster scan), and
 * whether only objects of the evaluated object's namespace matter ('namespace') or any
 * ('cluster'), so a watcher knows which findings a change can affect.
 */
export interface CheckReads {
  /** Kinds looked up through the inventory; ANY_KIND when whatever there is counts. */
  kinds?: readonly string[];
  /** Analyses the check gets from the inventory. */
  analyses?: readonly AnyAnalysis[];
  /** Results of earlier image scans (inventory.images). */
  images?: true;
  scope: ReadScope;
}

export interface CheckDefinition<S extends OptionSpecs = OptionSpecs> {
  id: string;
  title: string;
  severity: Severity;
  category: Category;
  /** Why it matters. */
  description: string;
  /** How to fix it, one or two sentences. */
  remediation: string;
  references: readonly string[];
  standards: StandardsMapping;
  enabledByDefault: boolean;
  appliesTo: Applicability;
  /** Absent: the object only. */
  reads?: CheckReads;
  /**
   * false for a check that judges how a manifest is written (an apiVersion a cluster no longer
   * serves): a live object is read at a served version, so a cluster scan lists nothing for it.
   */
  liveObjects?: false;
  options: S;
  evaluate(context: CheckContext<OptionValues<S>>): Iterable<Violation>;
}

/** Identity helper that keeps option types precise at the definition site. */
export function defineCheck<S extends OptionSpecs>(check: CheckDefinition<S>): CheckDefinition<S> {
  return check;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCheck = CheckDefinition<any>;
