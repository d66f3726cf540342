import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { NODE_HELPERS } from '../src/adapters/images/helpers.js';
import { apkAnalyzer } from '../src/core/images/analyzers/apk.js';
import { composerAnalyzer } from '../src/core/images/analyzers/composer.js';
import { dotnetAnalyzer } from '../src/core/images/analyzers/dotnet.js';
import { dpkgAnalyzer, dpkgFilesAnalyzer } from '../src/core/images/analyzers/dpkg.js';
import { goBinaryAnalyzer, goToolchainSemver } from '../src/core/images/analyzers/go-binary.js';
import { ALL_ANALYZERS, compileSelector } from '../src/core/images/analyzers/index.js';
import { javaAnalyzer } from '../src/core/images/analyzers/java.js';
import { npmAnalyzer } from '../src/core/images/analyzers/npm.js';
import { osReleaseAnalyzer } from '../src/core/images/analyzers/os-release.js';
import { pythonAnalyzer } from '../src/core/images/analyzers/python.js';
import { rpmAnalyzer, splitSourceRpm } from '../src/core/images/analyzers/rpm.js';
import { rpmBerkeleyAnalyzer } from '../src/core/images/analyzers/rpm-bdb.js';
import { rubyAnalyzer } from '../src/core/images/analyzers/ruby.js';
import { rustAuditAnalyzer } from '../src/core/images/analyzers/rust-audit.js';
import type { Analyzer, AnalyzerOutput } from '../src/core/images/analyzers/types.js';
import { goTestBinary, npmPackageVersion } from './support/image-content.js';
import { repoPath } from './support/paths.js';
import { tempDir } from './support/temp.js';

async function parse(analyzer: Analyzer, filePath: string, content: Uint8Array | string): Promise<AnalyzerOutput> {
  return analyzer.parse({ path: filePath, content: typeof content === 'string' ? Buffer.from(content) : content }, NODE_HELPERS);
}

