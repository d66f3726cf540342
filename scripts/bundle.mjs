// Bundles the compiled CLI (dist/src) into one minified CommonJS file, dist/bundle/cli/main.cjs,
// that bin/palisade.js loads through a V8 code cache (src/cli/code-cache.ts): loading one file
// whose compiled code is cached, instead of hundreds of modules compiled on every run, is most
// of a small scan's start-up time. Commands are still evaluated only when they run (esbuild
// wraps what was imported dynamically in lazy initialisers). npm packages stay in node_modules
// (native addons among them), loaded with require() when first used, except js-yaml, which
// every scan needs. The bundle sits as deep as dist/src/cli, so paths relative to a module
// (package.json) hold.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = 'dist/bundle/cli';
rmSync(outdir, { recursive: true, force: true });

/** npm packages stay external; js-yaml is bundled. */
const external = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path === 'js-yaml' ? undefined : { path: args.path, external: true }));
  },
};

await build({
  entryPoints: { main: 'dist/src/cli/main.js' },
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // A script run by vm.Script has no module loader for import(): dynamic imports of npm packages
  // become require() (Node 20.19+ requires ES modules; bin/palisade.js checks it can).
  supported: { 'dynamic-import': false },
  // The one import.meta in the CLI (main.ts: package.json); the loader passes the bundle's URL.
  define: { 'import.meta.url': '__bundle_url' },
  minify: true,
  keepNames: true,
  plugins: [external],
  sourcemap: 'linked',
  logLevel: 'warning',
});
