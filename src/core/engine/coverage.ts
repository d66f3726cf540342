import type { OptionSpec } from '../model/check.js';
import type { InputError, InputErrorCode } from '../model/finding.js';
import { WORKLOAD_KINDS } from '../kinds/pod-spec.js';
import { ANY_KIND } from '../inventory/analysis.js';
import { checkNeeds } from '../inventory/reads.js';
import type { PlannedCheck, ScanPlan } from './config.js';

/**
 * Whether an input error leaves objects unread, by code. Every code must decide (a new code
 * does not compile until it does): reading errors do, the engine's own do not.
 */
const LEAVES_OBJECTS_UNREAD: Record<InputErrorCode, boolean> = {
  'yaml-syntax': true,
  'alias-limit': true,
  'depth-limit': true,
  'file-too-large': true,
  'binary-file': true,
  'read-error': true,
  'render-error': true,
  'missing-program': true,
  'invalid-object': true,
  forbidden: true,
  'cluster-error': true,
  'invalid-exception': false,
  'check-error': false,
};

/**
 * The kinds whose objects were not all read, from the input errors: the error's `kind` when the
 * reader knows it (a forbidden list on --cluster), else ANY_KIND: a file that could not be read
 * or a document that did not parse could have held objects of any kind.
 */
export function unreadKinds(errors: readonly InputError[]): Set<string> {
  const kinds = new Set<string>();
  for (const error of errors) if (LEAVES_OBJECTS_UNREAD[error.code]) kinds.add(error.kind ?? ANY_KIND);
  return kinds;
}

/** A check that did not run, or ran on part of its input only, because some kinds were not read. */
export interface NotEvaluated {
  checkId: string;
  /**
   * skipped: it did not run (it reads a kind that was not read, or every kind it applies to was
   * not read); partial: it ran on the objects read, but not on the kinds listed.
   */
  status: 'skipped' | 'partial';
  /** The kinds not read that it needs, sorted; ANY_KIND ('*') for an input of unknown kind. */
  kinds: string[];
}

/**
 * What a plan can soundly evaluate when some kinds were not read (`unreadKinds`):
 *
 * - a check that reads a kind not read (declared in `reads`, also through the analyses it
 *   uses) does not run: its "missing X" conclusions would be wrong;
 * - an input of unknown kind (ANY_KIND) stops every check that reads other objects than the one
 *   it evaluates (the broken document may be the policy, role or LimitRange it looks for), not
 *   the checks of one object alone;
 * - a check that applies to a kind not read runs on the objects read and is reported partial,
 *   or does not run when no kind it applies to was read.
 *
 * A concrete kind not read does not stop checks that read ANY_KIND for it: ANY_KIND stands for
 * whatever objects the input holds (custom resources included), which a cluster scan never lists.
 */
export function planCoverage(plan: ScanPlan, unread: ReadonlySet<string>): { plan: ScanPlan; notEvaluated: NotEvaluated[] } {
  if (unread.size === 0) return { plan, notEvaluated: [] };
  const notEvaluated: NotEvaluated[] = [];
  const checks = plan.checks.filter(({ check }) => {
    const needs = checkNeeds(check);
    const blocking = new Set<string>();
    if (unread.has(ANY_KIND) && needs.reads.size > 0) blocking.add(ANY_KIND);
    for (const kind of unread) if (kind !== ANY_KIND && needs.reads.has(kind)) blocking.add(kind);
    const applied = needs.appliesTo.filter((kind) => unread.has(kind));
    if (blocking.size === 0 && applied.length === 0) return true;
    const kinds = [...new Set([...blocking, ...applied])].sort();
    const skipped = blocking.size > 0 || applied.length === needs.appliesTo.length;
    notEvaluated.push({ checkId: check.id, status: skipped ? 'skipped' : 'partial', kinds });
    return !skipped;
  });
  notEvaluated.sort((a, b) => (a.checkId < b.checkId ? -1 : a.checkId > b.checkId ? 1 : 0));
  return { plan: { ...plan, checks }, notEvaluated };
}

/**
 * Why a planned check was not evaluated, as a standard's controls say it:
 *
 * - `needs-configuration`: an option it requires (`required` in its option spec) is empty, so it
 *   has nothing to compare against (image-registry-not-allowed without allowedRegistries);
 * - `input-not-read`: kinds it needs were not fully read (it is in `notEvaluated`, skipped or
 *   partial: what was not read may hold what it looks for);
 * - `no-objects`: it ran on no object it applies to (no object of its kinds was scanned, or none
 *   its `appliesWhen` accepts, or it failed on every one).
 */
export type UnevaluatedReason = 'needs-configuration' | 'input-not-read' | 'no-objects';

export interface UnevaluatedCheck {
  checkId: string;
  reason: UnevaluatedReason;
  /** input-not-read: the kinds not read (ANY_KIND for an input of unknown kind); no-objects: the kinds it applies to. Sorted. */
  kinds?: string[];
  /** needs-configuration: the required options that are empty, in the check's order. */
  options?: string[];
}

/** The options `planned` requires (`required: true`) that are empty in its configuration. */
export function unsetRequiredOptions(planned: Pick<PlannedCheck, 'check' | 'options'>): string[] {
  const unset: string[] = [];
  for (const [name, spec] of Object.entries(planned.check.options as Record<string, OptionSpec>)) {
    if (!('required' in spec) || spec.required !== true) continue;
    const value = planned.options[name];
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) unset.push(name);
  }
  return unset;
}

/**
 * The planned checks that were not evaluated and why, in plan order: `plan` is the whole plan
 * (before `planCoverage`), `notEvaluated` what coverage stopped or cut, `evaluated` the ids the
 * engine evaluated on at least one object they apply to (`Evaluation.evaluated`). The first
 * reason that holds is given: a check that needs configuration says so whatever was read.
 */
export function unevaluatedChecks(plan: Pick<ScanPlan, 'checks'>, notEvaluated: readonly NotEvaluated[], evaluated: ReadonlySet<string>): UnevaluatedCheck[] {
  const cut = new Map(notEvaluated.map((item) => [item.checkId, item]));
  const out: UnevaluatedCheck[] = [];
  for (const planned of plan.checks) {
    const { check } = planned;
    const options = unsetRequiredOptions(planned);
    const notRead = cut.get(check.id);
    if (options.length > 0) out.push({ checkId: check.id, reason: 'needs-configuration', options });
    else if (notRead) out.push({ checkId: check.id, reason: 'input-not-read', kinds: [...notRead.kinds] });
    else if (!evaluated.has(check.id)) out.push({ checkId: check.id, reason: 'no-objects', kinds: [...('workloads' in check.appliesTo ? WORKLOAD_KINDS : check.appliesTo.kinds)].sort() });
  }
  return out;
}
