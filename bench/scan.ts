/**
 * End-to-end `palisade scan` on a generated 100,000-object corpus and on
 * ../shared/corpus/kube-prometheus: wall time, objects per second and peak RSS,
 * against a baseline measured in the same run (a plain js-yaml parse of the
 * same files, no positions, no checks).
 *
 *   npm run build && node dist/bench/scan.js [--objects N] [--compare DIR]
 *
 * --compare DIR: also runs the CLI of another built checkout (an earlier commit: `git worktree
 * add DIR COMMIT && (cd DIR && npm ci && npx tsc)`) on the same corpus, alternating runs, and
 * prints the ratio of wall times and whether the JSON reports are byte-identical.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCorpus } from './corpus.js';
import { repoPath, SHARED } from '../test/support/paths.js';

const { values } = parseArgs({ options: { objects: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' }, keep: { type: 'boolean' }, compare: { type: 'string' } } });
const objects = Number(values.objects);
const runs = Number(values.runs);

const devNull = openSync('/dev/null', 'w');

/** Runs a command under GNU time for its peak RSS; its output goes to /dev/null, as to a file. */
function measure(args: string[]): { seconds: number; rssMiB: number; code: number | null; stderr: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { encoding: 'utf8', stdio: ['ignore', devNull, 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const lines = result.stderr.trim().split('\n');
  return { seconds, rssMiB: Number(lines[lines.length - 1]) / 1024, code: result.status, stderr: lines.slice(0, -1).join('\n') };
}

function best<T extends { seconds: number }>(samples: T[]): T {
  return samples.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

const root = mkdtempSync(path.join(tmpdir(), 'palisade-bench-'));
const corpus = path.join(root, 'corpus');
const generated = generateCorpus(corpus, objects);
const cli = repoPath('bin/palisade.js');
const baselineScript = path.join(root, 'baseline.mjs');
const jsYaml = repoPath('node_modules/js-yaml/index.js');
// The baseline reads and parses every file with js-yaml (no positions, no checks).
await import('node:fs').then(({ writeFileSync }) =>
  writeFileSync(
    baselineScript,
    `import fs from 'node:fs'; import path from 'node:path'; import yaml from ${JSON.stringify(jsYaml)};
     let n = 0; const dir = process.argv[2];
     for (const f of fs.readdirSync(dir).sort()) for (const d of yaml.loadAll(fs.readFileSync(path.join(dir, f), 'utf8'))) if (d) n++;
     console.log(n);`,
  ),
);

console.log(`corpus: ${objects} objects in ${generated.files} files, ${(generated.bytes / 1e6).toFixed(1)} MB`);
const baseline = best(Array.from({ length: runs }, () => measure([baselineScript, corpus])));
const scan = best(Array.from({ length: runs }, () => measure([cli, 'scan', '-o', 'json', corpus])));
if (scan.code !== 0 && scan.code !== 1) throw new Error(`scan failed (${scan.code}): ${scan.stderr}`);
const table = best(Array.from({ length: runs }, () => measure([cli, 'scan', corpus])));
const summary = best(Array.from({ length: runs }, () => measure([cli, 'scan', '-o', 'json', '--fail-on', 'critical', '--check', 'privileged-container', corpus])));
const findings = JSON.parse(spawnSync(process.execPath, [cli, 'scan', '-o', 'json', corpus], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout).summary.findings as number;

const kubePrometheus = path.join(SHARED, 'corpus/kube-prometheus');
const kp = existsSync(kubePrometheus) ? best(Array.from({ length: runs }, () => measure([cli, 'scan', '-o', 'json', kubePrometheus]))) : undefined;
const kpBytes = kp ? readdirSync(kubePrometheus).reduce((sum, f) => sum + readFileSync(path.join(kubePrometheus, f)).length, 0) : 0;

const rows = [
  ['js-yaml parse only (baseline)', baseline.seconds, objects / baseline.seconds, baseline.rssMiB],
  ['palisade scan -o json (all default checks)', scan.seconds, objects / scan.seconds, scan.rssMiB],
  ['palisade scan (table, all default checks)', table.seconds, objects / table.seconds, table.rssMiB],
  ['palisade scan --check privileged-container (load + one check)', summary.seconds, objects / summary.seconds, summary.rssMiB],
] as const;
console.log('\n| run | wall s | objects/s | MB/s | peak RSS MiB |\n|---|---:|---:|---:|---:|');
for (const [name, seconds, rate, rss] of rows) console.log(`| ${name} | ${seconds.toFixed(2)} | ${Math.round(rate)} | ${(generated.bytes / 1e6 / seconds).toFixed(1)} | ${rss.toFixed(0)} |`);
console.log(`\nscan / baseline wall time: ${(scan.seconds / baseline.seconds).toFixed(2)}x; findings: ${findings}`);
if (kp) console.log(`kube-prometheus (${(kpBytes / 1e6).toFixed(2)} MB): ${kp.seconds.toFixed(2)} s wall, ${kp.rssMiB.toFixed(0)} MiB peak RSS`);
if (values.compare) {
  const other = path.resolve(values.compare, 'bin/palisade.js');
  if (!existsSync(other)) throw new Error(`--compare ${values.compare}: no bin/palisade.js there`);
  // Alternate the two CLIs run by run, so drift in the machine's load hits both alike.
  const samples: Record<'current' | 'compared', ReturnType<typeof measure>[]> = { current: [], compared: [] };
  for (let run = 0; run < runs; run++) {
    samples.compared.push(measure([other, 'scan', '-o', 'json', corpus]));
    samples.current.push(measure([cli, 'scan', '-o', 'json', corpus]));
  }
  const current = best(samples.current);
  const compared = best(samples.compared);
  const report = (binary: string) => spawnSync(process.execPath, [binary, 'scan', '-o', 'json', corpus], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout;
  const identical = report(cli) === report(other);
  console.log(`\n| scan -o json, ${objects} objects | wall s | peak RSS MiB |\n|---|---:|---:|`);
  console.log(`| ${values.compare} | ${compared.seconds.toFixed(2)} | ${compared.rssMiB.toFixed(0)} |`);
  console.log(`| this checkout | ${current.seconds.toFixed(2)} | ${current.rssMiB.toFixed(0)} |`);
  console.log(`\nthis checkout / compared wall time: ${(current.seconds / compared.seconds).toFixed(2)}x; JSON reports ${identical ? 'byte-identical' : 'DIFFER'}`);
}
if (!values.keep) rmSync(root, { recursive: true, force: true });
else console.log(`corpus kept in ${corpus}`);
