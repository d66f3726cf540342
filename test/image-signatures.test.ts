/**
 * Image signatures against the real tools: cosign (built from Go modules by provision.sh) signs
 * images in a real registry (docker-registry on loopback) with keys it generates, in both of its
 * layouts (the classic .sig tag, and v0.3 Sigstore bundles attached through the referrers API's
 * tag fallback); some signatures are then tampered with. `cosign verify` is the oracle: on every
 * image, Palisade's verdict (palisade image verify, as a user runs it) must equal cosign's.
 * Then the admission use case: with a signatures: section, the webhook denies an unsigned image
 * in an enforced namespace, admits a signed one, and fails closed when verification cannot
 * finish within the review's deadline.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from 'node:https';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startAdmissionServer } from '../src/adapters/admission/server.js';
import { createRegistryClient } from '../src/adapters/registry/client.js';
import { createSignatureCache, registerSignatureMetrics } from '../src/adapters/registry/signature-cache.js';
import { loadSignatureVerifier } from '../src/adapters/registry/signature-policy.js';
import { admit, createAdmissionController, parseAdmissionPolicy, type AdmissionReviewResponse } from '../src/app/admission.js';
import { planScan } from '../src/app/scan.js';
import { reviewImages, verifyImageSignatures } from '../src/app/signatures.js';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { parseSignaturePolicy, type SignatureVerdict } from '../src/core/images/signatures.js';
import { createIncrementalInventory } from '../src/core/inventory/inventory.js';
import { isClusterScoped } from '../src/core/kinds/scope.js';
import { refOf } from '../src/core/model/resource.js';
import type { SignatureVerifier } from '../src/core/ports/signatures.js';
import { palisadeAsync } from './support/cli.js';
import { certificateAuthority } from './support/cluster.js';
import { buildImage, buildLayer, MEDIA, pushBlob, pushImage, pushManifest } from './support/images.js';
import { repoPath } from './support/paths.js';
import { requireProgram } from './support/programs.js';
import { sha256Digest, startRegistry, type TestRegistry } from './support/registry.js';

const NOW = new Date('2026-03-01T00:00:00Z');
const PASSWORD = 'palisade-test-only';

let dir: string;
let registry: TestRegistry;
let cosignBinary: string;

/** cosign with a private HOME and TUF root (nothing cached from elsewhere, nothing fetched). */
function cosign(args: string[]): { status: number; output: string } {
  const result = spawnSync(cosignBinary, args, {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env.PATH ?? '', HOME: path.join(dir, 'home'), TUF_ROOT: path.join(dir, 'tuf'), COSIGN_PASSWORD: PASSWORD, COSIGN_YES: 'true' },
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

function sign(key: string, reference: string, layout: 'classic' | 'bundle'): void {
  // Offline: no Rekor upload, no TUF signing config; plain HTTP to the loopback registry.
  const result = cosign(['sign', '--key', key, '--tlog-upload=false', '--use-signing-config=false', `--new-bundle-format=${layout === 'bundle'}`, '--allow-http-registry', reference]);
  assert.equal(result.status, 0, `cosign sign ${reference}: ${result.output}`);
}

async function getJson(repository: string, reference: string, accept: string): Promise<Record<string, any>> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, { headers: { accept } });
  assert.equal(response.status, 200, `GET ${repository}:${reference}`);
  return (await response.json()) as Record<string, any>;
}

async function getBlob(repository: string, digest: string): Promise<Buffer> {
  const response = await fetch(`${registry.url}/v2/${repository}/blobs/${digest}`);
  assert.equal(response.status, 200, `GET blob ${digest}`);
  return Buffer.from(await response.arrayBuffer());
}

async function push(repository: string, tag: string, content: string): Promise<string> {
  const image = buildImage({ layers: [await buildLayer([{ path: 'etc/content', content }])] });
  await pushImage(registry, repository, tag, image);
  return image.manifestDigest;
}

const sigTag = (digest: string) => `${digest.replace(':', '-')}.sig`;

/** The images, what was done to each, and what Palisade must conclude (cosign must agree). */
const CASES: { name: string; reference: () => string; expected: SignatureVerdict['status']; layout?: 'classic' | 'bundle' }[] = [];

