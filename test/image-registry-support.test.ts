import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { goTestBinary } from './support/image-content.js';
import { buildImage, buildLayer, pushImage } from './support/images.js';
import { sha256Digest, startRegistry, type TestRegistry } from './support/registry.js';

describe('test registry and image builder', () => {
  let registry: TestRegistry;
  before(async () => {
    registry = await startRegistry();
  });
  after(async () => registry?.stop());

  it('pushes an image that the registry serves back byte for byte', async () => {
    const layer = await buildLayer([{ path: 'etc/hello', content: 'hi\n' }], { compression: 'zstd' });
    const image = buildImage({ layers: [layer] });
    const digest = await pushImage(registry, 'support/hello', 'v1', image);
    const response = await fetch(`${registry.url}/v2/support/hello/manifests/v1`, { headers: { accept: image.manifestMediaType } });
    const body = Buffer.from(await response.arrayBuffer());
    assert.equal(response.headers.get('docker-content-digest'), digest);
    assert.equal(sha256Digest(body), digest);
    const blob = Buffer.from(await (await fetch(`${registry.url}/v2/support/hello/blobs/${layer.digest}`)).arrayBuffer());
    assert.deepEqual(blob, layer.blob);
  });

  it('token mode: anonymous pulls are refused, the realm issues tokens the registry accepts', async () => {
    const secured = await startRegistry({ tokenRealm: { users: { alice: 's3cret' } } });
    try {
      const image = buildImage({ layers: [await buildLayer([{ path: 'a', content: 'a' }])] });
      await pushImage(secured, 'private/app', 'v1', image);
      const anonymous = await fetch(`${secured.url}/v2/private/app/manifests/v1`);
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token"/);
    } finally {
      await secured.stop();
    }
  });

  it('builds a Go binary with the vulnerable module version', () => {
    const go = goTestBinary();
    assert.ok(go.binary.includes(Buffer.from('\xff Go buildinf:', 'latin1')));
    assert.ok(go.binary.includes(Buffer.from(`${go.dependency.path}\t${go.dependency.version}`)));
  });
});
