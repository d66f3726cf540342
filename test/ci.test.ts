import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { binDirectory } from './support/programs.js';
import { repoPath, SHARED } from './support/paths.js';
import { startRegistry, type TestRegistry } from './support/registry.js';
import { tempDir } from './support/temp.js';
import { sarifValidator } from './formatters/sarif-schema.js';

/**
 * Palisade as CI uses it, with the real tools: `npm pack` and `npm install -g` of the tarball
 * (dependencies from the npm registry, better-sqlite3 compiled at install), the container image
 * built by buildah (chroot isolation, vfs storage: no daemon) and scanned by `palisade image`,
 * the GitHub Action's scripts, the pre-commit hook run by pre-commit in a git repository, and the
 * GitLab CI example.
 */

const PACKAGE = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  main: string;
  types: string;
  exports: Record<string, string | { types: string; default: string }>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** npm's cache for the install tests, kept between runs: a warm run downloads nothing. */
const NPM_CACHE = repoPath('.cache/npm-install-test');
/** The example manifests of the repository, scanned by every installed form of Palisade. */
const EXAMPLES = repoPath('examples');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: SpawnSyncOptions & { env?: NodeJS.ProcessEnv } = {}): Run {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  return { code: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

function ok(result: Run, what: string): Run {
  assert.equal(result.code, 0, `${what} exited ${result.code}:\n${result.stderr.slice(-4000)}\n${result.stdout.slice(-2000)}`);
  return result;
}

/** The environment npm runs in: the tests' own cache, the local Node headers for node-gyp (it cannot download them here). */
function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, npm_config_cache: NPM_CACHE, npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr', npm_config_update_notifier: 'false', ...extra };
}

interface Packed {
  tarball: string;
  files: string[];
}

/**
 * `npm pack` of this checkout. Scripts are skipped: `prepack` builds (npm run build), which the
 * test run has just done, and rebuilding dist/ under the other test files would race with them.
 */
function pack(): Packed {
  const dir = tempDir('palisade-pack');
  const result = ok(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: repoPath('.'), env: npmEnv() }), 'npm pack');
  const [entry] = JSON.parse(result.stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(dir, entry!.filename), files: entry!.files.map((file) => file.path) };
}

/** `npm install -g --prefix` of the tarball, as a user installs it: `<prefix>/bin/palisade`. */
function installGlobal(tarball: string, prefix: string): Run {
  return ok(run('npm', ['install', '-g', '--prefix', prefix, '--allow-scripts=better-sqlite3', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: path.dirname(tarball), env: npmEnv() }), 'npm install -g');
}

/** Every package.json under a node_modules tree: name -> the dependencies each declares. */
function installedPackages(root: string): { name: string; dependencies: string[] }[] {
  const found: { name: string; dependencies: string[] }[] = [];
  const walk = (modules: string): void => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const dirs = entry.startsWith('@') ? readdirSync(path.join(modules, entry)).map((name) => path.join(modules, entry, name)) : [path.join(modules, entry)];
      for (const dir of dirs) {
        const manifest = path.join(dir, 'package.json');
        if (!existsSync(manifest)) continue;
        const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
        found.push({ name: json.name, dependencies: Object.keys({ ...json.dependencies, ...json.optionalDependencies, ...json.peerDependencies }) });
        walk(path.join(dir, 'node_modules'));
      }
    }
  };
  walk(root);
  return found;
}

/**
 * better-sqlite3 as the first install compiled it, in prebuild-install's local prebuild layout,
 * so a second install of the same tarball (the action's) takes it instead of compiling again:
 * `npm_config_better_sqlite3_local_prebuilds=DIR`, the option offline machines use.
 */
