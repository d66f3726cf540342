/**
 * The export-vap use case: the checks a request selects (as `scan` selects them), translated
 * to ValidatingAdmissionPolicies and bindings for the API server to enforce in-process.
 */
import type { PlanRequest } from '../core/engine/config.js';
import { buildVapExport, type VapExport, type VapExportOptions } from '../core/admission/vap/policies.js';
import { planScan } from './scan.js';

export interface VapExportRequest extends VapExportOptions {
  /** Resolved with planScan (throws ScanConfigError or EmptyScanError). */
  planRequest: PlanRequest;
  source?: string;
}

export function exportVap(request: VapExportRequest): VapExport {
  const plan = planScan(request.planRequest, request.source);
  return buildVapExport(plan.checks, { actions: request.actions, ...(request.namespaceSelector ? { namespaceSelector: request.namespaceSelector } : {}) });
}
