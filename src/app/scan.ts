/**
 * The scan use case, written once for every front end (the CLI, tests, benchmarks, and later
 * the admission webhook, the watcher and the server): a configuration becomes a plan, objects
 * and earlier image results become an inventory, the plan is evaluated over it, and the result
 * is a report and a verdict. Reading files, clusters and stores is the caller's (adapters);
 * rendering the report is the caller's too (formatters).
 */
import { ALL_CHECKS } from '../core/checks/index.js';
import { describeProblem, resolvePlan, type ConfigProblem, type PlanRequest, type ScanPlan } from '../core/engine/config.js';
import { buildInventory } from '../core/inventory/inventory.js';
import { buildReport, type ScanReport } from '../core/engine/report.js';
import { evaluateAll, type Evaluation } from '../core/engine/run.js';
import { planCoverage, unevaluatedChecks, unreadKinds } from '../core/engine/coverage.js';
import { imageResultsFrom, type ImageResults } from '../core/images/results.js';
import type { SignatureResults } from '../core/images/signatures.js';
import type { InputError, SkippedDocument } from '../core/model/finding.js';
import { locate } from '../core/model/location.js';
import type { Resource } from '../core/model/resource.js';
import type { Severity } from '../core/model/severity.js';
import type { ImageResultsStore, VulnerabilityDatabase } from '../core/ports/images.js';
import { parseStream } from '../adapters/manifests/yaml.js';
import { verdict, type Verdict } from './verdict.js';

/** What a scan reads: objects, and the problems met reading them (a LoadResult of the manifest or cluster adapters). */
export interface ScanInput {
  resources: readonly Resource[];
  errors: readonly InputError[];
  skipped: readonly SkippedDocument[];
}

/** A configuration as read: the parsed document, and where it came from (for positions in messages). */
export interface ScanConfig {
  config?: unknown;
  /** The file name, for messages (`.palisade.yaml:3:5: ...`). */
  source?: string;
}

/** A configuration that cannot be used: its text does not parse, or it names unknown checks or bad options. */
export class ScanConfigError extends Error {
  override name = 'ScanConfigError';
  constructor(
    readonly code: 'config-syntax' | 'invalid-config',
    message: string,
    /** The problems found by the plan, when code is invalid-config. */
    readonly problems: readonly ConfigProblem[] = [],
  ) {
    super(message);
  }
}

/**
 * A scan that would check nothing: no check selected, or no object in an input that had no
 * errors. Front ends refuse it (a usage error) unless the caller asked for it (allowEmpty).
 */
export class EmptyScanError extends Error {
  override name = 'EmptyScanError';
  constructor(
    readonly code: 'no-checks' | 'no-objects',
    message: string,
  ) {
    super(message);
  }
}

/** Parses a configuration's text (YAML or JSON): the first document, `{}` when empty. */
export function parseScanConfig(text: string, source: string): ScanConfig {
  const first = parseStream(text)[0];
  if (first?.error) throw new ScanConfigError('config-syntax', `${source}:${first.error.line}:${first.error.column}: ${first.error.message}`);
  return { config: first?.value ?? {}, source };
}

/**
 * Resolves what to run from a request (configuration, standard, --check/--enable/--disable),
 * over every check Palisade has. Unknown ids and bad options throw a ScanConfigError whose
 * message names each problem at its position in the configuration (or the flag).
 */