describe('image signatures: Palisade and cosign verify agree (docker-registry on loopback)', () => {
  before(async () => {
    cosignBinary = requireProgram('cosign');
    dir = mkdtempSync(path.join(tmpdir(), 'palisade-signatures-'));
    for (const sub of ['home', 'tuf', 'trusted', 'other']) mkdirSync(path.join(dir, sub));
    for (const sub of ['trusted', 'other']) {
      const result = spawnSync(cosignBinary, ['generate-key-pair'], { cwd: path.join(dir, sub), encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: path.join(dir, 'home'), COSIGN_PASSWORD: PASSWORD } });
      assert.equal(result.status, 0, `cosign generate-key-pair: ${result.stderr}`);
    }
    const trusted = 'trusted/cosign.key';
    registry = await startRegistry();
    const host = registry.host;

    const classic = await push('sig/classic', 'v1', 'classic');
    sign(trusted, `${host}/sig/classic@${classic}`, 'classic');
    CASES.push({ name: 'signed (.sig tag)', reference: () => `${host}/sig/classic:v1`, expected: 'verified', layout: 'classic' });
    CASES.push({ name: 'signed (.sig tag), by digest', reference: () => `${host}/sig/classic@${classic}`, expected: 'verified', layout: 'classic' });

    const bundle = await push('sig/bundle', 'v1', 'bundle');
    sign(trusted, `${host}/sig/bundle@${bundle}`, 'bundle');
    CASES.push({ name: 'signed (Sigstore bundle, referrers)', reference: () => `${host}/sig/bundle:v1`, expected: 'verified', layout: 'bundle' });

    await push('sig/unsigned', 'v1', 'unsigned');
    CASES.push({ name: 'unsigned', reference: () => `${host}/sig/unsigned:v1`, expected: 'unsigned' });

    const other = await push('sig/other-key', 'v1', 'other-key');
    sign('other/cosign.key', `${host}/sig/other-key@${other}`, 'classic');
    CASES.push({ name: 'signed with an untrusted key', reference: () => `${host}/sig/other-key:v1`, expected: 'invalid' });

    // Tampered: the signed payload changed after signing (the signature annotation kept).
    const tampered = await push('sig/tampered', 'v1', 'tampered');
    sign(trusted, `${host}/sig/tampered@${tampered}`, 'classic');
    const manifest = await getJson('sig/tampered', sigTag(tampered), MEDIA.ociManifest);
    const layer = manifest.layers[0];
    const payload = JSON.parse((await getBlob('sig/tampered', layer.digest)).toString('utf8'));
    payload.optional = { note: 'added after signing' };
    const changed = Buffer.from(JSON.stringify(payload));
    await pushBlob(registry, 'sig/tampered', changed);
    layer.digest = sha256Digest(changed);
    layer.size = changed.length;
    await pushManifest(registry, 'sig/tampered', sigTag(tampered), Buffer.from(JSON.stringify(manifest)), manifest.mediaType ?? MEDIA.ociManifest);
    CASES.push({ name: 'tampered payload (.sig tag)', reference: () => `${host}/sig/tampered:v1`, expected: 'invalid' });

    // Copied: a valid signature of another image of the repository, put under this image's .sig tag.
    const good = await push('sig/copied', 'good', 'good');
    const copy = await push('sig/copied', 'v1', 'copy');
    sign(trusted, `${host}/sig/copied@${good}`, 'classic');
    const goodSignature = await getJson('sig/copied', sigTag(good), MEDIA.ociManifest);
    await pushManifest(registry, 'sig/copied', sigTag(copy), Buffer.from(JSON.stringify(goodSignature)), goodSignature.mediaType ?? MEDIA.ociManifest);
    CASES.push({ name: "another image's signature copied", reference: () => `${host}/sig/copied:v1`, expected: 'invalid' });

    // A bundle whose DSSE signature was altered (re-attached through the referrers tag fallback).
    const broken = await push('sig/bundle-tampered', 'v1', 'bundle-tampered');
    sign(trusted, `${host}/sig/bundle-tampered@${broken}`, 'bundle');
    const fallbackTag = broken.replace(':', '-');
    const index = await getJson('sig/bundle-tampered', fallbackTag, MEDIA.ociIndex);
    const entry = index.manifests[0];
    const bundleManifest = await getJson('sig/bundle-tampered', entry.digest, MEDIA.ociManifest);
    const bundleJson = JSON.parse((await getBlob('sig/bundle-tampered', bundleManifest.layers[0].digest)).toString('utf8'));
    const signature = Buffer.from(bundleJson.dsseEnvelope.signatures[0].sig, 'base64');
    signature[signature.length - 1]! ^= 0x01;
    bundleJson.dsseEnvelope.signatures[0].sig = signature.toString('base64');
    const bundleBytes = Buffer.from(JSON.stringify(bundleJson));
    await pushBlob(registry, 'sig/bundle-tampered', bundleBytes);
    bundleManifest.layers[0].digest = sha256Digest(bundleBytes);
    bundleManifest.layers[0].size = bundleBytes.length;
    const manifestBytes = Buffer.from(JSON.stringify(bundleManifest));
    const manifestDigest = await pushManifest(registry, 'sig/bundle-tampered', sha256Digest(manifestBytes), manifestBytes, MEDIA.ociManifest);
    index.manifests = [{ ...entry, digest: manifestDigest, size: manifestBytes.length }];
    await pushManifest(registry, 'sig/bundle-tampered', fallbackTag, Buffer.from(JSON.stringify(index)), MEDIA.ociIndex);
    CASES.push({ name: 'tampered bundle signature (referrers)', reference: () => `${host}/sig/bundle-tampered:v1`, expected: 'invalid' });

    // The tag moved: the signed digest is no longer what the tag names.
    const before = await push('sig/moved', 'v1', 'moved-signed');
    sign(trusted, `${host}/sig/moved@${before}`, 'classic');
    await push('sig/moved', 'v1', 'moved-replaced');
    CASES.push({ name: 'tag moved to an unsigned image', reference: () => `${host}/sig/moved:v1`, expected: 'unsigned' });
  });

  after(async () => {
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every verdict of palisade image verify equals cosign verify --key (table below)', async () => {
    const references = CASES.map((item) => item.reference());
    const run = await palisadeAsync(['image', 'verify', '--key', path.join(dir, 'trusted/cosign.pub'), '--insecure-registry', registry.host, '-o', 'json', ...references]);
    assert.equal(run.code, 1, `some images are not verified: exit 1\n${run.stderr}`);
    const verdicts = (JSON.parse(run.stdout) as { verdicts: SignatureVerdict[] }).verdicts;
    const rows: string[] = [];
    const disagreements: string[] = [];
    for (const [index, item] of CASES.entries()) {
      const verdict = verdicts[index]!;
      assert.equal(verdict.image, references[index]);
      const oracle = cosign(['verify', '--key', 'trusted/cosign.pub', '--insecure-ignore-tlog=true', '--allow-http-registry', references[index]!]);
      const cosignVerified = oracle.status === 0;
      const palisadeVerified = verdict.status === 'verified';
      rows.push(`${item.name.padEnd(40)} cosign ${cosignVerified ? 'verified' : 'rejected'}  palisade ${verdict.status.padEnd(8)} ${verdict.status === 'verified' ? `${verdict.signer} (${verdict.layout})` : verdict.reason.slice(0, 90)}`);
      if (cosignVerified !== palisadeVerified) disagreements.push(`${item.name}: cosign ${cosignVerified ? 'verified' : `rejected (${oracle.output.trim().split('\n').pop()})`}, palisade ${verdict.status} (${verdict.reason})`);
      assert.equal(verdict.status, item.expected, `${item.name}: ${verdict.reason}`);
      if (item.layout) assert.equal(verdict.layout, item.layout, item.name);
    }
    console.log(`\n${rows.join('\n')}\n`);
    assert.deepEqual(disagreements, []);
  });

  it('exit 0 when every image verifies; a table names the signer and the layout', async () => {
    const run = await palisadeAsync(['image', 'verify', '--key', path.join(dir, 'trusted/cosign.pub'), '--insecure-registry', registry.host, `${registry.host}/sig/classic:v1`, `${registry.host}/sig/bundle:v1`]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /sig\/classic:v1\s+sha256:\w+\s+verified\s+key cosign\.pub \(\.sig tag\)/);
    assert.match(run.stdout, /sig\/bundle:v1\s+sha256:\w+\s+verified\s+key cosign\.pub \(Sigstore bundle\)/);
    assert.match(run.stdout, /2 of 2 images verified/);
  });

  it('usage errors exit 2: no signer, a private key given as --key, keyless without a trusted root', async () => {
    const image = `${registry.host}/sig/classic:v1`;
    const none = await palisadeAsync(['image', 'verify', '--config', path.join(dir, 'missing.yaml'), image]);
    assert.equal(none.code, 2);
    const privateKey = await palisadeAsync(['image', 'verify', '--key', path.join(dir, 'trusted/cosign.key'), image]);
    assert.equal(privateKey.code, 2);
    assert.match(privateKey.stderr, /not a PEM public key/);
    assert.doesNotMatch(privateKey.stderr + privateKey.stdout, /ENCRYPTED|BEGIN/, 'never prints key material');
    const keyless = await palisadeAsync(['image', 'verify', '--certificate-identity', 'me@example.com', '--certificate-oidc-issuer', 'https://accounts.example.com', image]);
    assert.equal(keyless.code, 2);
    assert.match(keyless.stderr, /--trusted-root/);
  });

  it('palisade scan with a signatures: section reports the unsigned and tampered images, not the signed ones', async () => {
    const manifest = (name: string, image: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: ${image}\n`;
    writeFileSync(
      path.join(dir, 'pods.yaml'),
      [manifest('signed', `${registry.host}/sig/classic:v1`), manifest('bundle', `${registry.host}/sig/bundle:v1`), manifest('unsigned', `${registry.host}/sig/unsigned:v1`), manifest('tampered', `${registry.host}/sig/tampered:v1`)].join('---\n'),
    );
    writeFileSync(path.join(dir, 'palisade.yaml'), `signatures:\n  keys:\n    - file: trusted/cosign.pub\n  insecureRegistries: ["${registry.host}"]\n`);
    const run = await palisadeAsync(['scan', '--config', path.join(dir, 'palisade.yaml'), '--check', 'image-signature-unverified', '-o', 'json', path.join(dir, 'pods.yaml')]);
    assert.equal(run.code, 1, run.stderr);
    const findings = (JSON.parse(run.stdout) as { findings: { checkId: string; object: { name: string }; message: string }[] }).findings;
    assert.deepEqual(findings.map((finding) => `${finding.checkId} ${finding.object.name}`).sort(), ['image-signature-unverified tampered', 'image-signature-unverified unsigned']);
    // Without the section the check does not run: nothing to verify against.
    const none = await palisadeAsync(['scan', '--check', 'image-signature-unverified', '-o', 'json', path.join(dir, 'pods.yaml')]);
    assert.equal(none.code, 0, none.stderr);
  });

  it('a registry with token auth: signatures are read with the credentials of a Docker config (never printed)', async () => {
    const secured = await startRegistry({ tokenRealm: { users: { ci: 'ci-password-1234' } } });
    try {
      // cosign refuses a token realm on a loopback address (go-containerregistry's guard), so the
      // image and the bundle cosign attached to it in the open registry are copied, byte for byte.
      const copy = async (reference: string, accept: string): Promise<{ digest: string; document: Record<string, any> }> => {
        const response = await fetch(`${registry.url}/v2/sig/bundle/manifests/${reference}`, { headers: { accept } });
        assert.equal(response.status, 200, `GET sig/bundle:${reference}`);
        const bytes = Buffer.from(await response.arrayBuffer());
        const document = JSON.parse(bytes.toString('utf8')) as Record<string, any>;
        for (const descriptor of [document.config, ...(document.layers ?? [])].filter(Boolean)) await pushBlob(secured, 'private/app', await getBlob('sig/bundle', descriptor.digest));
        await pushManifest(secured, 'private/app', reference, bytes, document.mediaType);
        return { digest: sha256Digest(bytes), document };
      };
      const { digest } = await copy('v1', MEDIA.ociManifest);
      const referrers = await getJson('sig/bundle', digest.replace(':', '-'), MEDIA.ociIndex);
      for (const entry of referrers.manifests) await copy(entry.digest, MEDIA.ociManifest);
      await copy(digest.replace(':', '-'), MEDIA.ociIndex);
      const docker = path.join(dir, 'docker');
      mkdirSync(docker, { recursive: true });
      writeFileSync(path.join(docker, 'config.json'), JSON.stringify({ auths: { [secured.host]: { auth: Buffer.from('ci:ci-password-1234').toString('base64') } } }));
      const args = ['image', 'verify', '--key', path.join(dir, 'trusted/cosign.pub'), '--insecure-registry', secured.host, `${secured.host}/private/app:v1`];
      const env = { HOME: path.join(dir, 'nobody'), DOCKER_CONFIG: path.join(dir, 'nobody') };
      const anonymous = await palisadeAsync(args, { env });
      assert.equal(anonymous.code, 1);
      assert.match(anonymous.stdout, /NOT EVALUATED\s+cannot resolve .*unauthorized/);
      const authorized = await palisadeAsync([...args, '--docker-config', path.join(docker, 'config.json')], { env });
      assert.equal(authorized.code, 0, authorized.stdout + authorized.stderr);
      assert.match(authorized.stdout, /verified\s+key cosign\.pub \(Sigstore bundle\)/);
      assert.doesNotMatch(anonymous.stdout + anonymous.stderr + authorized.stdout + authorized.stderr, /ci-password-1234|Y2k6Y2ktcGFzc3dvcmQ/);
    } finally {
      await secured.stop();
    }
  });

  it('the cache keeps a verdict for its TTL and an error verdict briefly, then verifies again', async () => {
    const { policy } = parseSignaturePolicy({ signatures: { keys: [{ file: 'trusted/cosign.pub' }] } });
    const verifier = await loadSignatureVerifier(policy!, dir, createRegistryClient({ insecureRegistries: [registry.host, '127.0.0.1:1'], retries: 0 }));
    let clock = 0;
    const cache = createSignatureCache(verifier, { ttlMs: 60_000, errorTtlMs: 5_000, now: () => clock });
    const signed = `${registry.host}/sig/classic:v1`;
    const unreachable = '127.0.0.1:1/nothing/here:v1';
    await cache.prepare([signed, unreachable, signed], 10_000);
    assert.equal(cache.stats.verified, 2, 'each image once');
    assert.equal(cache.results.lookup(signed)?.status, 'verified');
    assert.equal(cache.results.lookup(unreachable)?.status, 'error');
    clock += 6_000;
    assert.equal(cache.results.lookup(unreachable), undefined, 'an error verdict expires after errorTtlMs');
    assert.equal(cache.results.lookup(signed)?.status, 'verified');
    await cache.prepare([signed, unreachable], 10_000);
    assert.equal(cache.stats.verified, 3, 'only the expired error is verified again');
    clock += 60_000;
    await cache.prepare([signed], 10_000);
    assert.equal(cache.stats.verified, 4, 'a verdict is verified again after its TTL');
  });

  describe('at admission (the use case, with the verdict cache)', () => {
    const config = () => ({ admission: { mode: 'enforce' }, signatures: { keys: [{ file: 'trusted/cosign.pub' }], cacheSeconds: 60 } });

    function review(image: string, uid: string): Record<string, any> {
      const body = JSON.parse(readFileSync(repoPath('test/fixtures/admission/deployment-create-compliant.json'), 'utf8')) as Record<string, any>;
      body.request.uid = uid;
      for (const container of body.request.object.spec.template.spec.containers) container.image = image;
      return body;
    }

    async function setup(wrap: (verifier: SignatureVerifier) => SignatureVerifier = (verifier) => verifier) {
      const { policy, problems } = parseSignaturePolicy(config());
      assert.deepEqual(problems, []);
      const verifier = await loadSignatureVerifier(policy!, dir, createRegistryClient({ insecureRegistries: [registry.host] }));
      const admission = parseAdmissionPolicy(config(), new Set(ALL_CHECKS.map((check) => check.id)));
      assert.deepEqual(admission.problems, []);
      const controller = createAdmissionController(planScan({ config: config(), now: NOW }), admission.policy);
      const inventory = createIncrementalInventory([]);
      const cache = createSignatureCache(wrap(verifier), { ttlMs: 60_000 });
      inventory.setSignatures(cache.results);
      // What the server's prepare hook does before each review.
      const judge = async (body: unknown, budgetMs = 5000) => {
        await cache.prepare(reviewImages(body, inventory), budgetMs);
        return admit(body, inventory, controller, NOW);
      };
      return { judge, cache, controller, inventory };
    }

    const responseOf = (answer: { body: unknown }) => (answer.body as AdmissionReviewResponse).response;

    it('denies an unsigned image and a tampered one, admits a signed one; verdicts are cached per image', async () => {
      const { judge, cache } = await setup();
      const unsigned = responseOf(await judge(review(`${registry.host}/sig/unsigned:v1`, 'unsigned')));
      assert.equal(unsigned.allowed, false);
      assert.match(unsigned.status!.message, /image-signature-unverified \(high\).*has no signature/);
      const tampered = responseOf(await judge(review(`${registry.host}/sig/tampered:v1`, 'tampered')));
      assert.equal(tampered.allowed, false);
      assert.match(tampered.status!.message, /image-signature-unverified.*do not verify/);
      const signed = await judge(review(`${registry.host}/sig/classic:v1`, 'signed'));
      assert.equal(responseOf(signed).allowed, true, JSON.stringify(responseOf(signed)));
      assert.ok(!signed.decision.checks.some((check) => check.checkId === 'image-signature-unverified'));
      const verifiedBefore = cache.stats.verified;
      assert.equal(responseOf(await judge(review(`${registry.host}/sig/classic:v1`, 'signed-again'))).allowed, true);
      assert.equal(cache.stats.verified, verifiedBefore, 'the second review of the image reads the cache, not the registry');
    });

    it('an UPDATE that leaves an unsigned image as it was (a scale) is not denied, only warned; changing to it is denied', async () => {
      const { judge } = await setup();
      const scale = review(`${registry.host}/sig/unsigned:v1`, 'scale');
      scale.request.operation = 'UPDATE';
      scale.request.oldObject = structuredClone(scale.request.object);
      scale.request.object.spec.replicas = 5;
      const scaled = responseOf(await judge(scale));
      assert.equal(scaled.allowed, true, JSON.stringify(scaled));
      assert.ok(scaled.warnings?.some((warning) => /image-signature-unverified .*not changed by this update/.test(warning)), JSON.stringify(scaled.warnings));
      const change = review(`${registry.host}/sig/unsigned:v1`, 'change');
      change.request.operation = 'UPDATE';
      change.request.oldObject = review(`${registry.host}/sig/classic:v1`, 'old').request.object;
      assert.equal(responseOf(await judge(change)).allowed, false);
    });

    it('CONNECT (exec) into a pod is judged on the pod in the inventory: its images are verified too', async () => {
      const { judge, inventory } = await setup();
      const exec = JSON.parse(readFileSync(repoPath('test/fixtures/admission/pod-exec.json'), 'utf8')) as Record<string, any>;
      const pod = (image: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: exec.request.name, namespace: exec.request.namespace }, spec: { containers: [{ name: 'app', image }] } });
      const put = (image: string) => inventory.upsert({ ref: refOf(pod(image), isClusterScoped), object: pod(image), origin: { source: { kind: 'cluster', context: 'test' }, document: 0 } });
      put(`${registry.host}/sig/unsigned:v1`);
      assert.deepEqual(reviewImages(exec, inventory), [`${registry.host}/sig/unsigned:v1`]);
      const denied = await judge(exec);
      assert.equal(responseOf(denied).allowed, false);
      assert.ok(denied.decision.checks.some((check) => check.checkId === 'image-signature-unverified' && check.outcome === 'deny'), JSON.stringify(denied.decision.checks));
      put(`${registry.host}/sig/classic:v1`);
      const allowed = await judge(exec);
      assert.ok(!allowed.decision.checks.some((check) => check.checkId === 'image-signature-unverified'), JSON.stringify(allowed.decision.checks));
    });

    it('fails closed: a verification that cannot finish within the budget is not evaluated and denied; the retry finds it cached', async () => {
      const slow = (verifier: SignatureVerifier): SignatureVerifier => ({
        verify: async (image) => {
          await new Promise((resolve) => setTimeout(resolve, 400));
          return verifier.verify(image);
        },
      });
      const { judge } = await setup(slow);
      const body = review(`${registry.host}/sig/bundle:v1`, 'slow');
      const late = responseOf(await judge(body, 50));
      assert.equal(late.allowed, false);
      assert.match(late.status!.message, /could not be verified \(not evaluated\): no verdict reached in time/);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(responseOf(await judge(body, 50)).allowed, true);
    });

    it('through the HTTPS server: its prepareSignatures hook verifies within the deadline; the deadline answer denies when the registry is slower', async () => {
      const slowMs = { value: 0 };
      const { cache, controller, inventory } = await setup((verifier) => ({
        verify: async (image) => {
          await new Promise((resolve) => setTimeout(resolve, slowMs.value));
          return verifier.verify(image);
        },
      }));
      const authority = await certificateAuthority();
      const serving = await authority.issue('CN=palisade-webhook', 'server', [{ type: 'ip', value: '127.0.0.1' }]);
      writeFileSync(path.join(dir, 'tls.crt'), serving.cert);
      writeFileSync(path.join(dir, 'tls.key'), serving.key, { mode: 0o600 });
      const server = await startAdmissionServer({
        controller,
        inventory,
        ready: () => true,
        certFile: path.join(dir, 'tls.crt'),
        keyFile: path.join(dir, 'tls.key'),
        port: 0,
        host: '127.0.0.1',
        now: () => NOW,
        deadlineMs: 1000,
        logger: pino({}, new Writable({ write: (_chunk, _encoding, done) => done() })),
        prepareSignatures: (body, budgetMs) => cache.prepare(reviewImages(body, inventory), budgetMs),
      });
      registerSignatureMetrics(server.registry, cache);
      const post = (body: unknown) =>
        new Promise<AdmissionReviewResponse>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: server.port, path: '/validate', method: 'POST', ca: authority.pem, headers: { 'content-type': 'application/json' } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as AdmissionReviewResponse));
          });
          req.on('error', reject);
          req.end(JSON.stringify(body));
        });
      try {
        assert.equal((await post(review(`${registry.host}/sig/bundle:v1`, 'server-signed'))).response.allowed, true);
        const unsigned = (await post(review(`${registry.host}/sig/unsigned:v1`, 'server-unsigned'))).response;
        assert.equal(unsigned.allowed, false);
        assert.match(unsigned.status!.message, /image-signature-unverified/);
        // A registry slower than the deadline: the review is answered in time, denied as not evaluated.
        slowMs.value = 3000;
        const started = Date.now();
        const late = (await post(review(`${registry.host}/sig/classic:v1`, 'server-late'))).response;
        assert.ok(Date.now() - started < 2000, `answered within the deadline (${Date.now() - started} ms)`);
        assert.equal(late.allowed, false);
        assert.match(late.status!.message, /not evaluated/);
        const metrics = await server.registry.metrics();
        assert.match(metrics, /palisade_admission_signature_verdicts\{status="verified"\} 1\b/);
        assert.match(metrics, /palisade_admission_signature_verdicts\{status="unsigned"\} 1\b/);
        assert.match(metrics, /palisade_admission_signature_verifications 3\b/);
      } finally {
        await server.close();
      }
    });

    it('scan and admission reach the same verdict on the same images', async () => {
      const { policy } = parseSignaturePolicy(config());
      const verifier = await loadSignatureVerifier(policy!, dir, createRegistryClient({ insecureRegistries: [registry.host] }));
      const { judge } = await setup();
      for (const item of CASES) {
        const reference = item.reference();
        const report = await verifyImageSignatures([reference], verifier);
        const answer = responseOf(await judge(review(reference, `same-${item.name}`)));
        assert.equal(answer.allowed, report.allVerified, `${item.name}: scan says ${report.verdicts[0]!.status}, admission ${answer.allowed ? 'allowed' : 'denied'}`);
      }
    });
  });
});
