/**
 * `palisade drift`: the live objects against their desired manifests. The CLI loads both sides
 * (manifests, Kustomize, Helm; the cluster or a snapshot) and renders; this decides what is
 * compared and what the verdict is.
 */
import { compareDesired, type DriftResult } from '../core/drift/drift.js';
import type { InputError } from '../core/model/finding.js';
import type { Resource } from '../core/model/resource.js';

export interface DriftReport extends DriftResult {
  schemaVersion: 'palisade.dev/drift/v1';
  /** where the live objects came from: `cluster:CONTEXT` or the snapshot file */
  live: string;
  /** input errors of either side; a desired object whose kind could not be read live is not compared */
  errors: InputError[];
  /** desired objects left out because their kind could not be read live */
  notCompared: Array<{ kind: string; namespace?: string; name: string; reason: string }>;
}

export interface DriftInput {
  desired: readonly Resource[];
  live: readonly Resource[];
  /** where the live objects came from, for the report */
  liveLabel: string;
  errors: readonly InputError[];
  prune?: boolean;
  /**
   * The kinds the live side was read for, when it was not read for the desired objects (a
   * snapshot holds the kinds `scan --cluster` lists): desired objects of other kinds are not
   * compared, rather than reported as not deployed.
   */
  liveKinds?: ReadonlySet<string>;
}

/** Exit status: 0 no drift, 1 drift, 2 an input error or objects not compared (a drift check with a gap never passes). */
export function driftExitCode(report: DriftReport): 0 | 1 | 2 {
  if (report.errors.length > 0 || report.notCompared.length > 0) return 2;
  return report.drift ? 1 : 0;
}

export function detectDrift(input: DriftInput): DriftReport {
  // A kind the live side could not list would make every desired object of it look "not
  // deployed": those are left out, each said, and the errors make the run fail.
  const unread = new Map<string, InputError>();
  for (const error of input.errors) if (error.kind !== undefined && error.source?.kind === 'cluster') unread.set(error.kind, error);
  const notCompared: DriftReport['notCompared'] = [];
  const desired = input.desired.filter((resource) => {
    const error = unread.get(resource.ref.kind);
    const reason = error ? error.message : input.liveKinds && !input.liveKinds.has(resource.ref.kind) ? `${input.liveLabel} holds no ${resource.ref.kind} (palisade scan --cluster --snapshot saves only the kinds its checks read): compare with --cluster` : undefined;
    if (reason === undefined) return true;
    notCompared.push({ kind: resource.ref.kind, ...(resource.ref.namespace !== undefined ? { namespace: resource.ref.namespace } : {}), name: resource.ref.name, reason });
    return false;
  });
  const result = compareDesired(desired, input.live, { prune: input.prune === true });
  return { schemaVersion: 'palisade.dev/drift/v1', live: input.liveLabel, ...result, errors: [...input.errors], notCompared };
}
