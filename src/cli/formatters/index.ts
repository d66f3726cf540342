import { formatJson } from './json.js';
import { formatTable } from './table.js';
import type { Formatter } from './types.js';
import { formatYaml } from './yaml.js';

export const FORMATTERS: Record<string, Formatter> = {
  table: formatTable,
  json: formatJson,
  yaml: formatYaml,
};
