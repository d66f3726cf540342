/**
 * The CLI bundle's V8 code cache (src/cli/code-cache.ts): a scan prints the same report as the
 * compiled modules whether the cache is missing, warm, damaged, refused by V8 or cannot be
 * written, and concurrent first runs leave one sound cache.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { codeCacheDirectory } from '../src/cli/code-cache.js';
import { palisade } from './support/cli.js';
import { repoPath } from './support/paths.js';
import { tempDir } from './support/temp.js';

const args = ['scan', repoPath('examples/insecure.yaml'), '-o', 'json'];

/** The same scan through the compiled modules (dist/src), what the bundle must reproduce. */
const reference = spawnSync(
  process.execPath,
  ['--input-type=module', '-e', `const { main, processIO } = await import(${JSON.stringify(repoPath('dist/src/cli/main.js'))}); process.exitCode = await main(process.argv.slice(1), processIO());`, ...args],
  { cwd: repoPath('.'), encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: tempDir('palisade-reference') } },
);

function scan(cacheHome: string) {
  const run = palisade(args, { env: { XDG_CACHE_HOME: cacheHome } });
  assert.equal(run.stderr, '');
  assert.equal(run.code, reference.status);
  assert.equal(run.stdout, reference.stdout);
  return run;
}

function caches(cacheHome: string): string[] {
  const directory = path.join(cacheHome, 'palisade', 'code-cache');
  return existsSync(directory) ? readdirSync(directory).map((name) => path.join(directory, name)) : [];
}

function sound(file: string): boolean {
  const bytes = readFileSync(file);
  return bytes.length > 32 && createHash('sha256').update(bytes.subarray(32)).digest().equals(bytes.subarray(0, 32));
}

describe('the code cache of the CLI bundle', () => {
  it('runs the bundle: it is built and at least as new as the compiled modules', () => {
    assert.ok(statSync(repoPath('dist/bundle/cli/main.cjs')).mtimeMs >= statSync(repoPath('dist/src/cli/main.js')).mtimeMs, 'run node scripts/bundle.mjs');
    assert.ok(reference.stdout.length > 1000);
  });

  it('is written by the first scan and read, not rewritten, by the next', () => {
    const home = tempDir('palisade-code-cache');
    scan(home);
    const [file, ...others] = caches(home);
    assert.deepEqual(others, []);
    assert.match(path.basename(file!), /^main\.cjs-scan-[0-9a-f]{20}\.bin$/);
    assert.ok(sound(file!));
    const before = statSync(file!);
    scan(home);
    const after = statSync(file!);
    assert.equal(after.ino, before.ino);
    assert.equal(after.mtimeMs, before.mtimeMs);
  });

  it('is one file per command', () => {
    const home = tempDir('palisade-code-cache');
    scan(home);
    assert.equal(palisade(['version'], { env: { XDG_CACHE_HOME: home } }).code, 0);
    assert.deepEqual(caches(home).map((file) => path.basename(file).split('-')[1]).sort(), ['scan', 'version']);
  });

  it('is ignored and rewritten when truncated, corrupted or refused by V8', () => {
    const home = tempDir('palisade-code-cache');
    scan(home);
    const [file] = caches(home);
    const good = readFileSync(file!);
    const payload = Buffer.alloc(4096, 7);
    for (const damaged of [
      good.subarray(0, good.length >> 1),
      Buffer.concat([good.subarray(0, 100), Buffer.from([good[100]! ^ 1]), good.subarray(101)]),
      Buffer.alloc(0),
      // A sound checksum over bytes V8 refuses.
      Buffer.concat([createHash('sha256').update(payload).digest(), payload]),
    ]) {
      writeFileSync(file!, damaged);
      scan(home);
      assert.deepEqual(caches(home), [file]);
      assert.ok(sound(file!));
      assert.ok(readFileSync(file!).length > payload.length);
    }
  });

  it('replaces the caches of earlier builds of the bundle', () => {
    const home = tempDir('palisade-code-cache');
    const directory = path.join(home, 'palisade', 'code-cache');
    scan(home);
    const [file] = caches(home);
    const stale = path.join(directory, 'main.cjs-scan-00000000000000000000.bin');
    const other = path.join(directory, 'main.cjs-version-00000000000000000000.bin');
    writeFileSync(stale, readFileSync(file!));
    writeFileSync(other, readFileSync(file!));
    writeFileSync(file!, '');
    scan(home);
    assert.deepEqual(caches(home).sort(), [file, other].sort());
  });

  it('costs only the speed-up when it cannot be written', () => {
    const home = tempDir('palisade-code-cache');
    writeFileSync(path.join(home, 'palisade'), 'a file where the cache directory would be');
    scan(home);
    scan(home);
  });

  it('leaves one sound cache after concurrent first runs', async () => {
    const home = tempDir('palisade-code-cache');
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [repoPath('bin/palisade.js'), ...args], { cwd: repoPath('.'), env: { ...process.env, XDG_CACHE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      })),
    );
    for (const run of runs) assert.deepEqual(run, { code: reference.status, stdout: reference.stdout, stderr: '' });
    const files = caches(home);
    assert.equal(files.length, 1, files.join(', '));
    assert.ok(sound(files[0]!));
    scan(home);
  });

  it('lives under XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(codeCacheDirectory({ XDG_CACHE_HOME: '/x' }), path.join('/x', 'palisade', 'code-cache'));
    assert.match(codeCacheDirectory({})!, /[/\\]\.cache[/\\]palisade[/\\]code-cache$/);
  });
});
