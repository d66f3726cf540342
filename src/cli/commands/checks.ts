import { parseArgs } from 'node:util';
import { ALL_CHECKS } from '../../core/checks/index.js';
import { CATALOG_OUTPUTS } from '../formatters/catalog.js';
import { chooseOutputs, formatList, writeAllRendered } from '../output/registry.js';
import type { CommandIO } from '../io.js';

export const CHECKS_HELP = `Usage: palisade checks [-o ${formatList(CATALOG_OUTPUTS, '|')}]

Lists every check with its id, severity, category and whether it is on by default.

Examples:
  palisade checks                      the catalog as a table
  palisade checks -o json | jq '.[] | select(.enabledByDefault == false) | .id'
`;

export async function checksCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { output: { type: 'string', short: 'o', multiple: true }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.stdout(CHECKS_HELP);
    return 0;
  }
  await writeAllRendered(io, chooseOutputs(CATALOG_OUTPUTS, values.output as string[] | undefined, io.cwd), ALL_CHECKS);
  return 0;
}
