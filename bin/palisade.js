#!/usr/bin/env node
import { exitQuietlyOnClosedStdout, main, processIO } from '../dist/src/cli/main.js';

exitQuietlyOnClosedStdout();

const code = await main(process.argv.slice(2), processIO());
// Exit once stdout has taken everything: idle keep-alive sockets of fetch would otherwise hold
// the process open after the work is done.
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
