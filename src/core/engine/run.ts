import { isWorkloadKind } from '../kinds/pod-spec.js';
import type { Finding, InputError, Suppression } from '../model/finding.js';
import { formatPath, locate } from '../model/location.js';
import { severityRank } from '../model/severity.js';
import type { Resource } from '../model/resource.js';
import { sourceLabel } from '../model/source.js';
import { definedData, violationMessage, type CheckContext, type Violation } from '../model/check.js';
import type { PlannedCheck, ScanPlan } from './config.js';
import { inlineExceptionsOf, isExpired, ruleMatches, type ExpiredException, type InlineException } from './exceptions.js';
import type { Workload } from '../kinds/pod-spec.js';
import type { Inventory } from '../inventory/inventory.js';
import { ownedByScannedController } from './ownership.js';

export interface Evaluation {
  findings: Finding[];
  suppressed: Suppression[];
  errors: InputError[];
  /** Exceptions past their expiry date (annotations of the objects evaluated, then configured rules). */
  expired?: ExpiredException[];
  /**
   * Ids of the checks that ran to the end on at least one object they apply to (of their kinds,
   * and accepted by their `appliesWhen`). A standard's control passes only on such checks.
   * Recorded when present: `evaluateAll` always creates it.
   */
  evaluated?: Set<string>;
}

/**
 * Why an inline exception that parsed cannot apply to this object: it names a check Palisade
 * does not have, or a container the object does not have.
 */
function inlineProblem(item: InlineException, plan: ScanPlan, resource: Resource, workload: Workload | undefined): string | undefined {
  if (item.problem) return item.problem;
  if (plan.catalog && !plan.catalog.has(item.checkId)) return `unknown check id ${JSON.stringify(item.checkId)} (palisade checks lists them)`;
  if (item.container !== undefined) {
    if (!workload) return `names container ${JSON.stringify(item.container)}, but a ${resource.ref.kind} has no containers`;
    const names = workload.containers.map((container) => container.name);
    if (!names.includes(item.container)) return `${resource.ref.kind} ${resource.ref.name} has no container ${JSON.stringify(item.container)} (containers: ${names.join(', ')})`;
  }
  return undefined;
}

/** Per-kind check lists, computed once per plan. */
export interface CompiledPlan {
  plan: ScanPlan;
  checksFor(kind: string): readonly PlannedCheck[];
}

export function compilePlan(plan: ScanPlan): CompiledPlan {
  const cache = new Map<string, PlannedCheck[]>();
  return {
    plan,
    checksFor(kind) {
      let list = cache.get(kind);
      if (!list) {
        const workload = isWorkloadKind(kind);
        list = plan.checks.filter(({ check }) => ('workloads' in check.appliesTo ? workload : check.appliesTo.kinds.includes(kind)));
        cache.set(kind, list);
      }
      return list;
    },
  };
}

/**
 * Runs every planned check on one object. This is the unit the scanner,
 * the admission webhook and the watcher share.
 */
