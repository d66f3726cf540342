/**
 * Keyless (Fulcio-style) signatures, verified offline against a trusted root. There is no Fulcio
 * or Rekor here, so the test plays both with keys of its own: a CA issues a short-lived code
 * signing certificate carrying an OIDC issuer (Fulcio's extension 1.3.6.1.4.1.57264.1.1) and a
 * subject (the SAN), and a "Rekor" key signs the entry's signed entry timestamp. The trusted
 * root (trusted_root.json, as Sigstore's TUF repository serves it) names that CA and that log
 * key. Signatures are attached to images in a real registry in both of cosign's layouts: the
 * classic one (certificate, chain and Rekor bundle annotations on the .sig tag) and v0.3 Sigstore
 * bundles through the referrers tag fallback; cosign verify, given the same trusted root, is the
 * oracle on every case.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, generateKeyPairSync, sign, webcrypto, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { json as sigstoreJson } from '@sigstore/core';
import { createRegistryClient } from '../src/adapters/registry/client.js';
import { createSignatureVerifier } from '../src/adapters/registry/signatures.js';
import { COSIGN_ANNOTATIONS, identityMatches, parseSignaturePolicy, SIMPLE_SIGNING_MEDIA_TYPE, type KeylessIdentity } from '../src/core/images/signatures.js';
import { palisadeAsync } from './support/cli.js';
import { buildImage, buildLayer, MEDIA, pushBlob, pushImage, pushManifest } from './support/images.js';
import { requireProgram } from './support/programs.js';
import { sha256Digest, startRegistry, type TestRegistry } from './support/registry.js';

x509.cryptoProvider.set(webcrypto as never);

const ISSUER = 'https://token.example.com';
const SUBJECT = 'https://ci.example.com/release@refs/heads/main';
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

interface Authority {
  caPem: string;
  caDer: Buffer;
  issue(subject: string, issuer: string): Promise<{ certPem: string; key: KeyObject }>;
}

async function authority(name: string): Promise<Authority> {
  const keys = await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${name}, O=palisade-test`,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 24 * 3600_000),
    keys,
    signingAlgorithm: ECDSA,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true), await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)],
  });
  return {
    caPem: ca.toString('pem'),
    caDer: Buffer.from(ca.rawData),
    async issue(subject, issuer) {
      const pair = await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: createHash('sha256').update(subject + Math.random()).digest('hex').slice(0, 16),
        subject: '',
        issuer: ca.subject,
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + 600_000),
        signingAlgorithm: ECDSA,
        publicKey: pair.publicKey,
        signingKey: keys.privateKey,
        extensions: [
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.3']),
          new x509.SubjectAlternativeNameExtension([{ type: 'url', value: subject }], true),
          await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey),
          // Fulcio's v1 issuer extension: the issuer URL as raw bytes.
          new x509.Extension('1.3.6.1.4.1.57264.1.1', false, Buffer.from(issuer, 'ascii')),
        ],
      });
      const key = createPrivateKey({ key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', pair.privateKey)), format: 'der', type: 'pkcs8' });
      return { certPem: cert.toString('pem'), key };
    },
  };
}

function logKey() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { privateKey, spki, logId: createHash('sha256').update(spki).digest() };
}

function trustedRoot(ca: Authority, log: ReturnType<typeof logKey>): object {
  const start = new Date(Date.now() - 3600_000).toISOString();
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{ baseUrl: 'https://rekor.invalid', hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: log.spki.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } }, logId: { keyId: log.logId.toString('base64') } }],
    certificateAuthorities: [{ subject: { organization: 'palisade-test', commonName: 'test' }, uri: 'https://fulcio.invalid', certChain: { certificates: [{ rawBytes: ca.caDer.toString('base64') }] }, validFor: { start } }],
    ctlogs: [],
    timestampAuthorities: [],
  };
}

let registry: TestRegistry;
let dir: string;
let ca: Authority;
let log: ReturnType<typeof logKey>;
const images: Record<string, string> = {};

/** Signs `digest` keylessly and attaches it in cosign's classic layout under the image's .sig tag. */
async function attach(repository: string, digest: string, options: { subject?: string; issuer?: string; ca?: Authority; log?: ReturnType<typeof logKey>; payloadDigest?: string } = {}): Promise<void> {
  const issued = await (options.ca ?? ca).issue(options.subject ?? SUBJECT, options.issuer ?? ISSUER);
  const payload = Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': `${registry.host}/${repository}` }, image: { 'docker-manifest-digest': options.payloadDigest ?? digest }, type: 'cosign container image signature' }, optional: null }));
  const signature = sign('sha256', payload, issued.key).toString('base64');
  const body = Buffer.from(
    sigstoreJson.canonicalize({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: { data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') } }, signature: { content: signature, publicKey: { content: Buffer.from(issued.certPem).toString('base64') } } },
    }),
  ).toString('base64');
  const entryLog = options.log ?? log;
  const integratedTime = Math.floor(Date.now() / 1000);
  const set = sign('sha256', Buffer.from(sigstoreJson.canonicalize({ body, integratedTime, logIndex: 7, logID: log.logId.toString('hex') })), entryLog.privateKey).toString('base64');
  const rekorBundle = JSON.stringify({ SignedEntryTimestamp: set, Payload: { body, integratedTime, logIndex: 7, logID: log.logId.toString('hex') } });
  const config = Buffer.from('{}');
  await pushBlob(registry, repository, config);
  await pushBlob(registry, repository, payload);
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    config: { mediaType: MEDIA.ociConfig, size: config.length, digest: sha256Digest(config) },
    layers: [
      {
        mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
        size: payload.length,
        digest: sha256Digest(payload),
        annotations: { [COSIGN_ANNOTATIONS.signature]: signature, [COSIGN_ANNOTATIONS.certificate]: issued.certPem, [COSIGN_ANNOTATIONS.chain]: (options.ca ?? ca).caPem, [COSIGN_ANNOTATIONS.bundle]: rekorBundle },
      },
    ],
  };
  await pushManifest(registry, repository, `${digest.replace(':', '-')}.sig`, Buffer.from(JSON.stringify(manifest)), MEDIA.ociManifest);
}

