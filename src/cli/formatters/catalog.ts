import type { AnyCheck } from '../../core/model/check.js';
import { defineOutputs } from '../output/registry.js';
import { tableChunks } from '../output/table.js';

/** `palisade checks -o`: the check catalog, a line per check or the metadata as JSON. */
export const CATALOG_OUTPUTS = defineOutputs<readonly AnyCheck[]>({
  default: 'table',
  formats: {
    table: (checks) =>
      tableChunks(
        checks.map((check) => [check.id, check.severity, check.category, check.enabledByDefault ? 'on ' : 'off', check.title]),
        { columns: [undefined, { width: 8 }, { width: 16 }] },
      ),
    json: (checks) => `${JSON.stringify(checks.map(({ evaluate: _evaluate, ...metadata }) => metadata), null, 2)}\n`,
  },
});
