/**
 * The vulnerability database on the real OSV data in ../shared/vulndata (Go, crates.io,
 * PyPI): `palisade db update` of the whole set (wall time, peak RSS) against a baseline in
 * the same run (a process that only reads and parses the same files), then lookup+match
 * throughput for a realistic ~500-package image on a warm database, against the bare
 * indexed lookups.
 *
 *   npm run build && node dist/bench/vulndb.js [--packages 500] [--rounds 200]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { openVulnerabilityDatabase, matchWithDatabase } from '../src/adapters/vulndb/index.js';
import { packageKey } from '../src/core/images/match.js';
import type { InstalledPackage, VersionScheme } from '../src/core/images/model.js';
import { repoPath, SHARED } from '../test/support/paths.js';

const { values } = parseArgs({ options: { packages: { type: 'string', default: '500' }, rounds: { type: 'string', default: '200' } } });
const imagePackages = Number(values.packages);
const rounds = Number(values.rounds);
const VULNDATA = path.join(SHARED, 'vulndata');
const FOLDERS = ['go', 'rust', 'pypi'].map((folder) => path.join(VULNDATA, folder));

function measure(args: string[], env: Record<string, string> = {}): { seconds: number; rssMiB: number; code: number | null; stderr: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const lines = result.stderr.trim().split('\n');
  return { seconds, rssMiB: Number(lines[lines.length - 1]) / 1024, code: result.status, stderr: lines.slice(0, -1).join('\n') };
}

const BASELINE = `
const { readdirSync, readFileSync, statSync } = require('node:fs');
const path = require('node:path');
const yaml = require(${JSON.stringify(repoPath('node_modules/js-yaml'))});
let records = 0;
const walk = (dir) => { for (const name of readdirSync(dir)) { const full = path.join(dir, name); if (statSync(full).isDirectory()) walk(full); else { const text = readFileSync(full, 'utf8'); full.endsWith('.json') ? JSON.parse(text) : yaml.load(text, { schema: yaml.FAILSAFE_SCHEMA }); records++; } } };
for (const dir of ${JSON.stringify(FOLDERS)}) walk(dir);
`;

const work = mkdtempSync(path.join(tmpdir(), 'palisade-bench-vulndb-'));
const dbFile = path.join(work, 'vuln.db');
try {
  const baseline = measure(['-e', BASELINE]);
  const update = measure([repoPath('bin/palisade.js'), 'db', 'update', '--db', dbFile, ...FOLDERS.flatMap((folder) => ['--from', folder])]);
  if (update.code !== 0) throw new Error(`db update failed: ${update.stderr}`);
  if (baseline.code !== 0) throw new Error(`baseline failed: ${baseline.stderr}`);

  // A realistic image: about 40% of the packages have advisories (named in the data, at old
  // versions), the rest do not (names the database has never seen).
  const raw = new Database(dbFile, { readonly: true });
  const named = raw.prepare<[number], { ecosystem: string; name: string }>('SELECT DISTINCT ecosystem, name FROM affected ORDER BY id LIMIT ?').all(Math.round(imagePackages * 0.4));
  raw.close();
  const schemes: Record<string, [VersionScheme, string]> = { Go: ['go', 'v0.1.0'], 'crates.io': ['cargo', '0.1.0'], PyPI: ['pep440', '1.0'] };
  const packages: InstalledPackage[] = named.map(({ ecosystem, name }) => ({ ecosystem, scheme: schemes[ecosystem]![0], name, version: schemes[ecosystem]![1], path: 'bench' }));
  for (let index = packages.length; index < imagePackages; index++) packages.push({ ecosystem: 'PyPI', scheme: 'pep440', name: `unknown-package-${index}`, version: '1.0.0', path: 'bench' });

  const db = openVulnerabilityDatabase(dbFile, { readonly: true });
  matchWithDatabase(db, packages); // warm: statement prepared, pages cached
  let findings = 0;
  let started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) findings = matchWithDatabase(db, packages).findings.length;
  const matchSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) db.advisoriesFor(packages.map(packageKey));
  const lookupSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const status = db.status();
  db.close();

  const matchRate = (packages.length * rounds) / matchSeconds;
  const lookupRate = (packages.length * rounds) / lookupSeconds;
  console.log(`data: ${status.sources.map((source) => `${path.basename(source.location)} ${source.records}`).join(', ')} records; ${status.advisories} advisories`);
  console.log(`baseline (read + parse every file, nothing stored): ${baseline.seconds.toFixed(2)} s, peak RSS ${baseline.rssMiB.toFixed(0)} MiB`);
  console.log(`palisade db update (whole set):                     ${update.seconds.toFixed(2)} s, peak RSS ${update.rssMiB.toFixed(0)} MiB  (${(update.seconds / baseline.seconds).toFixed(2)}x the baseline)`);
  console.log(`image of ${packages.length} packages (${named.length} with advisories), ${findings} findings, warm database, ${rounds} rounds:`);
  console.log(`  lookup only:     ${Math.round(lookupRate).toLocaleString('en-US')} packages/s`);
  console.log(`  lookup + match:  ${Math.round(matchRate).toLocaleString('en-US')} packages/s  (${(lookupRate / matchRate).toFixed(2)}x the lookup time; ${((matchSeconds / rounds) * 1000).toFixed(1)} ms per image)`);
  console.log(`bench process peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
