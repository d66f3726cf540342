import { CATALOG_OUTPUTS } from '../formatters/catalog.js';
import { IMAGE_OUTPUTS } from '../formatters/image.js';
import { SCAN_OUTPUTS } from '../formatters/index.js';
import { SIGNATURE_OUTPUTS } from '../formatters/signatures.js';
import { EXPLAIN_OUTPUTS, EXPOSURE_OUTPUTS, GENERATE_OUTPUTS, MATRIX_OUTPUTS } from '../formatters/netpol.js';
import { RBAC_GRAPH_OUTPUTS, RBAC_OUTPUTS } from '../formatters/rbac.js';
import { DB_OUTPUTS } from '../formatters/vulndb.js';
import type { OutputFormats } from './registry.js';

/**
 * Every command's output formats, by command line: what `-o` takes where. Each command imports
 * its own set (so `palisade version` loads no renderer); this list is for tests and docs, which
 * check that help, validation and rendering agree for every command.
 */
export const COMMAND_OUTPUTS: Readonly<Record<string, OutputFormats<never>>> = {
  scan: SCAN_OUTPUTS,
  checks: CATALOG_OUTPUTS,
  db: DB_OUTPUTS,
  image: IMAGE_OUTPUTS,
  'image verify': SIGNATURE_OUTPUTS,
  rbac: RBAC_OUTPUTS,
  'rbac graph': RBAC_GRAPH_OUTPUTS,
  'netpol matrix': MATRIX_OUTPUTS,
  'netpol explain': EXPLAIN_OUTPUTS,
  'netpol exposure': EXPOSURE_OUTPUTS,
  'netpol generate': GENERATE_OUTPUTS,
};
