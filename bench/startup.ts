/**
 * Start-up cost of a small scan, what pre-commit hooks, editors and CI on one chart pay many
 * times a day: `palisade scan` of one file, against `node -e 0` measured in the same run (the
 * floor: starting Node itself), with the bundle's code cache warm and on a first run (no
 * cache yet: the bundle is compiled and the cache written), and the same scan through the
 * unbundled compiled modules (dist/src, what the bundle replaces). Runs alternate, so a busy
 * machine slows each alike.
 *
 *   npm run build && node dist/bench/startup.js [--runs N]
 *
 * Target (issue "Daily use"): the one-file scan under 2x `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
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

if (statSync(repoPath('dist/bundle/cli/main.cjs')).mtimeMs < statSync(repoPath('dist/src/cli/main.js')).mtimeMs) {
  throw new Error('the bundle is older than the compiled modules: run node scripts/bundle.mjs');
}

const scratch = mkdtempSync(path.join(tmpdir(), 'palisade-startup-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
/** A cache directory with the code caches written by one earlier run of each command. */
const warm = path.join(scratch, 'warm');
/** A new, empty cache directory for each run. */
let fresh = 0;
const cold = (): string => path.join(scratch, `cold-${fresh++}`);

const scan = [repoPath('bin/palisade.js'), 'scan', file, '-o', 'json'];
const commands: Record<string, { args: string[]; cache?: () => string }> = {
  'node -e 0': { args: ['-e', '0'] },
  'palisade version': { args: [repoPath('bin/palisade.js'), 'version'], cache: () => warm },
  'scan 1 file (bundle, code cache warm)': { args: scan, cache: () => warm },
  'scan 1 file (bundle, first run: no cache yet)': { args: scan, cache: cold },
  'scan 1 file (compiled modules, dist/src)': { args: [...runner(repoPath('dist/src/cli/main.js')), 'scan', file, '-o', 'json'], cache: () => warm },
};
for (const args of [scan, [repoPath('bin/palisade.js'), 'version']]) spawnSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, XDG_CACHE_HOME: warm } });

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (let round = 0; round < runs; round++) {
  for (const [name, { args, cache }] of Object.entries(commands)) {
    const env = cache ? { ...process.env, XDG_CACHE_HOME: cache() } : process.env;
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env });
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
console.log(`${runs} alternating runs each, median wall time (load average ${os.loadavg()[0]!.toFixed(1)} at the end):`);
for (const [name, list] of Object.entries(samples)) {
  const ms = median(list);
  console.log(`  ${name.padEnd(48)} ${ms.toFixed(0).padStart(5)} ms  ${(ms / floor).toFixed(2)}x node -e 0`);
}