function localPrebuilds(): Record<string, string> {
  const addon = path.join(prefix, 'lib', 'node_modules', PACKAGE.name, 'node_modules', 'better-sqlite3');
  const version = (JSON.parse(readFileSync(path.join(addon, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = tempDir('palisade-prebuilds');
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  ok(run('tar', ['-czf', path.join(dir, name), '-C', addon, 'build/Release/better_sqlite3.node']), 'tar');
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}

interface ScanReport {
  summary: { findings: number };
  findings: { checkId: string; location: { file: string } }[];
}

let packed: Packed;
let prefix: string;
let installSeconds = 0;
let palisadeBin: string;

before(() => {
  packed = pack();
  prefix = path.join(tempDir('palisade-prefix'), 'prefix');
  const started = Date.now();
  installGlobal(packed.tarball, prefix);
  installSeconds = (Date.now() - started) / 1000;
  palisadeBin = path.join(prefix, 'bin', 'palisade');
});

/** The installed CLI, run from `cwd` (a directory outside the checkout) with a PATH of node alone. */
function installed(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const home = tempDir('palisade-home');
  return run(palisadeBin, args, { cwd, env: { PATH: binDirectory(), HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), ...env } });
}

describe('npm pack and npm install -g', () => {
  it('packs the CLI, the compiled library, the bundle, the schema, README and LICENSE, and no tests, sources, maps or caches', () => {
    const files = packed.files;
    for (const file of ['package.json', 'README.md', 'LICENSE', 'bin/palisade.js', 'dist/bundle/cli/main.cjs', 'dist/src/cli/code-cache.js', 'dist/src/index.js', 'dist/src/cli/main.js', 'schema/scan-report.v1.json']) assert.ok(files.includes(file), `${file} is not in the tarball`);
    // Every entry point package.json names is in it.
    const entryPoints = [PACKAGE.main, PACKAGE.types, ...Object.values(PACKAGE.bin), ...Object.values(PACKAGE.exports).flatMap((target) => (typeof target === 'string' ? [target] : [target.types, target.default]))];
    for (const file of entryPoints) assert.ok(files.includes(path.posix.normalize(file)), `${file} (named in package.json) is not in the tarball`);
    const unwanted = files.filter((file) => /^(test|src|bench|scripts|examples|docs|deploy|\.cache|node_modules|dist\/(test|bench|scripts|examples))\//.test(file) || file.endsWith('.map') || file.endsWith('.ts') && !file.endsWith('.d.ts') || file.includes('fixtures'));
    assert.deepEqual(unwanted, []);
    assert.ok(files.length > 500, `only ${files.length} files`);
  });

  it('installs from the tarball with no build step: `palisade version` and a scan of the example, with node alone on PATH', () => {
    const cwd = tempDir('palisade-user');
    const version = installed(['version'], cwd);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, new RegExp(`\\b${PACKAGE.version.replace(/\./g, '\\.')}\\b`));
    const scan = installed(['scan', EXAMPLES, '-o', 'json'], cwd);
    assert.equal(scan.code, 1, scan.stderr);
    const report = JSON.parse(scan.stdout) as ScanReport;
    assert.ok(report.summary.findings > 0);
    assert.ok(report.findings.some((finding) => finding.checkId === 'privileged-container' && finding.location.file.endsWith('insecure.yaml')));
    // The same findings as the checkout's own build.
    const own = run(process.execPath, [repoPath('bin/palisade.js'), 'scan', EXAMPLES, '-o', 'json'], { cwd, env: { ...process.env, XDG_CACHE_HOME: tempDir('palisade-cache') } });
    assert.deepEqual(report.findings.map((finding) => finding.checkId), (JSON.parse(own.stdout) as ScanReport).findings.map((finding) => finding.checkId));
    // The vulnerability database works: better-sqlite3 was compiled at install.
    const db = installed(['db', 'update', '--db', path.join(cwd, 'vuln.db'), '--from', repoPath('test/fixtures/vulndb/debian-tracker.json')], cwd);
    assert.equal(db.code, 0, db.stderr);
  });

  it('installs no devDependencies: a development tool is in the tree only where a runtime dependency needs it', () => {
    const installedTree = installedPackages(path.join(prefix, 'lib', 'node_modules', PACKAGE.name, 'node_modules'));
    assert.ok(installedTree.some((entry) => entry.name === 'better-sqlite3'));
    for (const name of Object.keys(PACKAGE.dependencies)) assert.ok(installedTree.some((entry) => entry.name === name), `dependency ${name} is not installed`);
    for (const name of Object.keys(PACKAGE.devDependencies)) {
      if (!installedTree.some((entry) => entry.name === name)) continue;
      const needers = installedTree.filter((entry) => entry.dependencies.includes(name)).map((entry) => entry.name);
      assert.ok(needers.length > 0, `devDependency ${name} is installed and no runtime dependency needs it`);
    }
    for (const tool of ['typescript', 'esbuild', 'fast-check']) assert.ok(!installedTree.some((entry) => entry.name === tool), `${tool} is installed`);
    console.log(`# npm install -g of the tarball took ${installSeconds.toFixed(0)} s`);
  });
});

/** A clean workload (no finding at any severity) and the example with its findings, as a user's repository holds them. */
const GOOD_MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app.kubernetes.io/name: web
    owner: team-shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
    spec:
      serviceAccountName: web
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: web
          image: registry.example.com/shop/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
          ports:
            - containerPort: 8080
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 500m, memory: 256Mi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
  labels:
    owner: team-shop
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: web
  policyTypes: [Ingress, Egress]
  ingress:
    - ports:
        - port: 8080
`;

const GIT_IDENTITY = { GIT_AUTHOR_NAME: 'Palisade Test', GIT_AUTHOR_EMAIL: 'test@palisade.invalid', GIT_COMMITTER_NAME: 'Palisade Test', GIT_COMMITTER_EMAIL: 'test@palisade.invalid', GIT_CONFIG_NOSYSTEM: '1' };

describe('pre-commit hooks (.pre-commit-hooks.yaml) run by pre-commit in a git repository', () => {
  it('a commit of a clean manifest passes; a commit of the example fails, naming its findings', () => {
    const home = tempDir('palisade-pre-commit-home');
    const env = { ...process.env, ...GIT_IDENTITY, HOME: home, PRE_COMMIT_HOME: path.join(home, 'pre-commit'), PATH: `${path.join(prefix, 'bin')}:/usr/local/bin:/usr/bin:/bin` };
    const git = (cwd: string, ...args: string[]): Run => ok(run('git', args, { cwd, env }), `git ${args.join(' ')}`);
    // The hooks repository: this checkout's hook definitions, committed as pre-commit clones them.
    const hooks = tempDir('palisade-hooks-repo');
    git(hooks, 'init', '-q', '-b', 'main');
    copyFileSync(repoPath('.pre-commit-hooks.yaml'), path.join(hooks, '.pre-commit-hooks.yaml'));
    git(hooks, 'add', '.pre-commit-hooks.yaml');
    git(hooks, 'commit', '-q', '-m', 'hooks');
    const rev = git(hooks, 'rev-parse', 'HEAD').stdout.trim();
    // The user's repository.
    const work = tempDir('palisade-pre-commit-work');
    git(work, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(work, '.pre-commit-config.yaml'), yaml.dump({ repos: [{ repo: hooks, rev, hooks: [{ id: 'palisade' }] }] }));
    ok(run('pre-commit', ['install'], { cwd: work, env }), 'pre-commit install');
    mkdirSync(path.join(work, 'k8s'));
    writeFileSync(path.join(work, 'k8s', 'web.yaml'), GOOD_MANIFEST);
    git(work, 'add', '.pre-commit-config.yaml', 'k8s/web.yaml');
    const good = run('git', ['commit', '-m', 'web'], { cwd: work, env });
    assert.equal(good.code, 0, `${good.stdout}\n${good.stderr}`);
    assert.match(good.stdout + good.stderr, /palisade scan\.+Passed/);
    copyFileSync(path.join(EXAMPLES, 'insecure.yaml'), path.join(work, 'k8s', 'insecure.yaml'));
    git(work, 'add', 'k8s/insecure.yaml');
    const bad = run('git', ['commit', '-m', 'insecure'], { cwd: work, env });
    const output = bad.stdout + bad.stderr;
    assert.equal(bad.code, 1, output);
    assert.match(output, /palisade scan\.+Failed/);
    assert.match(output, /k8s\/insecure\.yaml:\d+:\d+: critical privileged-container: /);
    assert.doesNotMatch(output, /k8s\/web\.yaml:\d+/);
    // Nothing was committed.
    assert.equal(git(work, 'log', '--format=%s').stdout.trim(), 'web');
  });

  it('defines hooks of language system that scan YAML and JSON with the installed palisade', () => {
    const hooks = yaml.load(readFileSync(repoPath('.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; types_or: string[] }[];
    assert.deepEqual(hooks.map((hook) => hook.id), ['palisade', 'palisade-high']);
    for (const hook of hooks) {
      assert.equal(hook.language, 'system');
      assert.deepEqual(hook.types_or, ['yaml', 'json']);
      assert.match(hook.entry, /^palisade scan --allow-empty -o line\b/);
    }
  });
});

interface ActionStep {
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  shell?: string;
  env?: Record<string, string>;
  run?: string;
}

interface Action {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

/**
 * Runs a composite action's `run` steps the way the runner does: `bash --noprofile --norc -eo
 * pipefail`, the step's `env` with `${{ inputs.* }}`, `${{ github.action_path }}` and `${{ runner.temp }}`
 * substituted, GITHUB_PATH entries prepended to PATH for later steps, GITHUB_OUTPUT read back.
 * Steps with `uses` are not run: the only one is actions/setup-node, skipped when node-version is empty.
 */
function runAction(action: Action, inputs: Record<string, string>, workspace: string, runnerTemp: string, pathEntries: string[], extraEnv: NodeJS.ProcessEnv = {}): { steps: Record<string, Run & { outputs: Record<string, string> }>; pathEntries: string[] } {
  const values: Record<string, string> = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, input.default ?? '']));
  Object.assign(values, inputs);
  const expand = (text: string): string =>
    text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, expression: string) => {
      if (expression.startsWith('inputs.')) return values[expression.slice(7)] ?? assert.fail(`unknown input ${expression}`);
      if (expression === 'github.action_path') return repoPath('.');
      if (expression === 'runner.temp') return runnerTemp;
      return assert.fail(`unexpected expression ${expression}`);
    });
  const steps: Record<string, Run & { outputs: Record<string, string> }> = {};
  const added = [...pathEntries];
  for (const [index, step] of action.runs.steps.entries()) {
    if (step.uses) {
      assert.equal(step.if, "inputs.node-version != ''");
      assert.equal(values['node-version'], '', 'the test uses the machine node: node-version must be empty');
      continue;
    }
    const files = { GITHUB_OUTPUT: path.join(runnerTemp, `output-${index}`), GITHUB_PATH: path.join(runnerTemp, `path-${index}`), GITHUB_ENV: path.join(runnerTemp, `env-${index}`) };
    for (const file of Object.values(files)) writeFileSync(file, '');
    const script = path.join(runnerTemp, `step-${index}.sh`);
    writeFileSync(script, step.run!);
    const env = { ...npmEnv(extraEnv), ...files, RUNNER_TEMP: runnerTemp, GITHUB_WORKSPACE: workspace, PATH: [...added, process.env.PATH].join(':'), ...Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, expand(value)])) };
    const result = run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: workspace, env });
    const outputs = Object.fromEntries(readFileSync(files.GITHUB_OUTPUT, 'utf8').split('\n').filter(Boolean).map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
    steps[step.id ?? String(index)] = { ...result, outputs };
    added.unshift(...readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean));
    if (result.code !== 0) break;
  }
  return { steps, pathEntries: added };
}

describe('the GitHub Action (action.yml)', () => {
  const action = yaml.load(readFileSync(repoPath('action.yml'), 'utf8')) as Action;

  it('is a composite action whose scripts take inputs only through env, and whose outputs name its steps', () => {
    assert.equal(action.runs.using, 'composite');
    const ids = new Set(action.runs.steps.map((step) => step.id).filter(Boolean));
    for (const step of action.runs.steps) {
      if (step.uses) assert.match(step.uses, /^actions\/setup-node@v\d+$/);
      else {
        assert.equal(step.shell, 'bash');
        assert.doesNotMatch(step.run!, /\$\{\{/, 'an expression spliced into a script is an injection');
      }
    }
    for (const [name, output] of Object.entries(action.outputs)) {
      const [, id] = /^\$\{\{ steps\.([\w-]+)\.outputs\.[\w-]+ \}\}$/.exec(output.value) ?? assert.fail(`output ${name}: ${output.value}`);
      assert.ok(ids.has(id), `output ${name} names step ${id}, which does not exist`);
    }
  });

  it('installs the package and scans: SARIF written and valid, the table printed, the step failing on findings and passing on a clean manifest', () => {
    const workspace = tempDir('palisade-action-workspace');
    mkdirSync(path.join(workspace, 'k8s'));
    copyFileSync(path.join(EXAMPLES, 'insecure.yaml'), path.join(workspace, 'k8s', 'insecure.yaml'));
    mkdirSync(path.join(workspace, 'clean'));
    writeFileSync(path.join(workspace, 'clean', 'web.yaml'), GOOD_MANIFEST);
    const runnerTemp = tempDir('palisade-runner-temp');
    const first = runAction(action, { package: packed.tarball, 'node-version': '', path: 'k8s', sarif: 'reports/palisade.sarif' }, workspace, runnerTemp, [], localPrebuilds());
    const install = first.steps.install!;
    assert.equal(install.code, 0, install.stderr);
    assert.match(install.stdout, new RegExp(PACKAGE.version.replace(/\./g, '\\.')));
    const scan = first.steps.scan!;
    assert.equal(scan.code, 1, scan.stderr);
    assert.deepEqual(scan.outputs, { sarif: 'reports/palisade.sarif', 'exit-code': '1' });
    assert.match(scan.stdout, /privileged-container/);
    const sarif = JSON.parse(readFileSync(path.join(workspace, 'reports', 'palisade.sarif'), 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    const validate = sarifValidator();
    assert.ok(validate(sarif), JSON.stringify(validate.errors));
    assert.ok(sarif.runs[0]!.results.some((result) => result.ruleId === 'privileged-container'));
    // The scan step again, on the clean manifest, with palisade from the PATH the install step added.
    const scanOnly: Action = { ...action, runs: { ...action.runs, steps: action.runs.steps.filter((step) => step.id === 'scan') } };
    const clean = runAction(scanOnly, { 'node-version': '', path: 'clean', 'fail-on': 'info', args: '--standard pss-restricted' }, workspace, runnerTemp, first.pathEntries).steps.scan!;
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.deepEqual(clean.outputs, { sarif: 'palisade.sarif', 'exit-code': '0' });
    assert.ok(existsSync(path.join(workspace, 'palisade.sarif')));
  });
});

describe('the GitLab CI example (docs/ci/gitlab-ci.yml)', () => {
  it('parses, and each job scans with a JUnit report kept as an artifact even when the scan fails', () => {
    type Job = { stage?: string; script?: string[]; artifacts?: { when?: string; reports?: { junit?: string } } };
    const config = yaml.load(readFileSync(repoPath('docs/ci/gitlab-ci.yml'), 'utf8')) as Record<string, unknown> & { stages: string[] };
    const jobs = Object.entries(config).filter(([name]) => name !== 'stages' && !name.startsWith('.')) as [string, Job][];
    assert.deepEqual(jobs.map(([name]) => name), ['palisade', 'palisade-image']);
    for (const [, job] of jobs) {
      assert.ok(config.stages.includes(job.stage!));
      const scan = job.script!.find((line) => line.startsWith('palisade scan'));
      assert.ok(scan);
      const junit = /-o junit=(\S+)/.exec(scan)?.[1];
      assert.equal(junit, job.artifacts?.reports?.junit);
      assert.equal(job.artifacts?.when, 'always');
    }
  });

  it("the npm job's commands run with the installed package and write the JUnit report", () => {
    const config = yaml.load(readFileSync(repoPath('docs/ci/gitlab-ci.yml'), 'utf8')) as Record<string, { variables: Record<string, string>; script: string[] }>;
    const job = config.palisade!;
    const workspace = tempDir('palisade-gitlab');
    mkdirSync(path.join(workspace, 'k8s'));
    copyFileSync(path.join(EXAMPLES, 'insecure.yaml'), path.join(workspace, 'k8s', 'insecure.yaml'));
    // The install line is npm's (tested above with the tarball); the scan line runs as written.
    const scan = job.script.filter((line) => !line.startsWith('npm install')).join('\n');
    const result = run('bash', ['-e', '-c', scan], { cwd: workspace, env: { ...process.env, ...job.variables, PATH: `${path.join(prefix, 'bin')}:${process.env.PATH}` } });
    assert.equal(result.code, 1, result.stderr);
    const junit = readFileSync(path.join(workspace, 'palisade.xml'), 'utf8');
    assert.match(junit, /<testsuites[\s>]/);
    assert.match(junit, /privileged-container/);
  });
});

const BUILDAH = '/usr/bin/buildah';

/** buildah with its own storage (vfs: no overlay mounts, no fuse) under `root`: nothing shared with the machine's images. */
function buildah(root: string, args: string[], options: SpawnSyncOptions = {}): Run {
  return run(BUILDAH, ['--root', path.join(root, 'storage'), '--runroot', path.join(root, 'run'), '--storage-driver', 'vfs', ...args], options);
}

/**
 * A slim Node base in the shape of node:20-bookworm-slim, which cannot be pulled here: this
 * machine's node (Debian 12, from the nodejs package) with the libraries it loads, env, CA
 * certificates and os-release, and each package's dpkg record under var/lib/dpkg/status.d (as
 * distroless images keep them), so `palisade image` sees what the base holds.
 */
function nodeBaseRootfs(dir: string): string[] {
  const rootfs = path.join(dir, 'rootfs');
  const files = new Set<string>(['/usr/bin/node', '/usr/bin/env', '/etc/ssl/certs/ca-certificates.crt']);
  for (const binary of ['/usr/bin/node', '/usr/bin/env']) {
    for (const match of ok(run('ldd', [binary]), `ldd ${binary}`).stdout.matchAll(/(\/\S+) \(0x/g)) files.add(match[1]!);
  }
  for (const name of ['usr', 'usr/bin', 'usr/lib', 'usr/lib64', 'etc', 'etc/ssl/certs', 'var/lib/dpkg/status.d', 'proc', 'dev', 'home/node']) mkdirSync(path.join(rootfs, name), { recursive: true });
  mkdirSync(path.join(rootfs, 'tmp'));
  chmodSync(path.join(rootfs, 'tmp'), 0o1777);
  // Debian 12's merged /usr.
  for (const name of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${name}`, path.join(rootfs, name));
  mkdirSync(path.join(rootfs, 'usr/sbin'));
  const packages = new Set<string>();
  for (const file of files) {
    const inside = file.replace(/^\/(lib|lib64|bin|sbin)\//, '/usr/$1/');
    mkdirSync(path.dirname(path.join(rootfs, inside)), { recursive: true });
    copyFileSync(file, path.join(rootfs, inside));
    const owner = run('dpkg-query', ['-S', inside]);
    const fallback = owner.code === 0 ? owner : run('dpkg-query', ['-S', file]);
    if (fallback.code === 0) packages.add(fallback.stdout.split(':')[0]!.trim());
  }
  packages.add('base-files');
  for (const name of packages) writeFileSync(path.join(rootfs, 'var/lib/dpkg/status.d', name), ok(run('dpkg-query', ['-s', name]), `dpkg-query -s ${name}`).stdout);
  writeFileSync(path.join(rootfs, 'etc/os-release'), readFileSync('/etc/os-release'));
  writeFileSync(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:1000:1000::/home/node:/usr/sbin/nologin\n');
  writeFileSync(path.join(rootfs, 'etc/group'), 'root:x:0:\nnode:x:1000:\n');
  return [...packages].sort();
}

interface ImageReport {
  images: {
    image: { digest: string };
    os?: { id: string; versionId: string };
    packages: { ecosystem: string; name: string; version: string }[];
    vulnerabilities?: { id: string; package: { name: string }; status: string; fixedVersion?: string; severity: { level: string } }[];
  }[];
}

describe('the container image (Containerfile) built by buildah and scanned by palisade image', () => {
  let work: string;
  let registry: TestRegistry;
  const image = 'localhost/palisade:ci-test';
  let basePackages: string[];
  let buildSeconds = 0;
  before(async () => {
    assert.ok(existsSync(BUILDAH), `${BUILDAH} is missing: run bash scripts/provision.sh (npm test does)`);
    work = tempDir('palisade-buildah');
    registry = await startRegistry();
    const started = Date.now();
    basePackages = nodeBaseRootfs(work);
    const base = ok(buildah(work, ['from', 'scratch']), 'buildah from scratch').stdout.trim();
    ok(buildah(work, ['copy', '--quiet', base, path.join(work, 'rootfs'), '/']), 'buildah copy');
    ok(buildah(work, ['config', '--env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--cmd', 'node', base]), 'buildah config');
    ok(buildah(work, ['commit', '--quiet', '--rm', base, 'localhost/palisade-test/node:20-slim']), 'buildah commit');
    // The build context: the package as npm installed it from the tarball.
    const context = path.join(work, 'context');
    cpSync(prefix, path.join(context, 'palisade'), { recursive: true, verbatimSymlinks: true });
    ok(buildah(work, ['bud', '--isolation', 'chroot', '--quiet', '--build-arg', 'NODE_IMAGE=localhost/palisade-test/node:20-slim', '-f', repoPath('Containerfile'), '-t', image, context]), 'buildah bud');
    buildSeconds = (Date.now() - started) / 1000;
  });
  after(async () => {
    if (work) buildah(work, ['rm', '--all']);
    await registry?.stop();
  });

  it('runs as a non-root user, with palisade as its entry point', () => {
    const inspected = JSON.parse(ok(buildah(work, ['inspect', '--type', 'image', image]), 'buildah inspect').stdout) as { OCIv1: { config: { User: string; Entrypoint: string[]; WorkingDir: string; Env: string[] } } };
    const config = inspected.OCIv1.config;
    assert.equal(config.User, '65532:65532');
    assert.deepEqual(config.Entrypoint, ['palisade']);
    assert.equal(config.WorkingDir, '/work');
    console.log(`# base and image built by buildah in ${buildSeconds.toFixed(1)} s`);
  });

  it('scans mounted manifests with a read-only root filesystem, as that user', () => {
    const container = ok(buildah(work, ['from', '--quiet', image]), 'buildah from').stdout.trim();
    const root = ok(buildah(work, ['mount', container]), 'buildah mount').stdout.trim();
    const inspected = JSON.parse(ok(buildah(work, ['inspect', '--type', 'image', image]), 'buildah inspect').stdout) as { OCIv1: { config: { User: string; Entrypoint: string[]; Env: string[]; WorkingDir: string } } };
    const { User, Entrypoint, Env, WorkingDir } = inspected.OCIv1.config;
    const PROBE = "try { require('fs').writeFileSync(process.argv[1], ''); console.log('written') } catch (error) { console.log(error.code) }";
    // What `docker run --read-only --tmpfs /tmp -v examples:/work:ro` does, in a private mount namespace.
    const script = [
      'set -e',
      'mount --bind "$ROOT" "$ROOT" && mount -o remount,bind,ro "$ROOT"',
      'mount -t tmpfs tmpfs "$ROOT/tmp" && mount -t proc proc "$ROOT/proc"',
      'mount --bind "$EXAMPLES" "$ROOT$WORKDIR" && mount -o remount,bind,ro "$ROOT$WORKDIR"',
      // Even root cannot write to it; the user writes to the tmpfs on /tmp.
      `echo "root=$(chroot "$ROOT" /usr/bin/env node -e "$PROBE" /opt/palisade/written) user=$(chroot --userspec=${User} "$ROOT" /usr/bin/env node -e "$PROBE" /tmp/written)" >&2`,
      `cd /; exec chroot --userspec=${User} "$ROOT" /usr/bin/env -i --chdir="$WORKDIR" ${Env.map((entry) => `'${entry}'`).join(' ')} ${Entrypoint.join(' ')} scan . -o json`,
    ].join('\n');
    const result = run('unshare', ['--mount', '--propagation', 'private', 'bash', '-c', script], { env: { ...process.env, ROOT: root, EXAMPLES, WORKDIR: WorkingDir, PROBE } });
    buildah(work, ['umount', container]);
    assert.match(result.stderr, /root=EROFS user=written/);
    assert.equal(result.code, 1, result.stderr + result.stdout.slice(0, 2000));
    const report = JSON.parse(result.stdout) as ScanReport;
    assert.ok(report.findings.some((finding) => finding.checkId === 'privileged-container' && finding.location.file === 'insecure.yaml'), JSON.stringify(report.findings.slice(0, 3)));
  });

  it('pushed to a registry and scanned by palisade image: its packages listed, nothing critical with a fix', async () => {
    ok(buildah(work, ['push', '--quiet', '--tls-verify=false', image, `docker://${registry.host}/palisade:ci-test`]), 'buildah push');
    const db = path.join(work, 'vuln.db');
    const cwd = tempDir('palisade-image-scan');
    const update = installed(['db', 'update', '--db', db, '--from', path.join(SHARED, 'vulndata', 'go'), '--from', repoPath('test/fixtures/vulndb/debian-tracker.json')], cwd);
    assert.equal(update.code, 0, update.stderr);
    const args = ['image', '--insecure-registry', registry.host, '--db', db, '--image-store', path.join(work, 'images.db'), `${registry.host}/palisade:ci-test`];
    const scan = installed([...args, '-o', 'json'], cwd);
    assert.equal(scan.code, 0, scan.stderr);
    const [report] = (JSON.parse(scan.stdout) as ImageReport).images;
    assert.deepEqual([report!.os?.id, report!.os?.versionId], ['debian', '12']);
    const names = (ecosystem: string): string[] => report!.packages.filter((item) => item.ecosystem === ecosystem).map((item) => item.name);
    assert.deepEqual([...new Set(names('Debian:12'))].sort(), basePackages);
    for (const name of Object.keys(PACKAGE.dependencies)) assert.ok(names('npm').includes(name), `npm package ${name} is not listed`);
    assert.ok(names('npm').includes(PACKAGE.name));
    assert.ok(!names('npm').includes('typescript'));
    // The data matched the image (glibc's open advisory), and nothing critical has a fix.
    assert.ok(report!.vulnerabilities?.some((vulnerability) => vulnerability.package.name === 'libc6'), JSON.stringify(report!.vulnerabilities));
    const critical = report!.vulnerabilities!.filter((vulnerability) => vulnerability.severity.level === 'critical' && vulnerability.status === 'fixed');
    assert.deepEqual(critical, []);
    // The CI gate a user would run on it passes.
    const gate = installed([...args, '--severity', 'critical', '--ignore-unfixed', '--fail-on', 'critical'], cwd);
    assert.equal(gate.code, 0, gate.stdout + gate.stderr);
  });
});
