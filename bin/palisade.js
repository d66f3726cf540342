#!/usr/bin/env node
import { statSync } from 'node:fs';

// The bundle (scripts/bundle.mjs) loads in a fraction of the time of the hundreds of compiled
// modules; it is used when it is at least as new as the compiled modules, so a build by `tsc`
// alone is never shadowed by an older bundle.
const bundle = new URL('../dist/bundle/cli/main.js', import.meta.url);
const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
const bundleTime = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const compiledTime = statSync(compiled, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const { exitQuietlyOnClosedStdout, main, processIO } = await import(bundleTime >= compiledTime ? bundle.href : compiled.href);

exitQuietlyOnClosedStdout();

const code = await main(process.argv.slice(2), processIO());
// Exit once stdout has taken everything: idle keep-alive sockets of fetch would otherwise hold
// the process open after the work is done.
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
