/**
 * The record of an admission decision, written through the DecisionStore port: who, what, which
 * checks, the verdict and the latency, from the decision the use case returned. Names, ids and
 * paths only: no object content, no message text (a message may quote a value), so never a
 * Secret's value.
 */
import type { AdmissionDecision } from './admission.js';
import type { ImageNote } from './admission-images.js';
import type { DecisionRecord } from '../core/ports/decisions.js';

export function decisionRecord(decision: AdmissionDecision, context: { at: Date; latencyMs: number; images?: readonly ImageNote[] }): DecisionRecord {
  return {
    at: context.at.toISOString(),
    ...(decision.uid !== undefined ? { uid: decision.uid } : {}),
    verdict: decision.verdict,
    ...(decision.operation !== undefined ? { operation: decision.operation } : {}),
    ...(decision.kind !== undefined ? { kind: decision.kind } : {}),
    ...(decision.subResource !== undefined ? { subResource: decision.subResource } : {}),
    ...(decision.namespace !== undefined ? { namespace: decision.namespace } : {}),
    ...(decision.name !== undefined ? { name: decision.name } : {}),
    ...(decision.user !== undefined ? { user: decision.user } : {}),
    ...(decision.groups !== undefined ? { groups: [...decision.groups] } : {}),
    ...(decision.dryRun !== undefined ? { dryRun: decision.dryRun } : {}),
    ...(decision.namespaceMode !== undefined ? { mode: decision.namespaceMode } : {}),
    checks: decision.checks.map((check) => ({ checkId: check.checkId, outcome: check.outcome, severity: check.severity, path: check.path, ...(check.container !== undefined ? { container: check.container } : {}) })),
    ...(decision.exemption !== undefined ? { exemption: decision.exemption } : {}),
    ...(decision.owner !== undefined ? { owner: decision.owner } : {}),
    ...(context.images && context.images.length > 0 ? { images: context.images.map((note) => ({ ...note })) } : {}),
    ...(decision.error !== undefined ? { error: decision.error } : {}),
    latencyMs: context.latencyMs,
  };
}
