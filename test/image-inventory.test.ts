import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { createRegistryClient } from '../src/adapters/registry/client.js';
import { inventoryImage } from '../src/adapters/images/scan.js';
import { openOciLayout, openRegistryImage } from '../src/adapters/images/sources.js';
import { NODE_HELPERS } from '../src/adapters/images/helpers.js';
import { LayerError, walkLayer } from '../src/adapters/images/walker.js';
import { ALL_ANALYZERS, compileSelector } from '../src/core/images/analyzers/index.js';
import { parseImageReference } from '../src/core/images/reference.js';
import type { ImageInventory } from '../src/core/images/model.js';
import { debianPythonDistInfo, dpkgQueryInstalled, goTestBinary, hostDpkgStatus, npmPackageEntries, npmPackageVersion } from './support/image-content.js';
import { buildImage, buildLayer, layerFromTar, pushImage, tarOf, writeOciLayout, type FileEntry } from './support/images.js';
import { tempDir } from './support/temp.js';
import { startRegistry, type TestRegistry } from './support/registry.js';

const AMD64 = { os: 'linux', architecture: 'amd64' };

/** The host's dpkg status with one package removed and one given a new version. */
function editedStatus(status: string, remove: string, upgrade: string): string {
  return status
    .split(/\n\n+/)
    .filter((paragraph) => !paragraph.startsWith(`Package: ${remove}\n`))
    .map((paragraph) => (paragraph.startsWith(`Package: ${upgrade}\n`) ? paragraph.replace(/^Version: (.*)$/m, 'Version: $1+palisade1') : paragraph))
    .join('\n\n');
}

