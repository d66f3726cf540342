/**
 * Records what kube-apiserver's own flag parser makes of the corpus, into
 * test/fixtures/apiserver-flags.jsonl; test/flags.test.ts compares
 * src/core/control-plane/flags.ts with it. Run by record.sh with the path of
 * a kube-apiserver binary (scripts/provision.sh builds v1.32.4 into .cache/bin).
 *
 * kube-apiserver -v=1 logs every flag as `FLAG: --name="value"` once the command
 * line has parsed, before it validates anything, then exits for want of etcd. A
 * command line it rejects (bad value, stray argument, bad syntax) logs no FLAG.
 */
import { spawnSync } from 'node:child_process';
import { corpus, FLAG_TYPES } from './corpus.js';

const binary = process.argv[2];
if (!binary) throw new Error('usage: record.js <kube-apiserver>');

for (const args of corpus()) {
  const run = spawnSync(binary, ['-v=1', ...args], { encoding: 'utf8', timeout: 20_000 });
  const output = `${run.stdout}${run.stderr}`;
  const flags: Record<string, string> = {};
  for (const match of output.matchAll(/FLAG: --([a-z0-9-]+)="((?:[^"\\]|\\.)*)"/g)) {
    if (match[1]! in FLAG_TYPES) flags[match[1]!] = JSON.parse(`"${match[2]!}"`) as string;
  }
  const ok = Object.keys(flags).length > 0;
  const error = ok ? undefined : (/Error: (.*)/.exec(output)?.[1] ?? output.trim().split('\n').pop());
  process.stdout.write(`${JSON.stringify({ args, ok, ...(ok ? { flags } : { error }) })}\n`);
}
