import { parseArgs } from 'node:util';
import { ALL_CHECKS } from '../../core/checks/index.js';
import { UsageError } from '../usage-error.js';
import type { CommandIO } from '../io.js';

export const CHECKS_HELP = `Usage: palisade checks [-o table|json]

Lists every check with its id, severity, category and whether it is on by default.
`;

export async function checksCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { output: { type: 'string', short: 'o', default: 'table' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.stdout(CHECKS_HELP);
    return 0;
  }
  if (values.output === 'json') {
    const catalog = ALL_CHECKS.map(({ evaluate: _evaluate, ...metadata }) => metadata);
    io.stdout(`${JSON.stringify(catalog, null, 2)}\n`);
    return 0;
  }
  if (values.output !== 'table') throw new UsageError('checks: -o must be table or json');
  const width = Math.max(...ALL_CHECKS.map((check) => check.id.length));
  for (const check of ALL_CHECKS) {
    io.stdout(`${check.id.padEnd(width)}  ${check.severity.padEnd(8)}  ${check.category.padEnd(16)}  ${check.enabledByDefault ? 'on ' : 'off'}  ${check.title}\n`);
  }
  return 0;
}