describe('image inventory from a loopback registry (real dpkg database, Go binary, npm and Python packages)', () => {
  let registry: TestRegistry;
  let inventory: ImageInventory;
  const python = debianPythonDistInfo();
  const oracle = dpkgQueryInstalled();
  const packagesInOrder = [...oracle.keys()].sort();
  const removed = packagesInOrder[1]!;
  const upgraded = packagesInOrder[2]!;
  const go = goTestBinary();

  before(async () => {
    registry = await startRegistry();
    const status = hostDpkgStatus();
    const base: FileEntry[] = [
      { path: 'etc/', type: 'directory' },
      { path: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
      { path: 'usr/lib/os-release', content: readFileSync('/etc/os-release') },
      { path: 'var/lib/dpkg/status', content: status },
    ];
    if (python) {
      base.push({ path: python.path, content: python.content });
      base.push({ path: `var/lib/dpkg/info/${python.owner}.list`, content: readFileSync(`/var/lib/dpkg/info/${python.owner}.list`) });
    }
    const layers = [
      await buildLayer(base, { createdBy: '/bin/sh -c #(nop) ADD file:rootfs in /' }),
      await buildLayer(npmPackageEntries(['js-yaml', 'argparse', '@kubernetes/client-node']), { compression: 'zstd', createdBy: 'RUN npm ci' }),
      await buildLayer([{ path: 'usr/local/bin/app', content: go.binary, mode: 0o755 }], { createdBy: 'COPY app /usr/local/bin/app' }),
      await buildLayer(
        [
          { path: 'usr/src/app/node_modules/.wh.argparse', content: '' },
          { path: 'usr/src/app/node_modules/@kubernetes/.wh..wh..opq', content: '' },
          { path: 'var/lib/dpkg/status', content: editedStatus(status, removed, upgraded) },
        ],
        { createdBy: 'RUN apt-get remove && npm prune' },
      ),
    ];
    const image = buildImage({
      layers,
      emptyHistory: { 1: 'ENV NODE_ENV=production' },
      runtime: { User: '10001', ExposedPorts: { '8080/tcp': {} }, Labels: { 'org.opencontainers.image.source': 'https://example.com/app' } },
    });
    await pushImage(registry, 'inventory/app', '1.0', image);
    const client = createRegistryClient({ insecureRegistries: [registry.host] });
    const reference = parseImageReference(`${registry.host}/inventory/app:1.0`);
    assert.ok(reference.ok);
    inventory = await inventoryImage(await openRegistryImage(client, reference.reference, AMD64));
  });
  after(async () => registry?.stop());

  it('reads the OS from os-release (etc/os-release is a symlink: usr/lib/os-release is used)', () => {
    assert.equal(inventory.os?.id, 'debian');
    assert.equal(inventory.os?.versionId, '12');
  });

  it('lists exactly the dpkg packages dpkg-query reports, minus the one removed, with the upgrade', () => {
    const dpkg = inventory.packages.filter((item) => item.scheme === 'dpkg');
    const expected = new Map(oracle);
    expected.delete(removed);
    expected.set(upgraded, `${oracle.get(upgraded)}+palisade1`);
    assert.deepEqual(new Map(dpkg.map((item) => [item.name, item.version])), expected);
    assert.ok(dpkg.every((item) => item.ecosystem === 'Debian:12' && item.purl?.startsWith(`pkg:deb/debian/${encodeURIComponent(item.name)}@`) && item.purl.includes('distro=debian-12')));
  });

  it('attributes packages to the layer that introduced them, with its digest and created_by', () => {
    const byName = new Map(inventory.packages.filter((item) => item.scheme === 'dpkg').map((item) => [item.name, item]));
    assert.equal(byName.get(packagesInOrder[0]!)?.layer?.index, 0);
    assert.equal(byName.get(packagesInOrder[0]!)?.layer?.createdBy, '/bin/sh -c #(nop) ADD file:rootfs in /');
    assert.equal(byName.get(upgraded)?.layer?.index, 3);
    assert.equal(byName.get(upgraded)?.layer?.digest, inventory.image.layers[3]!.digest);
    assert.equal(inventory.image.layers[1]!.createdBy, 'RUN npm ci', 'the empty_layer ENV entry is skipped');
  });

  it('reads the Go binary build info: toolchain and the vulnerable golang.org/x/text v0.3.7', () => {
    const text = inventory.packages.find((item) => item.name === go.dependency.path);
    assert.equal(text?.version, go.dependency.version);
    assert.equal(text?.ecosystem, 'Go');
    assert.equal(text?.purl, 'pkg:golang/golang.org/x/text@v0.3.7');
    assert.equal(text?.path, 'usr/local/bin/app');
    assert.equal(text?.layer?.createdBy, 'COPY app /usr/local/bin/app');
    const stdlib = inventory.packages.find((item) => item.name === 'stdlib');
    assert.equal(stdlib?.version, go.goVersion.replace(/^go/, 'v'));
  });

  it('applies whiteouts and opaque directories: removed npm packages are not reported', () => {
    const npm = inventory.packages.filter((item) => item.ecosystem === 'npm').map((item) => `${item.name}@${item.version}`);
    assert.deepEqual(npm, [`js-yaml@${npmPackageVersion('js-yaml')}`]);
  });

  it('marks Python packages a Debian package installed instead of counting them twice', { skip: !python }, () => {
    const found = inventory.packages.find((item) => item.ecosystem === 'PyPI');
    assert.equal(found?.ownedByOsPackage, python!.owner);
  });

  it('reports the image metadata', () => {
    assert.equal(inventory.image.user, '10001');
    assert.deepEqual(inventory.image.exposedPorts, ['8080/tcp']);
    assert.equal(inventory.image.created, '2024-05-01T10:00:00Z');
    assert.deepEqual(inventory.image.platform, AMD64);
    assert.equal(inventory.image.labels?.['org.opencontainers.image.source'], 'https://example.com/app');
  });
});

const select = compileSelector(ALL_ANALYZERS);
const walk = (blob: Buffer, limits = {}) => walkLayer(Readable.from([blob]), { select, helpers: NODE_HELPERS, limits });

describe('hostile layers are refused with a clear error and bounded memory', () => {
  it('path traversal in entry names and hard links', async () => {
    const names = await tarOf([{ path: '../../etc/cron.d/evil', content: 'x' }]);
    await assert.rejects(walk(gzipSync(names)), (error: LayerError) => error.code === 'PATH_TRAVERSAL' && error.message.includes('../../etc/cron.d/evil'));
    const link = await tarOf([{ path: 'a', type: 'link', linkname: '../../../etc/shadow' }]);
    await assert.rejects(walk(gzipSync(link)), (error: LayerError) => error.code === 'PATH_TRAVERSAL');
    const relative = await tarOf([{ path: 'usr/lib/x', type: 'symlink', linkname: '../../../../etc/shadow' }]);
    await assert.rejects(walk(gzipSync(relative)), (error: LayerError) => error.code === 'PATH_TRAVERSAL');
  });

  it('a file written through an absolute symlink the same layer created', async () => {
    const layer = await tarOf([
      { path: 'var/lib/dpkg', type: 'symlink', linkname: '/etc' },
      { path: 'var/lib/dpkg/status', content: 'Package: x\nVersion: 1\nStatus: install ok installed\n' },
    ]);
    await assert.rejects(walk(gzipSync(layer)), (error: LayerError) => error.code === 'SYMLINK_ESCAPE' && /var\/lib\/dpkg/.test(error.message));
  });

  it('absolute symlinks alone are ordinary image content (never followed)', async () => {
    const layer = await tarOf([{ path: 'etc/localtime', type: 'symlink', linkname: '/usr/share/zoneinfo/Etc/UTC' }]);
    const scan = await walk(gzipSync(layer));
    assert.deepEqual(scan.files, []);
  });

  it('gzip and zstd bombs: the ratio cap and the absolute cap, in bounded memory', async () => {
    const zeros = await tarOf([{ path: 'zeros', content: Buffer.alloc(48 << 20) }]);
    const bomb = gzipSync(zeros, { level: 9 });
    const before = process.memoryUsage().rss;
    await assert.rejects(walk(bomb, { maxRatio: 100, ratioGrace: 1 << 20 }), (error: LayerError) => error.code === 'DECOMPRESSION_BOMB' && /100:1/.test(error.message));
    await assert.rejects(walk(bomb, { maxUncompressed: 8 << 20 }), (error: LayerError) => error.code === 'DECOMPRESSION_BOMB');
    const { zstdCompress } = await import('./support/images.js');
    await assert.rejects(walk(zstdCompress(zeros), { maxRatio: 100, ratioGrace: 1 << 20 }), (error: LayerError) => error.code === 'DECOMPRESSION_BOMB');
    assert.ok(process.memoryUsage().rss - before < 64 << 20, 'rss grew by less than 64 MiB');
  });

  it('truncated gzip and zstd streams, and truncated tars', async () => {
    const data = await tarOf([{ path: 'var/lib/dpkg/status', content: hostDpkgStatus() }]);
    const gz = gzipSync(data);
    await assert.rejects(walk(gz.subarray(0, gz.length - 200)), (error: LayerError) => error.code === 'TRUNCATED');
    const { zstdCompress } = await import('./support/images.js');
    const zst = zstdCompress(data);
    await assert.rejects(walk(zst.subarray(0, zst.length - 200)), (error: LayerError) => error.code === 'TRUNCATED' || error.code === 'CORRUPT');
    await assert.rejects(walk(data.subarray(0, 5000)), (error: LayerError) => error.code === 'TRUNCATED' || error.code === 'CORRUPT');
  });

  it('a blob whose bytes do not match its digest (OCI layout on disk)', async () => {
    const layer = layerFromTar(await tarOf([{ path: 'a', content: 'a' }]));
    const image = buildImage({ layers: [layer] });
    const dir = tempDir('palisade-bad');
    writeOciLayout(dir, image);
    const blob = Buffer.from(layer.blob);
    blob[blob.length - 1] = blob[blob.length - 1]! ^ 1;
    writeFileSync(path.join(dir, 'blobs', 'sha256', layer.digest.slice(7)), blob);
    const opened = await openOciLayout(dir, undefined, AMD64);
    await assert.rejects(inventoryImage(opened), /layer 0 \(sha256:[0-9a-f]+\): blob sha256:[0-9a-f]+: the bytes received hash to/);
  });
});