export function planScan(request: PlanRequest, source?: string, options: { allowEmpty?: boolean } = {}): ScanPlan {
  const { plan, problems } = resolvePlan(ALL_CHECKS, request);
  if (problems.length > 0) {
    const lines = problems.map((problem) => {
      const flag = typeof problem.path[0] === 'string' && problem.path[0].startsWith('--');
      if (flag) return `${problem.path[0]}: ${problem.message}`;
      const position = locate(request.config, problem.path).position;
      const where = `${source ?? 'config'}${position ? `:${position.line}:${position.column}` : ''}`;
      return problem.path.length === 0 ? `${where}: ${problem.message}` : `${where}: ${describeProblem(problem)}`;
    });
    throw new ScanConfigError('invalid-config', `invalid configuration:\n  ${lines.join('\n  ')}`, problems);
  }
  if (plan.checks.length === 0 && !options.allowEmpty) {
    throw new EmptyScanError('no-checks', 'no check selected: the configuration and --check, --enable, --disable and --standard leave nothing to run (--allow-empty runs anyway)');
  }
  return plan;
}

export type ScanRequest = (
  | { plan: ScanPlan; planRequest?: never }
  /** Resolved with planScan (throws ScanConfigError). */
  | { planRequest: PlanRequest; plan?: never }
) & {
  /** Results of earlier image scans, for the image checks (none: no image check reports). */
  images?: ImageResults;
  /** Signature verdicts of the images (verified beforehand: verifyImageSignatures), for image-signature-unverified. */
  signatures?: SignatureResults;
  /** Palisade's version, written into the report. */
  version: string;
  /** The verdict's threshold (`--fail-on`); default info: every finding fails. */
  failOn?: Severity;
  /** Accept a scan of no check or no object (else EmptyScanError). */
  allowEmpty?: boolean;
};

export interface ScanResult {
  plan: ScanPlan;
  /** The engine's output: findings, suppressed findings and the errors of checks. */
  evaluation: Evaluation;
  /** What every output format renders; its errors are the input's and the evaluation's. */
  report: ScanReport;
  verdict: Verdict;
}

/** Scans objects already read: inventory, evaluation, report and verdict. */
export function scanResources(input: ScanInput, request: ScanRequest): ScanResult {
  const allowEmpty = request.allowEmpty ?? false;
  const plan = request.plan ?? planScan(request.planRequest, undefined, { allowEmpty });
  if (input.resources.length === 0 && input.errors.length === 0 && !allowEmpty) {
    const skipped = input.skipped.length > 0 ? ` (${input.skipped.length} document(s) skipped: not Kubernetes objects)` : '';
    throw new EmptyScanError('no-objects', `no Kubernetes object to scan in the input${skipped} (--allow-empty accepts an empty input)`);
  }
  // Checks that need a kind not read do not run (or run in part) and are reported as such.
  const { plan: runnable, notEvaluated } = planCoverage(plan, unreadKinds(input.errors));
  const inventory = buildInventory(input.resources, { ...(request.images ? { images: request.images } : {}), ...(request.signatures ? { signatures: request.signatures } : {}) });
  const evaluation = evaluateAll(input.resources, inventory, runnable);
  const report = buildReport({
    version: request.version,
    objects: input.resources.length,
    checks: runnable.checks,
    findings: evaluation.findings,
    suppressed: evaluation.suppressed,
    errors: [...input.errors, ...evaluation.errors],
    skipped: [...input.skipped],
    // A standard's controls list every check planned for it, and pass only on checks evaluated.
    ...(plan.standard ? { standard: plan.standard, planned: plan.checks, unevaluated: unevaluatedChecks(plan, notEvaluated, evaluation.evaluated ?? new Set()) } : {}),
    notEvaluated,
    ...(evaluation.expired ? { expiredExceptions: evaluation.expired } : {}),
  });
  return { plan, evaluation, report, verdict: verdict(report, request.failOn ?? 'info') };
}

/**
 * The image results the image checks read: every stored scan's summary, and when the
 * vulnerability data was last updated (scans made before it are stale: image-not-scanned).
 */
export async function loadImageResults(store: Pick<ImageResultsStore, 'summaries'>, database?: Pick<VulnerabilityDatabase, 'freshness'>): Promise<ImageResults> {
  const summaries = await store.summaries();
  const updatedAt = database ? (await database.freshness()).updatedAt : undefined;
  return imageResultsFrom(summaries, updatedAt);
}
