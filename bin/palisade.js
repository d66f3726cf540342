#!/usr/bin/env node
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canLoadBundle, codeCacheDirectory, loadBundle } from '../dist/src/cli/code-cache.js';

// The bundle (scripts/bundle.mjs: one CommonJS file) loads through a V8 code cache in a fraction
// of the time of the hundreds of compiled modules; it is used when it is at least as new as the
// compiled modules, so a build by `tsc` alone is never shadowed by an older bundle (tsc builds
// incrementally and rewrites only the modules that changed: its build-info file tells when it
// last built), and when this Node can require the ES-module npm packages it leaves external.
const bundle = new URL('../dist/bundle/cli/main.cjs', import.meta.url);
const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
const bundleTime = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const buildInfo = new URL('../dist/.tsbuildinfo', import.meta.url);
const compiledTime = Math.max(statSync(compiled, { throwIfNoEntry: false })?.mtimeMs ?? 0, statSync(buildInfo, { throwIfNoEntry: false })?.mtimeMs ?? 0);

const args = process.argv.slice(2);
let cli;
let loaded;
if (bundleTime >= compiledTime && canLoadBundle()) {
  // One cache per command, holding the functions that command compiled.
  const name = /^[a-z][a-z-]{0,30}$/.test(args[0] ?? '') ? args[0] : 'cli';
  loaded = loadBundle(fileURLToPath(bundle), { name, cacheDirectory: codeCacheDirectory() });
  cli = loaded.exports;
} else {
  cli = await import(compiled.href);
}
const { exitQuietlyOnClosedStdout, main, processIO } = cli;

exitQuietlyOnClosedStdout();

const code = await main(args, processIO());
// A usage error (exit 2) caches nothing: a mistyped command would otherwise leave a file behind.
if (code === 0 || code === 1) loaded?.save();
// Exit once stdout has taken everything: idle keep-alive sockets of fetch would otherwise hold
// the process open after the work is done.
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
