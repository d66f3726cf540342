// Bundles the compiled CLI (dist/src) into a few ES modules under dist/bundle/cli/: loading
// one file instead of hundreds is most of a small scan's start-up time. Commands stay separate
// chunks, loaded when they run; npm packages stay in node_modules (native addons among them).
// The bundle sits as deep as dist/src/cli, so paths relative to a module (package.json) hold.
import { build } from 'esbuild';

await build({
  entryPoints: { main: 'dist/src/cli/main.js' },
  outdir: 'dist/bundle/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