export function evaluateResource(resource: Resource, inventory: Inventory, compiled: CompiledPlan, into?: Evaluation): Evaluation {
  const out = into ?? { findings: [], suppressed: [], errors: [] };
  const checks = compiled.checksFor(resource.ref.kind);
  if (checks.length === 0) return out;
  const workload = inventory.workloadOf(resource);
  let inline: InlineException[] | undefined;
  // One context per object; only the options change from check to check.
  const context: CheckContext<unknown> = { resource, workload, inventory, options: undefined, now: compiled.plan.now };
  const validated = (items: InlineException[]): InlineException[] =>
    items.map((item) => {
      const problem = inlineProblem(item, compiled.plan, resource, workload);
      return problem === item.problem ? item : { ...item, problem: problem! };
    });
  for (const planned of checks) {
    const { check } = planned;
    let violations: Violation<string>[] | undefined;
    try {
      context.options = planned.options;
      // Collected before use, so a check that throws midway reports nothing partial.
      for (const violation of check.evaluate(context as never)) (violations ??= []).push(violation);
    } catch (error) {
      out.errors.push({
        code: 'check-error',
        message: `check ${check.id} failed on ${resource.ref.kind}/${resource.ref.name}: ${(error as Error).message}`,
        file: sourceLabel(resource.origin.source),
        source: resource.origin.source,
        document: resource.origin.document,
      });
      continue;
    }
    if (out.evaluated && !out.evaluated.has(check.id) && (check.appliesWhen === undefined || check.appliesWhen.test(context as never))) out.evaluated.add(check.id);
    if (violations === undefined) continue;
    for (const violation of violations) {
      const { position } = locate(resource.object, violation.path);
      const finding: Finding = {
        checkId: check.id,
        severity: planned.severity,
        message: violationMessage(check, violation),
        object: resource.ref,
        source: resource.origin.source,
        location: {
          document: resource.origin.document,
          path: formatPath(violation.path),
          ...(position ?? resource.origin.position ?? {}),
        },
      };
      if (violation.container !== undefined) finding.container = violation.container;
      finding.messageId = violation.messageId;
      if (violation.data !== undefined) finding.data = definedData(violation.data);

      if (compiled.plan.inlineExceptions) {
        inline ??= validated(inlineExceptionsOf(resource, workload?.podMetadata.annotations));
        const exception = inline.find(
          (item) => item.checkId === check.id && !item.problem && (item.container === undefined || item.container === violation.container) && !isExpired(item.expires, compiled.plan.now),
        );
        if (exception) {
          out.suppressed.push({ finding, source: 'annotation', reason: exception.reason, ...(exception.expires ? { expires: exception.expires } : {}) });
          continue;
        }
      }
      const rule = compiled.plan.exceptions.find((item) => ruleMatches(item, finding) && !isExpired(item.expires, compiled.plan.now));
      if (rule) {
        out.suppressed.push({ finding, source: 'config', reason: rule.reason, ...(rule.expires ? { expires: rule.expires } : {}) });
        continue;
      }
      out.findings.push(finding);
    }
  }
  if (compiled.plan.inlineExceptions) {
    inline ??= validated(inlineExceptionsOf(resource, workload?.podMetadata.annotations));
    for (const item of inline) {
      if (item.problem) {
        out.errors.push({ code: 'invalid-exception', message: `${item.annotation}: ${item.problem}`, file: sourceLabel(resource.origin.source), source: resource.origin.source, document: resource.origin.document, field: `metadata.annotations[${JSON.stringify(item.annotation)}]` });
      } else if (item.expires !== undefined && isExpired(item.expires, compiled.plan.now)) {
        (out.expired ??= []).push({
          source: 'annotation',
          annotation: item.annotation,
          checks: [item.checkId],
          ...(item.container !== undefined ? { container: item.container } : {}),
          reason: item.reason,
          expires: item.expires,
          object: resource.ref,
          file: sourceLabel(resource.origin.source),
        });
      }
    }
  }
  return out;
}

/**
 * Evaluates a batch. Objects whose controller is in the inventory (Pods of a
 * ReplicaSet, ReplicaSets of a Deployment) are reported on that controller only.
 */
export function evaluateAll(resources: readonly Resource[], inventory: Inventory, plan: ScanPlan): Evaluation {
  const compiled = compilePlan(plan);
  const out: Evaluation = { findings: [], suppressed: [], errors: [], evaluated: new Set() };
  for (const resource of resources) if (!ownedByScannedController(resource, inventory)) evaluateResource(resource, inventory, compiled, out);
  plan.exceptions.forEach((rule, index) => {
    if (rule.expires !== undefined && isExpired(rule.expires, plan.now)) (out.expired ??= []).push({ source: 'config', rule: index, checks: [...rule.checks], reason: rule.reason, expires: rule.expires });
  });
  out.findings.sort(compareFindings);
  out.suppressed.sort((a, b) => compareFindings(a.finding, b.finding));
  return out;
}

/** Ordered by source as printed, then line, column, severity (highest first) and check id. */
export function compareFindings(a: Finding, b: Finding): number {
  const fileA = sourceLabel(a.source);
  const fileB = sourceLabel(b.source);
  return (
    (fileA < fileB ? -1 : fileA > fileB ? 1 : 0) ||
    (a.location.line ?? 0) - (b.location.line ?? 0) ||
    (a.location.column ?? 0) - (b.location.column ?? 0) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.checkId < b.checkId ? -1 : a.checkId > b.checkId ? 1 : 0)
  );
}
