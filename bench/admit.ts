/**
 * `admit()` alone on freshly parsed reviews, as the webhook sees them (no object seen before:
 * no cache keyed by object identity hits), in CPU time per review with the JSON parse taken
 * out. With `--compare DIR` (a build of another commit: DIR/dist), both run in this process,
 * round after round alternating, so the machine's other load falls on both alike; medians.
 *
 *   node dist/bench/admit.js [--rounds 15] [--reviews 2000] [--objects 5000] [--compare DIR]
 *
 * The controller, inventory and reviews are those of bench/admission.ts. The answers of the
 * first 200 reviews are hashed: two builds that judge alike print the same digest.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' }, reviews: { type: 'string', default: '2000' }, objects: { type: 'string', default: '5000' }, compare: { type: 'string' } } });
const rounds = Number(values.rounds);
const perRound = Number(values.reviews);
const now = new Date('2026-12-01T00:00:00Z');

interface Build {
  label: string;
  judge(body: unknown): unknown;
  texts: string[];
  digest: string;
  cpuUs: number[];
}

/** Loads a build's modules (dist/ of this checkout, or of DIR) and sets up its controller. */
async function load(distDir: string, label: string): Promise<Build> {
  const url = (file: string) => pathToFileURL(path.join(distDir, file)).href;
  // bench/admission.js runs its benchmark unless told not to.
  const argv = process.argv;
  process.argv = [argv[0]!, argv[1]!, '--no-run'];
  const bench = (await import(url('bench/admission.js'))) as typeof import('./admission.js');
  process.argv = argv;
  const admission = (await import(url('src/app/admission.js'))) as typeof import('../src/app/admission.js');
  const { planScan } = (await import(url('src/app/scan.js'))) as typeof import('../src/app/scan.js');
  const { ALL_CHECKS } = (await import(url('src/core/checks/index.js'))) as typeof import('../src/core/checks/index.js');
  const { createIncrementalInventory } = (await import(url('src/core/inventory/inventory.js'))) as typeof import('../src/core/inventory/inventory.js');
  const { isClusterScoped } = (await import(url('src/core/kinds/scope.js'))) as typeof import('../src/core/kinds/scope.js');
  const { refOf } = (await import(url('src/core/model/resource.js'))) as typeof import('../src/core/model/resource.js');
  const config = { admission: { mode: 'enforce' } };
  const plan = planScan({ config, now });
  const { policy } = admission.parseAdmissionPolicy(config, new Set(ALL_CHECKS.map((check) => check.id)));
  const inventory = createIncrementalInventory();
  for (const [index, object] of bench.inventoryObjects(Number(values.objects)).entries()) {
    inventory.upsert({ ref: refOf(object, isClusterScoped), object, origin: { source: { kind: 'cluster', context: 'bench' }, document: index } });
  }
  const controller = admission.createAdmissionController(plan, policy);
  const texts = Array.from({ length: 200 }, (_, index) => bench.review(index));
  const judge = (body: unknown) => admission.admit(body, inventory, controller, now);
  const hash = createHash('sha256');
  for (let index = 0; index < 400; index++) {
    const answer = judge(JSON.parse(texts[index % texts.length]!));
    if (index < 200) hash.update(JSON.stringify(answer));
  }
  return { label, judge, texts, digest: hash.digest('hex').slice(0, 12), cpuUs: [] };
}

function cpuNow(): number {
  const used = process.cpuUsage();
  return used.user + used.system;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const builds = [await load(here, 'this checkout')];
if (values.compare) builds.push(await load(path.resolve(values.compare, 'dist'), values.compare));
const parseUs: number[] = [];
for (let round = 0; round < rounds; round++) {
  for (const build of builds) {
    const started = cpuNow();
    for (let index = 0; index < perRound; index++) build.judge(JSON.parse(build.texts[index % build.texts.length]!));
    build.cpuUs.push((cpuNow() - started) / perRound);
  }
  const started = cpuNow();
  let parsed = 0;
  for (let index = 0; index < perRound; index++) if (JSON.parse(builds[0]!.texts[index % 200]!)) parsed++;
  parseUs.push((cpuNow() - started) / Math.max(1, parsed));
}
const parse = median(parseUs);
console.log(`${rounds} rounds of ${perRound} fresh reviews, ${values.objects}-object inventory; JSON.parse alone ${parse.toFixed(1)} µs (taken out below)\n`);
console.log('| build | admit() CPU µs per review, median | least | answers digest |\n|---|---:|---:|---|');
for (const build of builds) console.log(`| ${build.label} | ${(median(build.cpuUs) - parse).toFixed(1)} | ${(Math.min(...build.cpuUs) - parse).toFixed(1)} | ${build.digest} |`);
if (builds.length === 2) console.log(`\nthis checkout / compared: ${((median(builds[0]!.cpuUs) - parse) / (median(builds[1]!.cpuUs) - parse)).toFixed(2)}x; answers ${builds[0]!.digest === builds[1]!.digest ? 'identical' : 'DIFFER'}`);