describe('analyzers on real-format content', () => {
  it('os-release: this machine and Alpine', async () => {
    const host = await parse(osReleaseAnalyzer, 'etc/os-release', readFileSync('/etc/os-release'));
    assert.deepEqual(host.os, { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
    const alpine = await parse(osReleaseAnalyzer, 'etc/os-release', 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n');
    assert.deepEqual(alpine.os, { id: 'alpine', versionId: '3.20.3', prettyName: 'Alpine Linux v3.20' });
  });

  it('dpkg: distroless status.d (no Status field) and Source with a version', async () => {
    const output = await parse(dpkgAnalyzer, 'var/lib/dpkg/status.d/libssl3', 'Package: libssl3\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\nSource: openssl (3.0.15-1~deb12u1)\nDescription: x\n multi-line\n');
    assert.deepEqual(output.packages, [{ scheme: 'dpkg', name: 'libssl3', version: '3.0.15-1~deb12u1', sourceName: 'openssl', sourceVersion: '3.0.15-1~deb12u1', arch: 'amd64', path: 'var/lib/dpkg/status.d/libssl3' }]);
    const status = await parse(dpkgAnalyzer, 'var/lib/dpkg/status', 'Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n\nPackage: here\nStatus: install ok installed\nVersion: 2\nSource: src\n');
    assert.deepEqual(status.packages?.map((item) => [item.name, item.sourceName, item.sourceVersion]), [['here', 'src', '2']]);
  });

  it('dpkg .list files name the files a package owns', async () => {
    const list = readdirSync('/var/lib/dpkg/info').find((name) => name.endsWith('.list'))!;
    const output = await parse(dpkgFilesAnalyzer, `var/lib/dpkg/info/${list}`, readFileSync(`/var/lib/dpkg/info/${list}`));
    assert.equal(output.ownedFiles?.[0]?.package, list.replace(/(:[^.]+)?\.list$/, ''));
    assert.ok(output.ownedFiles?.[0]?.files.every((file) => !file.startsWith('/')));
  });

  it('apk installed database: origin, arch, license, files', async () => {
    const db = 'C:Q1abc=\nP:musl\nV:1.2.5-r0\nA:x86_64\nS:407645\nI:667648\nT:the musl c library\nL:MIT\no:musl\nt:1712156394\nF:lib\nR:ld-musl-x86_64.so.1\nR:libc.musl-x86_64.so.1\n\nP:libcrypto3\nV:3.3.2-r0\nA:x86_64\nL:Apache-2.0\no:openssl\nF:usr/lib\nR:libcrypto.so.3\n\n';
    const output = await parse(apkAnalyzer, 'lib/apk/db/installed', db);
    assert.deepEqual(output.packages?.map((item) => [item.name, item.version, item.sourceName, item.arch, item.licenses?.[0]]), [
      ['musl', '1.2.5-r0', 'musl', 'x86_64', 'MIT'],
      ['libcrypto3', '3.3.2-r0', 'openssl', 'x86_64', 'Apache-2.0'],
    ]);
    assert.deepEqual(output.ownedFiles?.[1], { package: 'libcrypto3', files: ['usr/lib/libcrypto.so.3'] });
  });

  it('rpm: a real SQLite rpmdb written by rpm itself (rpmbuild + rpm --justdb), and as Berkeley DB', { skip: !existsSync('/usr/bin/rpmbuild') && 'rpm is not installed: run scripts/provision.sh' }, async () => {
    const dir = tempDir('palisade-rpm');
    const spec = path.join(dir, 'demo.spec');
    spawnSync('sh', ['-c', `cat > ${spec} <<'EOF'\nName: palisade-demo\nVersion: 1.2.3\nRelease: 4.el9\nEpoch: 2\nSummary: demo\nLicense: MIT\nBuildArch: noarch\n%description\ndemo\n%install\nmkdir -p %{buildroot}/usr/share/demo\necho hi > %{buildroot}/usr/share/demo/file.txt\n%files\n/usr/share/demo/file.txt\nEOF`]);
    const build = spawnSync('rpmbuild', ['--define', `_topdir ${dir}/top`, '--define', '_db_backend sqlite', '-bb', spec], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    const rpmFile = path.join(dir, 'top/RPMS/noarch', readdirSync(path.join(dir, 'top/RPMS/noarch'))[0]!);
    const dbpath = path.join(dir, 'db');
    const install = spawnSync('rpm', ['--define', '_db_backend sqlite', '--dbpath', dbpath, '--initdb'], { encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr);
    const justdb = spawnSync('rpm', ['--define', '_db_backend sqlite', '--dbpath', dbpath, '-i', '--justdb', '--nodeps', '--nosignature', rpmFile], { encoding: 'utf8' });
    assert.equal(justdb.status, 0, justdb.stderr);
    const output = await parse(rpmAnalyzer, 'var/lib/rpm/rpmdb.sqlite', readFileSync(path.join(dbpath, 'rpmdb.sqlite')));
    assert.deepEqual(output.problems, []);
    const found = output.packages?.find((item) => item.name === 'palisade-demo');
    assert.deepEqual(
      { version: found?.version, sourceName: found?.sourceName, sourceVersion: found?.sourceVersion, arch: found?.arch, licenses: found?.licenses },
      { version: '2:1.2.3-4.el9', sourceName: 'palisade-demo', sourceVersion: '2:1.2.3-4.el9', arch: 'noarch', licenses: ['MIT'] },
    );
    assert.deepEqual(output.ownedFiles?.find((item) => item.package === 'palisade-demo')?.files, ['usr/share/demo/file.txt']);
    assert.deepEqual(splitSourceRpm('openssl-3.0.7-24.el9.src.rpm'), { name: 'openssl', version: '3.0.7-24.el9' });

    // The same headers in a legacy Berkeley DB hash `Packages` file, written by db5.3_load.
    if (!existsSync('/usr/bin/db5.3_load')) return;
    const rows = NODE_HELPERS.sqlite(readFileSync(path.join(dbpath, 'rpmdb.sqlite')), 'SELECT hnum, blob FROM Packages') as { hnum: number; blob: Buffer }[];
    const hex = (data: Buffer): string => ` ${data.toString('hex')}`;
    const key = (n: number): Buffer => {
      const buffer = Buffer.alloc(4);
      buffer.writeUInt32LE(n);
      return buffer;
    };
    const dump = ['VERSION=3', 'format=bytevalue', 'type=hash', 'db_pagesize=4096', 'HEADER=END', hex(key(0)), hex(key(rows.length + 1))];
    for (const row of rows) dump.push(hex(key(row.hnum)), hex(row.blob));
    dump.push('DATA=END', '');
    const packagesFile = path.join(dir, 'Packages');
    const load = spawnSync('db5.3_load', [packagesFile], { input: dump.join('\n'), encoding: 'utf8' });
    assert.equal(load.status, 0, load.stderr);
    const legacy = await parse(rpmBerkeleyAnalyzer, 'var/lib/rpm/Packages', readFileSync(packagesFile));
    assert.deepEqual(legacy.problems, []);
    assert.deepEqual(legacy.packages, output.packages?.map((item) => ({ ...item, path: 'var/lib/rpm/Packages' })));
  });

  it('npm: package.json of installed packages only, scoped names in the purl', async () => {
    const scoped = await parse(npmAnalyzer, 'app/node_modules/@kubernetes/client-node/package.json', readFileSync(repoPath('node_modules/@kubernetes/client-node/package.json')));
    const version = npmPackageVersion('@kubernetes/client-node');
    assert.equal(scoped.packages?.[0]?.purl, `pkg:npm/%40kubernetes/client-node@${version}`);
    assert.deepEqual(await parse(npmAnalyzer, 'app/package.json', '{"name":"app","version":"1.0.0"}'), {});
  });

  it('python: dist-info METADATA from this machine, PEP 503 names in the purl', async () => {
    const root = '/usr/lib/python3/dist-packages';
    const dist = readdirSync(root).find((name) => name.endsWith('.dist-info') && existsSync(`${root}/${name}/METADATA`));
    assert.ok(dist);
    const output = await parse(pythonAnalyzer, `usr/lib/python3/dist-packages/${dist}/METADATA`, readFileSync(`${root}/${dist}/METADATA`));
    const [name, version] = dist.replace(/\.dist-info$/, '').split('-') as [string, string];
    assert.equal(output.packages?.[0]?.version, version);
    assert.equal(output.packages?.[0]?.name.replace(/[-_.]+/g, '_').toLowerCase(), name.toLowerCase());
    const egg = await parse(pythonAnalyzer, 'x/Foo_Bar.egg-info/PKG-INFO', 'Metadata-Version: 1.1\nName: Foo_Bar\nVersion: 0.1\nLicense: BSD\n\nbody');
    assert.equal(egg.packages?.[0]?.purl, 'pkg:pypi/foo-bar@0.1');
  });

  it('Go: build info of a binary built here, and toolchain versions as semver', async () => {
    const go = goTestBinary();
    const output = await parse(goBinaryAnalyzer, 'usr/bin/app', go.binary);
    assert.ok(output.packages?.some((item) => item.name === 'golang.org/x/text' && item.version === 'v0.3.7'));
    assert.equal(goToolchainSemver('go1.21rc2'), 'v1.21.0-rc.2');
    assert.equal(goToolchainSemver('go1.22.3'), 'v1.22.3');
    assert.deepEqual(await parse(goBinaryAnalyzer, 'usr/bin/sh', readFileSync('/bin/sh')), {});
  });

  it('Java: real Debian jars (pom.properties, MANIFEST.MF fallback) and nested jars', async () => {
    const commons = readdirSync('/usr/share/java').find((name) => /^commons-io-[\d.]+\.jar$/.test(name));
    assert.ok(commons, 'a commons-io jar in /usr/share/java');
    const output = await parse(javaAnalyzer, `usr/share/java/${commons}`, readFileSync(`/usr/share/java/${commons}`));
    assert.equal(output.packages?.[0]?.name, 'commons-io:commons-io');
    assert.equal(output.packages?.[0]?.version, commons.replace(/^commons-io-|\.jar$/g, ''));
    const dir = tempDir('palisade-jar');
    const outer = path.join(dir, 'app.jar');
    const zip = spawnSync('python3', ['-c', 'import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1],"w")\nz.write(sys.argv[2],"BOOT-INF/lib/"+sys.argv[3])\nz.writestr("META-INF/MANIFEST.MF","Manifest-Version: 1.0\\r\\nImplementation-Title: app\\r\\nImplementation-Version: 0.0.1\\r\\n\\r\\n")\nz.close()', outer, `/usr/share/java/${commons}`, commons]);
    assert.equal(zip.status, 0, zip.stderr?.toString());
    const nested = await parse(javaAnalyzer, 'app/app.jar', readFileSync(outer));
    assert.deepEqual(nested.packages?.map((item) => [item.name, item.path]), [['commons-io:commons-io', `app/app.jar!/BOOT-INF/lib/${commons}`], ['app', 'app/app.jar']]);
  });

  it('Go: a (devel) main module reports the version its -X main.version ldflag set', async () => {
    const go = goTestBinary({ ldflags: '-s -X main.version=1.4.2 -X main.commit=abc' });
    const output = await parse(goBinaryAnalyzer, 'usr/bin/app', go.binary);
    const main = output.packages?.find((item) => item.name === go.module);
    assert.deepEqual([main?.version, main?.purl], ['v1.4.2', `pkg:golang/${go.module}@v1.4.2`]);
    // Without the flag a (devel) main module has no version and is not reported.
    const plain = await parse(goBinaryAnalyzer, 'usr/bin/app', goTestBinary().binary);
    assert.equal(plain.packages?.some((item) => item.name === go.module), false);
    // What is not a version is not taken for one.
    const odd = await parse(goBinaryAnalyzer, 'usr/bin/app', goTestBinary({ ldflags: '-X main.version=dev' }).binary);
    assert.equal(odd.packages?.some((item) => item.name === go.module), false);
  });

  it('Java: jars without Maven metadata get coordinates only from what identifies them', async () => {
    const dir = tempDir('palisade-jar-manifest');
    const jar = (name: string, manifest: Record<string, string>, extra: Record<string, string> = {}): Buffer => {
      const file = path.join(dir, name);
      const body = `Manifest-Version: 1.0\r\n${Object.entries(manifest).map(([key, value]) => `${key}: ${value}\r\n`).join('')}\r\n`;
      const entries = { ...(Object.keys(manifest).length > 0 ? { 'META-INF/MANIFEST.MF': body } : {}), 'x/A.class': 'x', ...extra };
      const zip = spawnSync('python3', ['-c', 'import sys,json,zipfile\nz=zipfile.ZipFile(sys.argv[1],"w")\nfor k,v in json.loads(sys.argv[2]).items(): z.writestr(k,v)\nz.close()', file, JSON.stringify(entries)]);
      assert.equal(zip.status, 0, zip.stderr?.toString());
      return readFileSync(file);
    };
    const identity = async (name: string, manifest: Record<string, string>) => {
      const output = await parse(javaAnalyzer, `app/lib/${name}`, jar(name, manifest));
      return output.packages?.map((item) => ({ name: item.name, version: item.version, purl: item.purl, groupGuessed: item.groupGuessed }));
    };
    // Maven's archiver writes the groupId as Implementation-Vendor-Id; the title is prose, the artifact is the file's.
    assert.deepEqual(await identity('commons-io-2.11.0.jar', { 'Implementation-Title': 'Apache Commons IO', 'Implementation-Vendor-Id': 'commons-io', 'Implementation-Version': '2.11.0', 'Bundle-SymbolicName': 'org.apache.commons.io' }), [
      { name: 'commons-io:commons-io', version: '2.11.0', purl: 'pkg:maven/commons-io/commons-io@2.11.0', groupGuessed: undefined },
    ]);
    // A group read from Bundle-SymbolicName (maven-bundle-plugin's rules) is a guess, and says so.
    assert.deepEqual(await identity('jackson-databind-2.15.2.jar', { 'Bundle-SymbolicName': 'com.fasterxml.jackson.core.jackson-databind', 'Bundle-Name': 'jackson-databind', 'Bundle-Version': '2.15.2' }), [
      { name: 'com.fasterxml.jackson.core:jackson-databind', version: '2.15.2', purl: 'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.2', groupGuessed: true },
    ]);
    assert.deepEqual(await identity('commons-lang3-3.12.0.jar', { 'Bundle-SymbolicName': 'org.apache.commons.lang3', 'Implementation-Title': 'Apache Commons Lang', 'Implementation-Version': '3.12.0' }), [
      { name: 'org.apache.commons:commons-lang3', version: '3.12.0', purl: 'pkg:maven/org.apache.commons/commons-lang3@3.12.0', groupGuessed: true },
    ]);
    // A symbolic name that does not end in the artifact gives no group: never `jul.to:slf4j` or `slf4j:api`.
    assert.deepEqual(await identity('jul-to-slf4j-1.7.36.jar', { 'Bundle-SymbolicName': 'jul.to.slf4j', 'Bundle-Name': 'jul-to-slf4j', 'Implementation-Version': '1.7.36' }), [
      { name: 'jul-to-slf4j', version: '1.7.36', purl: undefined, groupGuessed: undefined },
    ]);
    const slf4j = await identity('slf4j-api-1.7.36.jar', { 'Bundle-SymbolicName': 'slf4j.api', 'Implementation-Title': 'slf4j-api', 'Implementation-Version': '1.7.36' });
    assert.notEqual(slf4j?.[0]?.name, 'slf4j:api');
    assert.equal(slf4j?.[0]?.name.split(':').at(-1), 'slf4j-api');
    // No coordinate ever holds a space (a human-readable title).
    assert.deepEqual(await identity('util.jar', { 'Implementation-Title': 'Some Utilities', 'Implementation-Version': '1.0' }), [{ name: 'util', version: '1.0', purl: undefined, groupGuessed: undefined }]);
    // Only the file name: its version is the artifact's.
    assert.deepEqual(await identity('aopalliance-1.0.jar', {}), [{ name: 'aopalliance', version: '1.0', purl: undefined, groupGuessed: undefined }]);
    assert.deepEqual(await identity('gettext.jar', {}), []);
  });

  it('Ruby gemspecs as RubyGems writes them', async () => {
    const spec = '# -*- encoding: utf-8 -*-\n# stub: rack 2.2.8 ruby lib\n\nGem::Specification.new do |s|\n  s.name = "rack".freeze\n  s.version = "2.2.8"\n  s.licenses = ["MIT".freeze]\nend\n';
    const output = await parse(rubyAnalyzer, 'usr/local/bundle/specifications/rack-2.2.8.gemspec', spec);
    assert.deepEqual(output.packages?.map((item) => [item.name, item.version, item.purl, item.licenses?.[0]]), [['rack', '2.2.8', 'pkg:gem/rack@2.2.8', 'MIT']]);
  });

  it('Rust: cargo-auditable .dep-v0 section of an ELF binary', async () => {
    const json = JSON.stringify({ packages: [{ name: 'app', version: '0.1.0', source: 'local', root: true }, { name: 'smallvec', version: '1.6.0', source: 'crates.io' }] });
    const output = await parse(rustAuditAnalyzer, 'usr/bin/app', elfWithSection('.dep-v0', deflateSync(Buffer.from(json))));
    assert.deepEqual(output.packages?.map((item) => item.purl), ['pkg:cargo/smallvec@1.6.0']);
  });

  it('.NET deps.json and PHP composer installed.json', async () => {
    const deps = { runtimeTarget: { name: '.NETCoreApp,Version=v8.0' }, libraries: { 'App/1.0.0': { type: 'project' }, 'Newtonsoft.Json/13.0.1': { type: 'package', sha512: 'x' } } };
    const dotnet = await parse(dotnetAnalyzer, 'app/App.deps.json', JSON.stringify(deps));
    assert.deepEqual(dotnet.packages?.map((item) => item.purl), ['pkg:nuget/Newtonsoft.Json@13.0.1']);
    const installed = { packages: [{ name: 'monolog/monolog', version: '2.9.1', license: ['MIT'] }], dev: false };
    const php = await parse(composerAnalyzer, 'var/www/vendor/composer/installed.json', JSON.stringify(installed));
    assert.deepEqual(php.packages?.map((item) => item.purl), ['pkg:composer/monolog/monolog@2.9.1']);
  });

  it('selection is by header only: paths, basenames, suffixes, executables', () => {
    const select = compileSelector(ALL_ANALYZERS);
    assert.deepEqual(select('var/lib/dpkg/status', 0o644)?.analyzers.map((a) => a.id), ['dpkg']);
    assert.equal(select('usr/share/doc/readme', 0o644), undefined);
    assert.equal(select('app/package.json', 0o644), undefined);
    assert.deepEqual(select('usr/bin/x', 0o755)?.analyzers.map((a) => a.id), ['go-binary', 'rust-cargo-auditable']);
    assert.deepEqual(select('usr/bin/x', 0o755)?.magic, [0x7f, 0x45, 0x4c, 0x46]);
  });
});

/** A minimal little-endian ELF64 with one named section (plus the section-name table), as the format defines it. */
function elfWithSection(name: string, data: Buffer): Buffer {
  const names = Buffer.from(`\0${name}\0.shstrtab\0`);
  const dataOffset = 64;
  const namesOffset = dataOffset + data.length;
  const tableOffset = namesOffset + names.length;
  const header = Buffer.alloc(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  header.writeUInt16LE(2, 16);
  header.writeUInt16LE(62, 18);
  header.writeBigUInt64LE(BigInt(tableOffset), 0x28);
  header.writeUInt16LE(64, 0x34);
  header.writeUInt16LE(64, 0x3a);
  header.writeUInt16LE(3, 0x3c);
  header.writeUInt16LE(2, 0x3e);
  const section = (nameOffset: number, type: number, offset: number, size: number): Buffer => {
    const entry = Buffer.alloc(64);
    entry.writeUInt32LE(nameOffset, 0);
    entry.writeUInt32LE(type, 4);
    entry.writeBigUInt64LE(BigInt(offset), 0x18);
    entry.writeBigUInt64LE(BigInt(size), 0x20);
    return entry;
  };
  return Buffer.concat([header, data, names, section(0, 0, 0, 0), section(1, 1, dataOffset, data.length), section(name.length + 2, 3, namesOffset, names.length)]);
}
