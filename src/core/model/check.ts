import type { Path } from './location.js';
import type { Resource } from './resource.js';
import type { Severity } from './severity.js';
import type { StandardsMapping } from './standards.js';
import type { Inventory } from '../inventory/inventory.js';
import type { AnyAnalysis, Member, ReadScope, Significant } from '../inventory/analysis.js';
import type { Workload } from '../kinds/pod-spec.js';
import type { KubeObject } from './resource.js';

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

/**
 * Typed options: each has a type, a default and a sentence saying what it does. `required` marks
 * an option the check cannot do without: while it is empty (the empty string or list, as by
 * default) the check has nothing to compare against and reports nothing, so a standard's control
 * behind it is not evaluated ("needs configuration") rather than passed.
 */
export type OptionSpec =
  | { type: 'string'; default: string; description: string; required?: true }
  | { type: 'string[]'; default: readonly string[]; description: string; required?: true }
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

/** What a message template interpolates: `{{name}}` is replaced by `data.name`. */
export type MessageData = Readonly<Record<string, string | number>>;

/**
 * The data a violation passes. An undefined value counts as absent: TypeScript gives the
 * object literals of a check's several yields each other's keys as optional undefined ones.
 */
export type ViolationData = Readonly<Record<string, string | number | undefined>>;

/** The data of a violation without its absent (undefined) values, as a finding keeps it. */
export function definedData(data: ViolationData): MessageData {
  // Most data has no undefined value: keep the check's own object (no copy per finding).
  let complete = true;
  for (const name in data) if (data[name] === undefined) complete = false;
  if (complete) return data as MessageData;
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(data)) if (value !== undefined) out[name] = value;
  return out;
}

/**
 * One thing a check found wrong, located by a path into the object. Its message is (as
 * ESLint's `context.report({ messageId, data })`) the id of one of the check's `messages`
 * with the data it interpolates; the engine renders the sentence and keeps the id and data
 * on the finding. A check never writes a sentence itself.
 */
export interface Violation<M extends string = never> {
  /** Path into the object; a missing field is reported at its parent. */
  path: Path;
  /** Container the violation concerns, for per-container exceptions. */
  container?: string;
  /** One of the check's `messages`. */
  messageId: M;
  /** The values of the template's placeholders. Never secret values. */
  data?: ViolationData;
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
  /**
   * What the check reads of an object of those kinds (see Analysis.significant): a change that
   * leaves it deep-equal re-evaluates no other object for this check. Absent: objectContent.
   */
  significant?: Significant;
  /** For additions and deletions of objects of those kinds (see Analysis.member). Absent: each counts by identity. */
  member?: Member;
  /**
   * How far the check's own lookups (of `kinds`) reach, when narrower than `scope` (which its
   * analyses widen): a check that asks the cluster-wide RBAC model but looks up Services in its
   * object's namespace only says 'namespace', so a Service change re-evaluates that namespace.
   */
  lookups?: ReadScope;
  /** Analyses the check gets from the inventory. */
  analyses?: readonly AnyAnalysis[];
  /** Results of earlier image scans (inventory.images). */
  images?: true;
  scope: ReadScope;
}

export interface CheckDefinition<S extends OptionSpecs = OptionSpecs, M extends string = never> {
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
  /**
   * Narrows `appliesTo` to the objects the check is about, when the kind does not say it (a
   * control-plane check runs on every workload but concerns those that run its component).
   * The check still runs on every object of its kinds; an object `test` rejects does not count
   * as one it was evaluated on, so a standard's control behind it is not passed on such objects
   * alone. `description` names those objects in that case ("workloads that run kube-apiserver").
   */
  appliesWhen?: { description: string; test(context: CheckContext<OptionValues<S>>): boolean };
  options: S;
  /** Message templates by id (`{{name}}` placeholders); violations name one by `messageId`. Never secret values. */
  messages: Readonly<Record<M, string>>;
  evaluate(context: CheckContext<OptionValues<S>>): Iterable<Violation<NoInfer<M>>>;
  /** A mechanical fix for (some of) the check's findings, applied by `palisade fix`. */
  fix?: CheckFix;
}

/** A value a fix writes: a scalar, or a list of strings (`drop: [ALL]`). */
export type FixValue = string | number | boolean | readonly string[];

/**
 * One change a fix makes to an object, addressed by a path into it:
 * - `set`: write `value` at `path`, creating the mappings on the way (never lists); `comment`
 *   is written beside it (what a person should know about the new value);
 * - `todo`: a comment for a person on the mapping at `path`, where a value must be chosen that
 *   no tool can guess (a probe, a memory limit); the object itself is unchanged.
 */
export type FixEdit =
  | { kind: 'set'; path: Path; value: FixValue; comment?: string }
  | { kind: 'todo'; path: Path; comment: string };

/** What a fix is given: the object a finding is on, and its pod spec when it has one. */
export interface FixContext {
  object: KubeObject;
  workload: Workload | undefined;
}

/** The finding a fix is asked about: which of the check's messages, on which container. */
export interface FixTarget {
  messageId?: string;
  container?: string;
  data?: MessageData;
}

/**
 * A check's mechanical fix: a pure function from an object and one of the check's findings on
 * it to the edits that remove the finding (none when this finding has no mechanical fix).
 * `description` says what it writes, for the docs and `palisade fix`.
 */
export interface CheckFix {
  description: string;
  edits(context: FixContext, finding: FixTarget): readonly FixEdit[];
}

/** Identity helper that keeps option types and message ids precise at the definition site. */
export function defineCheck<S extends OptionSpecs, M extends string = never>(check: CheckDefinition<S, M>): CheckDefinition<S, M> {
  return check;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCheck = CheckDefinition<any, string>;

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** A template split once into its text and placeholders: [text, name, whole, text, name, whole, ..., text]. */
const compiled = new Map<string, string[]>();

function compile(template: string): string[] {
  let parts = compiled.get(template);
  if (!parts) {
    parts = [];
    let last = 0;
    for (const match of template.matchAll(PLACEHOLDER)) {
      parts.push(template.slice(last, match.index), match[1]!, match[0]);
      last = match.index + match[0].length;
    }
    parts.push(template.slice(last));
    compiled.set(template, parts);
  }
  return parts;
}

/** A template with its `{{name}}` placeholders filled from `data`; a placeholder without data stays as written (as in ESLint). */
export function renderMessage(template: string, data: ViolationData | undefined): string {
  if (data === undefined) return template;
  // Rendered once per finding: the template is parsed once, not matched per finding.
  const parts = compile(template);
  if (parts.length === 1) return template;
  let out = parts[0]!;
  for (let index = 1; index < parts.length; index += 3) {
    const name = parts[index]!;
    const value = Object.hasOwn(data, name) ? data[name] : undefined;
    out += (value !== undefined ? String(value) : parts[index + 1]!) + parts[index + 2]!;
  }
  return out;
}

/** The sentence of a violation: its check's message `messageId` rendered with `data`. */
export function violationMessage(check: AnyCheck, violation: Violation<string>): string {
  const template = Object.hasOwn(check.messages, violation.messageId) ? check.messages[violation.messageId] : undefined;
  if (template === undefined) throw new Error(`check ${check.id} has no message "${violation.messageId}"`);
  return renderMessage(template, violation.data);
}
