import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FileEntry } from './images.js';
import { repoPath } from './paths.js';

/**
 * Real content for test images, taken from this machine or built here: its dpkg
 * database and os-release, npm packages' package.json from node_modules, Python
 * METADATA files (pip's and the ones Debian packages installed), and a Go binary built
 * with a known vulnerable module version fetched from the Go module proxy.
 */

export const HOST_DPKG_STATUS = '/var/lib/dpkg/status';

export function hostDpkgStatus(): string {
  return readFileSync(HOST_DPKG_STATUS, 'utf8');
}

/** Package name -> version of the installed packages, as dpkg-query reports them (the oracle). */
export function dpkgQueryInstalled(): Map<string, string> {
  const result = spawnSync('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}\t${binary:Package}\t${Version}\n'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`dpkg-query failed: ${result.stderr}`);
  const installed = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const [status, name, version] = line.split('\t');
    if (status?.startsWith('ii') && name && version) installed.set(name.replace(/:.*$/, ''), version);
  }
  return installed;
}

export function osReleaseEntry(id = 'debian', versionId = '12', pretty = 'Debian GNU/Linux 12 (bookworm)'): FileEntry {
  return { path: 'etc/os-release', content: `PRETTY_NAME="${pretty}"\nNAME="Debian GNU/Linux"\nVERSION_ID="${versionId}"\nID=${id}\n` };
}

/** package.json of real npm packages from this checkout's node_modules, placed under usr/src/app/node_modules. */
export function npmPackageEntries(names: string[], prefix = 'usr/src/app/node_modules'): FileEntry[] {
  return names.map((name) => ({ path: `${prefix}/${name}/package.json`, content: readFileSync(repoPath(`node_modules/${name}/package.json`)) }));
}

export function npmPackageVersion(name: string): string {
  return (JSON.parse(readFileSync(repoPath(`node_modules/${name}/package.json`), 'utf8')) as { version: string }).version;
}

/** A dist-info METADATA installed by Debian (owned by a dpkg package), with its path. */
export function debianPythonDistInfo(): { path: string; content: Buffer; owner: string } | undefined {
  const root = '/usr/lib/python3/dist-packages';
  if (!existsSync(root)) return undefined;
  for (const name of readdirSync(root).sort()) {
    if (!name.endsWith('.dist-info')) continue;
    const file = `${root}/${name}/METADATA`;
    if (!existsSync(file)) continue;
    const owner = spawnSync('dpkg-query', ['-S', file], { encoding: 'utf8' });
    if (owner.status !== 0) continue;
    return { path: file.slice(1), content: readFileSync(file), owner: owner.stdout.split(':')[0]!.trim() };
  }
  return undefined;
}

export interface GoTestBinary {
  binary: Buffer;
  goVersion: string;
  module: string;
  /** the vulnerable dependency compiled in */
  dependency: { path: string; version: string };
}

const GO_DEPENDENCY = { path: 'golang.org/x/text', version: 'v0.3.7' }; // CVE-2022-32149, fixed in v0.3.8

/**
 * `go build` of a tiny program importing golang.org/x/text v0.3.7 (vulnerable to
 * CVE-2022-32149). The module cache and the binary are kept under .cache/image-test-go.
 */
export function goTestBinary(options: { ldflags?: string } = {}): GoTestBinary {
  const goVersion = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim();
  if (!goVersion) throw new Error('go is not installed: the Go binary analyzer tests need it');
  const dir = repoPath('.cache/image-test-go');
  const source = path.join(dir, 'src');
  const flavour = options.ldflags ? `-ldflags-${createHash('sha256').update(options.ldflags).digest('hex').slice(0, 12)}` : '';
  const output = path.join(dir, `palisade-go-fixture-${goVersion}${flavour}`);
  if (!existsSync(output)) {
    mkdirSync(source, { recursive: true });
    writeFileSync(path.join(source, 'go.mod'), `module example.com/palisade-fixture\n\ngo 1.21\n\nrequire ${GO_DEPENDENCY.path} ${GO_DEPENDENCY.version}\n`);
    writeFileSync(
      path.join(source, 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\n\t"golang.org/x/text/language"\n)\n\nfunc main() { fmt.Println(language.MustParse("en-US")) }\n',
    );
    const env = { ...process.env, GOMODCACHE: path.join(dir, 'mod'), GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOSUMDB: 'off', CGO_ENABLED: '0' };
    // Go records -ldflags in the build info only without -trimpath (go.dev/issue/52372).
    const flags = options.ldflags ? ['-buildvcs=false', '-ldflags', options.ldflags] : ['-trimpath'];
    const result = spawnSync('go', ['build', ...flags, '-o', output, '.'], { cwd: source, env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`go build failed: ${result.stderr}`);
  }
  return { binary: readFileSync(output), goVersion, module: 'example.com/palisade-fixture', dependency: GO_DEPENDENCY };
}