/**
 * Signs `digest` keylessly in cosign's new bundle format (a v0.3 Sigstore bundle: DSSE envelope of
 * an in-toto statement, the certificate, a Rekor `dsse` entry with its signed entry timestamp and an
 * inclusion proof in a one-entry tree with a signed checkpoint) and attaches it through the
 * referrers API's tag fallback, as cosign v3 does on a registry without the API.
 */
async function attachBundle(repository: string, digest: string, options: { subject?: string; log?: ReturnType<typeof logKey> } = {}): Promise<void> {
  const issued = await ca.issue(options.subject ?? SUBJECT, ISSUER);
  const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ digest: { sha256: digest.slice('sha256:'.length) } }], predicateType: 'https://sigstore.dev/cosign/sign/v1', predicate: {} }));
  const payloadType = 'application/vnd.in-toto+json';
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${statement.length} `), statement]);
  const signature = sign('sha256', pae, issued.key);
  const envelope = { payload: statement.toString('base64'), payloadType, signatures: [{ sig: signature.toString('base64'), keyid: '' }] };
  const body = Buffer.from(
    sigstoreJson.canonicalize({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: createHash('sha256').update(JSON.stringify(envelope)).digest('hex') },
        payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(statement).digest('hex') },
        signatures: [{ signature: signature.toString('base64'), verifier: Buffer.from(issued.certPem).toString('base64') }],
      },
    }),
  );
  const entryLog = options.log ?? log;
  const integratedTime = Math.floor(Date.now() / 1000);
  const set = sign('sha256', Buffer.from(sigstoreJson.canonicalize({ body: body.toString('base64'), integratedTime, logIndex: 0, logID: log.logId.toString('hex') })), entryLog.privateKey);
  // A tree of one leaf: its root is the leaf's hash (RFC 6962), the checkpoint a signed note.
  const root = createHash('sha256').update(Buffer.concat([Buffer.from([0]), body])).digest();
  const note = `rekor.invalid - 1\n1\n${root.toString('base64')}\n`;
  const noteSignature = Buffer.concat([log.logId.subarray(0, 4), sign('sha256', Buffer.from(note), entryLog.privateKey)]);
  const bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: { rawBytes: Buffer.from(new x509.X509Certificate(issued.certPem).rawData).toString('base64') },
      tlogEntries: [
        {
          logIndex: '0',
          logId: { keyId: log.logId.toString('base64') },
          kindVersion: { kind: 'dsse', version: '0.0.1' },
          integratedTime: String(integratedTime),
          inclusionPromise: { signedEntryTimestamp: set.toString('base64') },
          inclusionProof: { logIndex: '0', rootHash: root.toString('base64'), treeSize: '1', hashes: [], checkpoint: { envelope: `${note}\n\u2014 rekor.invalid ${noteSignature.toString('base64')}\n` } },
          canonicalizedBody: body.toString('base64'),
        },
      ],
    },
    dsseEnvelope: envelope,
  };
  const bundleBytes = Buffer.from(JSON.stringify(bundle));
  const empty = Buffer.from('{}');
  await pushBlob(registry, repository, empty);
  await pushBlob(registry, repository, bundleBytes);
  const imageManifest = await fetch(`${registry.url}/v2/${repository}/manifests/${digest}`, { headers: { accept: MEDIA.ociManifest } });
  const imageBytes = Buffer.from(await imageManifest.arrayBuffer());
  const artifactType = 'application/vnd.dev.sigstore.bundle.v0.3+json';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      artifactType,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', size: empty.length, digest: sha256Digest(empty) },
      layers: [{ mediaType: artifactType, size: bundleBytes.length, digest: sha256Digest(bundleBytes) }],
      subject: { mediaType: MEDIA.ociManifest, size: imageBytes.length, digest },
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1' },
    }),
  );
  const manifestDigest = await pushManifest(registry, repository, sha256Digest(manifest), manifest, MEDIA.ociManifest);
  const index = { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: [{ mediaType: MEDIA.ociManifest, size: manifest.length, digest: manifestDigest, artifactType }] };
  await pushManifest(registry, repository, digest.replace(':', '-'), Buffer.from(JSON.stringify(index)), MEDIA.ociIndex);
}

async function image(repository: string): Promise<string> {
  const built = buildImage({ layers: [await buildLayer([{ path: 'etc/name', content: repository }])] });
  await pushImage(registry, repository, 'v1', built);
  images[repository] = built.manifestDigest;
  return built.manifestDigest;
}

describe('keyless signatures against a trusted root (a test CA and log key; docker-registry on loopback)', () => {
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'palisade-keyless-'));
    registry = await startRegistry();
    ca = await authority('palisade test fulcio');
    log = logKey();
    writeFileSync(path.join(dir, 'trusted_root.json'), JSON.stringify(trustedRoot(ca, log)));
    await attach('keyless/good', await image('keyless/good'));
    await attach('keyless/other-subject', await image('keyless/other-subject'), { subject: 'https://ci.example.com/fork@refs/heads/main' });
    await attach('keyless/other-issuer', await image('keyless/other-issuer'), { issuer: 'https://evil.example.com' });
    await attach('keyless/other-ca', await image('keyless/other-ca'), { ca: await authority('someone else') });
    await attach('keyless/other-log', await image('keyless/other-log'), { log: logKey() });
    const digest = await image('keyless/copied');
    await attach('keyless/copied', digest, { payloadDigest: images['keyless/good']! });
    await attachBundle('keyless/bundle', await image('keyless/bundle'));
    await attachBundle('keyless/bundle-other-subject', await image('keyless/bundle-other-subject'), { subject: 'https://ci.example.com/fork@refs/heads/main' });
    await attachBundle('keyless/bundle-other-log', await image('keyless/bundle-other-log'), { log: logKey() });
  });

  after(async () => {
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const verifier = (identities: KeylessIdentity[], requireSct = false) =>
    createSignatureVerifier({ client: createRegistryClient({ insecureRegistries: [registry.host] }), keyless: identities, trustedRoot: trustedRoot(ca, log), requireSct });

  it('a certificate from the trusted CA, logged by the trusted log, with the configured issuer and subject, verifies', async () => {
    const verdict = await verifier([{ issuer: ISSUER, subject: SUBJECT }]).verify(`${registry.host}/keyless/good:v1`);
    assert.equal(verdict.status, 'verified', verdict.reason);
    assert.equal(verdict.signer, `issuer ${ISSUER}, subject ${SUBJECT}`);
    const pattern = await verifier([{ issuer: ISSUER, subjectRegExp: 'https://ci\\.example\\.com/.*@refs/heads/main' }]).verify(`${registry.host}/keyless/good:v1`);
    assert.equal(pattern.status, 'verified', pattern.reason);
  });

  it('rejects another subject, another issuer, an untrusted CA, an untrusted log, another image\'s payload, and a missing SCT when required', async () => {
    const policy = verifier([{ issuer: ISSUER, subject: SUBJECT }]);
    const cases: [string, RegExp][] = [
      ['keyless/other-subject', /matches no trusted identity/],
      ['keyless/other-issuer', /from https:\/\/evil\.example\.com matches no trusted identity/],
      ['keyless/other-ca', /certificate/i],
      ['keyless/other-log', /inclusion promise could not be verified/],
      ['keyless/copied', /but for sha256:\w+, not this image/],
    ];
    for (const [repository, reason] of cases) {
      const verdict = await policy.verify(`${registry.host}/${repository}:v1`);
      assert.equal(verdict.status, 'invalid', `${repository}: ${verdict.reason}`);
      assert.match(verdict.reason, reason, repository);
    }
    const strict = await verifier([{ issuer: ISSUER, subject: SUBJECT }], true).verify(`${registry.host}/keyless/good:v1`);
    assert.equal(strict.status, 'invalid');
    assert.match(strict.reason, /SCT/);
  });

  it('a regular expression must match the whole value (as cosign anchors it)', () => {
    assert.equal(identityMatches({ issuer: ISSUER, subjectRegExp: 'example' }, { issuer: ISSUER, subject: SUBJECT }), false);
    assert.equal(identityMatches({ issuer: ISSUER, subjectRegExp: '.*example.*' }, { issuer: ISSUER, subject: SUBJECT }), true);
    assert.equal(identityMatches({ issuerRegExp: 'https://token\\.example\\.com', subject: SUBJECT }, { issuer: `${ISSUER}.evil`, subject: SUBJECT }), false);
    assert.equal(identityMatches({ issuer: ISSUER, subject: SUBJECT }, { subject: SUBJECT }), false, 'no issuer in the certificate: no match');
  });

  it('the configuration is checked: an identity needs an issuer and a subject, keyless needs a trusted root, regular expressions must compile', () => {
    const { problems } = parseSignaturePolicy({ signatures: { keyless: [{ subject: SUBJECT }, { issuer: ISSUER, subjectRegExp: '(' }] } });
    const messages = problems.map((problem) => `${problem.path.join('.')}: ${problem.message}`);
    assert.ok(messages.includes('signatures.keyless.0: give exactly one of issuer or issuerRegExp'), messages.join('\n'));
    assert.ok(messages.some((message) => message.startsWith('signatures.keyless.1.subjectRegExp: invalid regular expression')), messages.join('\n'));
    assert.ok(messages.includes('signatures.trustedRoot: keyless identities need a trustedRoot (a Sigstore trusted_root.json) to verify certificates offline'), messages.join('\n'));
    const keys = parseSignaturePolicy({ signatures: { keys: [{ file: 'a.pub', pem: '-----BEGIN PUBLIC KEY-----' }, { pem: 'not a key' }, 'a.pub'], cacheSeconds: -1, color: 'red' } });
    assert.deepEqual(
      keys.problems.map((problem) => `${problem.path.join('.')}: ${problem.message}`),
      [
        'signatures.color: unknown setting "color" (one of keys, keyless, trustedRoot, requireSct, cacheSeconds, insecureRegistries)',
        'signatures.keys.0: give exactly one of file (a PEM public key file) or pem (its text)',
        'signatures.keys.1.pem: must be a PEM public key (-----BEGIN PUBLIC KEY-----)',
        'signatures.keys.2: must be a mapping (file or pem, name)',
        'signatures.cacheSeconds: must be a whole number of seconds (0 or more)',
      ],
    );
    assert.equal(parseSignaturePolicy({}).policy, undefined, 'no section: no signature gate');
  });

  it('palisade image verify with --certificate-identity, --certificate-oidc-issuer and --trusted-root; cosign verify agrees on every image', async () => {
    const references = ['keyless/good', 'keyless/other-subject', 'keyless/other-issuer', 'keyless/other-ca', 'keyless/other-log', 'keyless/copied', 'keyless/bundle', 'keyless/bundle-other-subject', 'keyless/bundle-other-log'].map((repository) => `${registry.host}/${repository}:v1`);
    const run = await palisadeAsync(['image', 'verify', '--certificate-identity', SUBJECT, '--certificate-oidc-issuer', ISSUER, '--trusted-root', path.join(dir, 'trusted_root.json'), '--insecure-ignore-sct', '--insecure-registry', registry.host, '-o', 'json', ...references]);
    assert.equal(run.code, 1, run.stderr);
    const statuses = (JSON.parse(run.stdout) as { verdicts: { status: string }[] }).verdicts.map((verdict) => verdict.status);
    assert.deepEqual(statuses, ['verified', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'verified', 'invalid', 'invalid']);
    const cosign = requireProgram('cosign');
    const rows: string[] = [];
    const disagreements: string[] = [];
    for (const [index, reference] of references.entries()) {
      const result = spawnSync(cosign, ['verify', '--certificate-identity', SUBJECT, '--certificate-oidc-issuer', ISSUER, '--trusted-root', path.join(dir, 'trusted_root.json'), '--insecure-ignore-sct', '--allow-http-registry', reference], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { PATH: process.env.PATH ?? '', HOME: dir, TUF_ROOT: path.join(dir, 'tuf') },
      });
      const cosignVerified = result.status === 0;
      rows.push(`${reference.split('/').slice(1).join('/').padEnd(24)} cosign ${cosignVerified ? 'verified' : 'rejected'}  palisade ${statuses[index]}${cosignVerified ? '' : `  (cosign: ${`${result.stderr}`.trim().split('\n').pop()})`}`);
      if (cosignVerified !== (statuses[index] === 'verified')) disagreements.push(reference);
    }
    console.log(`\n${rows.join('\n')}\n`);
    assert.deepEqual(disagreements, []);
  });
});
