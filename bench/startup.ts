/**
 * Start-up cost of a small scan, what pre-commit hooks, editors and CI on one chart pay many
 * times a day: `palisade scan` of one file, against `node -e 0` measured in the same run (the
 * floor: starting Node itself), and the same scan through the unbundled compiled modules
 * (dist/src, what the bundle replaces). Runs alternate, so a busy machine slows each alike.
 *
 *   npm run build && node dist/bench/startup.js [--runs N]
 *
 * Target (issue "Daily use"): the one-file scan under 2x `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { repoPath } from '../test/support/paths.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
const file = repoPath('examples/insecure.yaml');

/** Imports one CLI entry and runs it, as bin/palisade.js does. */
const runner = (entry: string): string[] => [
  '--input-type=module',
  '-e',
  `const { main, processIO } = await import(${JSON.stringify(entry)}); process.exitCode = await main(process.argv.slice(1), processIO());`,
];

const commands: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'palisade version': [repoPath('bin/palisade.js'), 'version'],
  'scan 1 file (bundle, bin/palisade.js)': [repoPath('bin/palisade.js'), 'scan', file, '-o', 'json'],
  'scan 1 file (compiled modules, dist/src)': [...runner(repoPath('dist/src/cli/main.js')), 'scan', file, '-o', 'json'],
};

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (let round = 0; round < runs; round++) {
  for (const [name, args] of Object.entries(commands)) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0 && result.status !== 1) throw new Error(`${name}: exit ${result.status}: ${result.stderr}`);
    samples[name]!.push(ms);
  }
}

const median = (list: number[]): number => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const floor = median(samples['node -e 0']!);
console.log(`${runs} alternating runs each, median wall time:`);
for (const [name, list] of Object.entries(samples)) {
  const ms = median(list);
  console.log(`  ${name.padEnd(44)} ${ms.toFixed(0).padStart(5)} ms  ${(ms / floor).toFixed(2)}x node -e 0`);
}
