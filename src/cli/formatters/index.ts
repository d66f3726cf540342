import type { ScanReport } from '../../core/engine/report.js';
import { defineOutputs } from '../output/registry.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatLine } from './line.js';
import { formatMarkdown } from './markdown.js';
import { formatSarif } from './sarif.js';
import { formatTable } from './table.js';
import type { Formatter } from './types.js';
import { formatYaml } from './yaml.js';

export const FORMATTERS: Record<string, Formatter> = {
  table: formatTable,
  json: formatJson,
  yaml: formatYaml,
  sarif: formatSarif,
  junit: formatJunit,
  markdown: formatMarkdown,
  line: formatLine,
};

/** `palisade scan -o`: the scan report's formats. */
export const SCAN_OUTPUTS = defineOutputs<ScanReport>({ default: 'table', formats: FORMATTERS });
