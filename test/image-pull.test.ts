import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRegistryClient, RegistryError, apiHost } from '../src/adapters/registry/client.js';
import { findCredential, parseDockerConfig, parsePullSecret } from '../src/adapters/registry/credentials.js';
import { locateImage, openDockerArchive, openOciLayout, openRegistryImage, type OpenedImage } from '../src/adapters/images/sources.js';
import { parseWwwAuthenticate, selectPlatform } from '../src/core/images/oci.js';
import { parseImageReference, type ImageReference } from '../src/core/images/reference.js';
import { buildImage, buildLayer, dockerSaveTarball, layerFromTar, pushImage, pushIndex, tarOf, writeOciLayout, type BuiltImage } from './support/images.js';
import { tempDir } from './support/temp.js';
import { sha256Digest, startRegistry, type TestRegistry } from './support/registry.js';

const AMD64 = { os: 'linux', architecture: 'amd64' };

function ref(text: string): ImageReference {
  const parsed = parseImageReference(text);
  assert.ok(parsed.ok, text);
  return parsed.reference;
}

async function readAll(image: OpenedImage, index: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await image.openLayer(index)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A loopback HTTP server whose handler the test chooses; records requests. */
async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void | Promise<void>): Promise<{ server: Server; url: string; host: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    Promise.resolve(handler(request, response)).catch((error: Error) => response.writeHead(500).end(error.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { server, url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Forwards a request to the registry and copies the answer back (status, headers, body). */
async function forward(registry: TestRegistry, request: IncomingMessage, response: ServerResponse, transform?: (body: Buffer) => Buffer): Promise<void> {
  const upstream = await fetch(`${registry.url}${request.url}`, { headers: { accept: request.headers.accept ?? '*/*' }, redirect: 'manual' });
  let body: Buffer = Buffer.from(await upstream.arrayBuffer());
  if (transform) body = transform(body);
  const headers: Record<string, string> = {};
  upstream.headers.forEach((value, key) => {
    if (key !== 'content-length' && key !== 'transfer-encoding' && key !== 'connection') headers[key] = value;
  });
  response.writeHead(upstream.status, headers).end(body);
}

describe('registry pulls (docker-registry on loopback)', () => {
  let registry: TestRegistry;
  let single: BuiltImage;
  let amd64: BuiltImage;
  let arm64: BuiltImage;
  before(async () => {
    registry = await startRegistry();
    single = buildImage({ layers: [await buildLayer([{ path: 'etc/one', content: 'one' }]), await buildLayer([{ path: 'etc/two', content: 'two' }], { compression: 'zstd' })] });
    await pushImage(registry, 'pull/single', 'v1', single);
    amd64 = buildImage({ layers: [await buildLayer([{ path: 'arch', content: 'amd64' }], { docker: true })], docker: true, platform: AMD64 });
    arm64 = buildImage({ layers: [await buildLayer([{ path: 'arch', content: 'arm64' }], { docker: true })], docker: true, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
    await pushIndex(registry, 'pull/multi', 'v1', [amd64, arm64], { docker: true });
    await pushIndex(registry, 'pull/attested', 'v1', [amd64, arm64], { attestations: true });
  });
  after(async () => registry?.stop());

  it('pulls by tag and by digest: manifest, config and layers verified', async () => {
    const client = createRegistryClient({ insecureRegistries: [registry.host] });
    const image = await openRegistryImage(client, ref(`${registry.host}/pull/single:v1`), AMD64);
    assert.equal(image.digest, single.manifestDigest);
    assert.equal(image.reference, `${registry.host}/pull/single:v1@${single.manifestDigest}`);
    assert.deepEqual(image.layers.map((layer) => layer.diffId), single.layers.map((layer) => layer.diffId));
    assert.deepEqual(await readAll(image, 1), single.layers[1]!.blob);
    const byDigest = await openRegistryImage(client, ref(`${registry.host}/pull/single@${single.manifestDigest}`), AMD64);
    assert.equal(byDigest.digest, single.manifestDigest);
  });

  it('selects the platform from a Docker manifest list and an OCI index, skipping attestations', async () => {
    const client = createRegistryClient({ insecureRegistries: [registry.host] });
    const arm = await openRegistryImage(client, ref(`${registry.host}/pull/multi:v1`), { os: 'linux', architecture: 'arm64' });
    assert.equal(arm.digest, arm64.manifestDigest);
    assert.deepEqual(arm.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
    const intel = await openRegistryImage(client, ref(`${registry.host}/pull/attested:v1`), AMD64);
    assert.equal(intel.digest, amd64.manifestDigest);
    await assert.rejects(openRegistryImage(client, ref(`${registry.host}/pull/attested:v1`), { os: 'linux', architecture: 's390x' }), /no image for platform linux\/s390x .*available: linux\/amd64, linux\/arm64\/v8\)/);
    await assert.rejects(openRegistryImage(client, ref(`${registry.host}/pull/nothing:v1`), AMD64), (error: RegistryError) => error.code === 'NOT_FOUND');
  });

  it('refuses plain HTTP unless the registry is named insecure', async () => {
    const client = createRegistryClient({ retries: 0 });
    await assert.rejects(openRegistryImage(client, ref(`${registry.host}/pull/single:v1`), AMD64), (error: RegistryError) => error.code === 'NETWORK');
  });

  it('Basic auth, retries with backoff, and blob redirects that never carry Authorization to another host', async () => {
    const blobHostAuthorizations: (string | undefined)[] = [];
    const blobHost = await serve(async (request, response) => {
      blobHostAuthorizations.push(request.headers.authorization);
      await forward(registry, request, response);
    });
    let failuresLeft = 2;
    const front = await serve(async (request, response) => {
      if (request.headers.authorization !== `Basic ${Buffer.from('bob:pa:ss').toString('base64')}`) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
        return;
      }
      if (request.url?.includes('/manifests/') && failuresLeft-- > 0) {
        response.writeHead(503).end('busy');
        return;
      }
      if (request.url?.includes('/blobs/')) {
        // another origin: localhost instead of 127.0.0.1
        response.writeHead(307, { location: `${blobHost.url.replace('127.0.0.1', 'localhost')}${request.url}` }).end();
        return;
      }
      await forward(registry, request, response);
    });
    try {
      const credentials = parseDockerConfig(JSON.stringify({ auths: { [front.host]: { auth: Buffer.from('bob:pa:ss').toString('base64') } } }), 'config.json');
      const client = createRegistryClient({ insecureRegistries: [front.host], credentials, backoffMs: 10 });
      const image = await openRegistryImage(client, ref(`${front.host}/pull/single:v1`), AMD64);
      assert.deepEqual(await readAll(image, 0), single.layers[0]!.blob);
      assert.ok(blobHostAuthorizations.length >= 2);
      assert.deepEqual(new Set(blobHostAuthorizations), new Set([undefined]));
      const anonymous = createRegistryClient({ insecureRegistries: [front.host], backoffMs: 10 });
      await assert.rejects(openRegistryImage(anonymous, ref(`${front.host}/pull/single:v1`), AMD64), /Basic authentication required and no credentials configured/);
    } finally {
      await front.close();
      await blobHost.close();
    }
  });

  it('refuses blobs with wrong digests and truncated blobs', async () => {
    const corrupt = await serve(async (request, response) => {
      if (request.url?.includes(single.layers[0]!.digest)) {
        await forward(registry, request, response, (body) => {
          const copy = Buffer.from(body);
          copy[copy.length - 1] = copy[copy.length - 1]! ^ 0xff;
          return copy;
        });
      } else if (request.url?.includes(single.layers[1]!.digest)) {
        await forward(registry, request, response, (body) => body.subarray(0, body.length - 5));
      } else await forward(registry, request, response);
    });
    try {
      const client = createRegistryClient({ insecureRegistries: [corrupt.host] });
      const image = await openRegistryImage(client, ref(`${corrupt.host}/pull/single:v1`), AMD64);
      await assert.rejects(readAll(image, 0), (error: RegistryError) => error.code === 'DIGEST_MISMATCH' && error.message.includes(single.layers[0]!.digest));
      await assert.rejects(readAll(image, 1), (error: RegistryError) => error.code === 'SIZE_MISMATCH' && /truncated/.test(error.message));
    } finally {
      await corrupt.close();
    }
  });
});

describe('token authentication (realm served by the test)', () => {
  let registry: TestRegistry;
  let image: BuiltImage;
  before(async () => {
    registry = await startRegistry({ tokenRealm: { users: { alice: 's3cret' }, publicRepositories: ['public/app'] } });
    image = buildImage({ layers: [await buildLayer([{ path: 'x', content: 'x' }])] });
    await pushImage(registry, 'public/app', 'v1', image);
    await pushImage(registry, 'private/app', 'v1', image);
  });
  after(async () => registry?.stop());

  it('anonymous token for a public repository, scoped to pull', async () => {
    const client = createRegistryClient({ insecureRegistries: [registry.host] });
    const opened = await openRegistryImage(client, ref(`${registry.host}/public/app:v1`), AMD64);
    assert.equal(opened.digest, image.manifestDigest);
    assert.deepEqual(registry.tokenRequests.at(-1), { scope: 'repository:public/app:pull', user: 'anonymous' });
  });

  it('credentials from an imagePullSecret for a private repository; wrong ones are refused by name', async () => {
    const config = JSON.stringify({ auths: { [`http://${registry.host}`]: { username: 'alice', password: 's3cret' } } });
    const secret = { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'pull', namespace: 'ns' }, data: { '.dockerconfigjson': Buffer.from(config).toString('base64') } };
    const client = createRegistryClient({ insecureRegistries: [registry.host], credentials: parsePullSecret(secret, 'secret.yaml') });
    const opened = await openRegistryImage(client, ref(`${registry.host}/private/app:v1`), AMD64);
    assert.equal(opened.digest, image.manifestDigest);
    assert.deepEqual(registry.tokenRequests.at(-1), { scope: 'repository:private/app:pull', user: 'alice' });
    const anonymous = createRegistryClient({ insecureRegistries: [registry.host] });
    await assert.rejects(openRegistryImage(anonymous, ref(`${registry.host}/private/app:v1`), AMD64), (error: RegistryError) => error.code === 'UNAUTHORIZED' && /no credentials configured/.test(error.message));
    const wrong = createRegistryClient({ insecureRegistries: [registry.host], credentials: parseDockerConfig(JSON.stringify({ auths: { [registry.host]: { username: 'alice', password: 'nope' } } }), 'c.json') });
    await assert.rejects(openRegistryImage(wrong, ref(`${registry.host}/private/app:v1`), AMD64), /refused the credentials for user "alice"/);
  });
});

describe('local image sources', () => {
  it('reads an OCI layout directory, selected by tag', async () => {
    const image = buildImage({ layers: [await buildLayer([{ path: 'hello', content: 'hi' }], { compression: 'zstd' })] });
    const dir = tempDir('palisade-oci');
    writeOciLayout(dir, image, '1.0');
    const opened = await openOciLayout(dir, '1.0', AMD64);
    assert.equal(opened.digest, image.manifestDigest);
    assert.deepEqual(await readAll(opened, 0), image.layers[0]!.blob);
    await assert.rejects(openOciLayout(dir, '2.0', AMD64), /no image tagged "2.0"/);
    assert.deepEqual(await locateImage(`oci:${dir}:1.0`, '/'), { kind: 'oci-layout', dir, tag: '1.0' });
    assert.deepEqual(await locateImage(dir, '/'), { kind: 'oci-layout', dir });
  });

  it('reads a legacy docker save tarball without loading it: layers verified against diff_ids', async () => {
    const tars = [await tarOf([{ path: 'a', content: 'a' }]), await tarOf([{ path: 'b', content: 'b'.repeat(5000) }])];
    const image = buildImage({ layers: tars.map((data) => layerFromTar(data, { compression: 'none' })) });
    const file = path.join(tempDir('palisade-save'), 'image.tar');
    writeFileSync(file, await dockerSaveTarball(image, 'example/app:1', tars));
    const opened = await openDockerArchive(file, AMD64);
    assert.equal(opened.digest, image.configDigest);
    assert.equal(opened.layers[1]!.descriptor.digest, sha256Digest(tars[1]!));
    assert.deepEqual(await readAll(opened, 1), tars[1]);
    assert.deepEqual(await locateImage(file, '/'), { kind: 'docker-archive', file });
  });
});

describe('docker save (Docker 25+ writes an OCI layout inside the tarball)', () => {
  it('reads index.json and blobs/ from the tarball in place', async () => {
    const image = buildImage({ layers: [await buildLayer([{ path: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.3\n' }])] });
    const dir = tempDir('palisade-save-oci');
    writeOciLayout(dir, image, 'app:1');
    const entries = ['oci-layout', 'index.json', ...[image.manifestDigest, image.configDigest, image.layers[0]!.digest].map((digest) => `blobs/sha256/${digest.slice(7)}`)];
    const file = path.join(dir, 'saved.tar');
    writeFileSync(file, await tarOf(entries.map((name) => ({ path: name, content: readFileSync(path.join(dir, name)) }))));
    const opened = await openDockerArchive(file, AMD64);
    assert.equal(opened.digest, image.manifestDigest);
    assert.deepEqual(await readAll(opened, 0), image.layers[0]!.blob);
  });
});

describe('registry protocol details', () => {
  it('Docker Hub defaults', () => {
    assert.equal(apiHost(ref('nginx').registry), 'registry-1.docker.io');
    assert.equal(ref('nginx').repository, 'library/nginx');
    assert.equal(apiHost('ghcr.io'), 'ghcr.io');
  });

  it('parses WWW-Authenticate challenges', () => {
    assert.deepEqual(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"'), {
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' },
    });
    assert.deepEqual(parseWwwAuthenticate('Basic realm="Registry Realm"'), { scheme: 'basic', params: { realm: 'Registry Realm' } });
  });

  it('matches credentials like the kubelet: Docker Hub aliases, paths, wildcards', () => {
    const entries = parseDockerConfig(
      JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hub:x').toString('base64') }, 'ghcr.io/acme': { username: 'acme', password: 'y' }, '*.example.com': { username: 'wild', password: 'z' } } }),
      'config.json',
    );
    assert.equal(findCredential(entries, 'docker.io', 'library/nginx')?.credential.username, 'hub');
    assert.equal(findCredential(entries, 'ghcr.io', 'acme/app')?.credential.username, 'acme');
    assert.equal(findCredential(entries, 'ghcr.io', 'other/app'), undefined);
    assert.equal(findCredential(entries, 'r.example.com', 'a')?.credential.username, 'wild');
    assert.equal(findCredential(entries, 'a.b.example.com', 'a'), undefined);
  });

  it('a malformed Docker config is refused without quoting its text, which may hold credentials', () => {
    const secret = Buffer.from('robot:hunter2-never-print').toString('base64');
    const broken = `{"auths": {"registry.example.com": {"auth": "${secret}" oops}}}`;
    assert.throws(
      () => parseDockerConfig(broken, 'config.json'),
      (error: Error) => /^config\.json: not valid JSON \(at character \d+\)$/.test(error.message) && !error.message.includes(secret.slice(0, 8)),
    );
  });

  it('an index entry without a variant matches arm64 as v8', () => {
    const entry = { mediaType: 'x', digest: `sha256:${'a'.repeat(64)}`, size: 1, platform: { os: 'linux', architecture: 'arm64' } };
    assert.equal(selectPlatform({ kind: 'index', mediaType: 'x', manifests: [entry] }, { os: 'linux', architecture: 'arm64', variant: 'v8' }), entry);
  });
});
