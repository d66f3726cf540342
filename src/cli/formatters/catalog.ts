import { checkNeeds } from '../../core/inventory/reads.js';
import type { AnyCheck } from '../../core/model/check.js';
import { defineOutputs } from '../output/registry.js';
import { tableChunks } from '../output/table.js';

/**
 * A check's metadata as JSON: what it reads is given as the kinds it needs (its analyses'
 * kinds included, `*` for any kind) and its scope, never as the analyses' code.
 */
function catalogEntry(check: AnyCheck): Record<string, unknown> {
  const { evaluate: _evaluate, reads: _reads, ...metadata } = check;
  const needs = checkNeeds(check);
  return {
    ...metadata,
    reads: { scope: needs.scope, kinds: [...needs.reads].sort(), ...(needs.images ? { images: true } : {}), analyses: [...needs.analyses].map((analysis) => analysis.id).sort() },
  };
}

/** `palisade checks -o`: the check catalog, a line per check or the metadata as JSON. */
export const CATALOG_OUTPUTS = defineOutputs<readonly AnyCheck[]>({
  default: 'table',
  formats: {
    table: (checks) =>
      tableChunks(
        checks.map((check) => [check.id, check.severity, check.category, check.enabledByDefault ? 'on ' : 'off', check.title]),
        { columns: [undefined, { width: 8 }, { width: 16 }] },
      ),
    json: (checks) => `${JSON.stringify(checks.map(catalogEntry), null, 2)}\n`,
  },
});
