import { createHash } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { crypto as sigstoreCrypto } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, type SignedEntity, type Signer, type TrustMaterial } from '@sigstore/verify';
import { parseImageReference, type ImageReference } from '../../core/images/reference.js';
import {
  COSIGN_ANNOTATIONS,
  COSIGN_SIGN_PREDICATE,
  describeIdentity,
  identityMatches,
  SIGSTORE_BUNDLE_ARTIFACT_TYPE,
  SIMPLE_SIGNING_MEDIA_TYPE,
  simpleSigningDigest,
  statementDigests,
  type KeylessIdentity,
  type SignatureVerdict,
} from '../../core/images/signatures.js';
import type { SignatureVerifier } from '../../core/ports/signatures.js';
import { RegistryError, type RegistryClient } from './client.js';

/**
 * Verifies cosign / Sigstore signatures of images in a registry, offline (no Rekor, Fulcio or
 * TUF is contacted): the classic layout (the manifest at tag `sha256-<hex>.sig`, one
 * simple-signing layer per signature with the signature, and for keyless the certificate and
 * the Rekor bundle, in its annotations) and Sigstore bundles attached through the OCI referrers
 * API (or its tag-schema fallback). The cryptography is @sigstore/verify's: the same Verifier
 * the npm CLI uses for provenance, fed a bundle we assemble from the classic annotations.
 *
 * A signature counts when it verifies AND covers this image's digest (the simple-signing
 * payload's `critical.image.docker-manifest-digest`, or the in-toto statement's subject).
 */

export interface VerificationKey {
  name: string;
  /** PEM (SPKI) public key. */
  pem: string;
}

export interface SignatureVerifierOptions {
  client: RegistryClient;
  keys?: VerificationKey[];
  keyless?: KeylessIdentity[];
  /** The parsed trusted_root.json (Sigstore's TrustedRoot, JSON form); needed for keyless. */
  trustedRoot?: unknown;
  /** Keyless: require a Certificate Transparency SCT in the certificate (default true, as cosign). */
  requireSct?: boolean;
}

/** Blobs of signatures and bundles are small; anything larger is not one. */
const SIGNATURE_BLOB_LIMIT = 1 << 20;
const EMPTY_ROOT = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };

/** One signature as found, before verification. */
interface Candidate {
  layout: 'classic' | 'bundle';
  bundle: Bundle;
  /** The signed bytes for a message signature (the classic payload); DSSE carries its own. */
  artifact?: Buffer;
  /** The payload whose claims name the digest (the simple-signing JSON, or the DSSE statement). */
  claims: { kind: 'simple-signing' | 'statement'; text: string };
  /** Where it was found, for the verdict's reason. */
  where: string;
}

export function createSignatureVerifier(options: SignatureVerifierOptions): SignatureVerifier {
  const keys = options.keys ?? [];
  const keyless = options.keyless ?? [];
  const root = TrustedRoot.fromJSON(options.trustedRoot ?? EMPTY_ROOT);
  // A key verifies with no transparency log or timestamp (cosign verify --key --insecure-ignore-tlog);
  // keyless needs a timestamp (the Rekor entry's or a TSA's) inside the certificate's validity,
  // a Rekor entry, and by default an SCT, all checked against the trusted root.
  const keyVerifiers = keys.map((key) => {
    const material: TrustMaterial = toTrustMaterial(root, () => ({ publicKey: sigstoreCrypto.createPublicKey(key.pem), validFor: () => true }));
    return { key, verifier: new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }) };
  });
  const keylessVerifier = keyless.length > 0 && options.trustedRoot !== undefined ? new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: options.requireSct === false ? 0 : 1, timestampThreshold: 1 }) : undefined;

  function judge(candidate: Candidate, digest: string): { signer?: string; failure?: string } {
    let entity: SignedEntity;
    try {
      entity = toSignedEntity(candidate.bundle, candidate.artifact);
    } catch (error) {
      return { failure: `${candidate.where}: unreadable (${(error as Error).message})` };
    }
    const failures: string[] = [];
    let signer: string | undefined;
    if (entity.key.$case === 'public-key') {
      // Without a trusted root for its log, a key signature is judged on the signature alone.
      const bare: SignedEntity = options.trustedRoot === undefined ? { ...entity, tlogEntries: [], timestamps: [] } : entity;
      for (const { key, verifier } of keyVerifiers) {
        try {
          verifier.verify(bare);
          signer = `key ${key.name}`;
          break;
        } catch (error) {
          failures.push(`key ${key.name}: ${(error as Error).message}`);
        }
      }
      if (keyVerifiers.length === 0) failures.push('signed with a key, and no key is trusted');
    } else {
      if (!keylessVerifier) failures.push('signed keyless (a certificate), and no keyless identity is trusted');
      else {
        try {
          const result: Signer = keylessVerifier.verify(entity);
          const identity = { issuer: result.identity?.extensions?.issuer, subject: result.identity?.subjectAlternativeName };
          const match = keyless.find((expected) => identityMatches(expected, identity));
          if (match) signer = `issuer ${identity.issuer}, subject ${identity.subject}`;
          else failures.push(`certificate of ${identity.subject ?? '(no subject)'} from ${identity.issuer ?? '(no issuer)'} matches no trusted identity (${keyless.map(describeIdentity).join('; ')})`);
        } catch (error) {
          failures.push(`keyless: ${(error as Error).message}`);
        }
      }
    }
    if (signer === undefined) return { failure: `${candidate.where}: ${failures.join('; ')}` };
    // The signature is good: does it speak of this image?
    if (candidate.claims.kind === 'simple-signing') {
      const claimed = simpleSigningDigest(candidate.claims.text);
      if (claimed.error) return { failure: `${candidate.where}: ${claimed.error}` };
      if (claimed.digest !== digest) return { failure: `${candidate.where}: signed by ${signer}, but for ${claimed.digest}, not this image` };
    } else {
      const statement = statementDigests(candidate.claims.text);
      if (statement.error) return { failure: `${candidate.where}: ${statement.error}` };
      if (!statement.digests.includes(digest)) return { failure: `${candidate.where}: signed by ${signer}, but its subject is ${statement.digests.join(', ') || 'nothing'}, not this image` };
      if (statement.predicateType !== COSIGN_SIGN_PREDICATE) return { failure: `${candidate.where}: an attestation (${statement.predicateType ?? 'no predicate type'}), not an image signature` };
    }
    return { signer };
  }

  async function classicCandidates(reference: ImageReference, digest: string): Promise<{ candidates: Candidate[]; problems: string[] }> {
    const tag = `${digest.replace(':', '-')}.sig`;
    let manifest;
    try {
      manifest = await options.client.getManifest(reference, tag);
    } catch (error) {
      if (error instanceof RegistryError && error.code === 'NOT_FOUND') return { candidates: [], problems: [] };
      throw error;
    }
    if (manifest.document.kind !== 'manifest') return { candidates: [], problems: [`tag ${tag} is an index, not a signature manifest`] };
    const candidates: Candidate[] = [];
    const problems: string[] = [];
    for (const [index, layer] of manifest.document.layers.entries()) {
      const where = `${tag} layer ${index}`;
      if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) continue;
      const signature = layer.annotations?.[COSIGN_ANNOTATIONS.signature];
      if (!signature) {
        problems.push(`${where}: no ${COSIGN_ANNOTATIONS.signature} annotation`);
        continue;
      }
      let payload: Buffer;
      try {
        payload = await options.client.readBlob(reference, layer, SIGNATURE_BLOB_LIMIT);
      } catch (error) {
        if (error instanceof RegistryError && (error.code === 'DIGEST_MISMATCH' || error.code === 'SIZE_MISMATCH' || error.code === 'NOT_FOUND')) {
          problems.push(`${where}: payload ${error.message}`);
          continue;
        }
        throw error;
      }
      try {
        candidates.push({ layout: 'classic', bundle: classicBundle(payload, signature, layer.annotations ?? {}), artifact: payload, claims: { kind: 'simple-signing', text: payload.toString('utf8') }, where });
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
      }
    }
    return { candidates, problems };
  }

  async function bundleCandidates(reference: ImageReference, digest: string): Promise<{ candidates: Candidate[]; problems: string[] }> {
    const referrers = await options.client.getReferrers(reference, digest);
    const candidates: Candidate[] = [];
    const problems: string[] = [];
    for (const referrer of referrers) {
      if (!referrer.artifactType || !SIGSTORE_BUNDLE_ARTIFACT_TYPE.test(referrer.artifactType)) continue;
      const where = `bundle ${referrer.digest.slice(0, 19)}`;
      try {
        const manifest = await options.client.getManifest(reference, referrer.digest);
        if (manifest.document.kind !== 'manifest' || manifest.document.layers.length === 0) throw new Error('not a manifest with a bundle layer');
        const layer = manifest.document.layers[0]!;
        const json = JSON.parse((await options.client.readBlob(reference, layer, SIGNATURE_BLOB_LIMIT)).toString('utf8')) as unknown;
        const bundle = bundleFromJSON(json);
        if (bundle.content.$case === 'dsseEnvelope') {
          candidates.push({ layout: 'bundle', bundle, claims: { kind: 'statement', text: Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8') }, where });
        } else {
          problems.push(`${where}: a message signature bundle names no payload to check the image digest against`);
        }
      } catch (error) {
        if (error instanceof RegistryError && error.code !== 'DIGEST_MISMATCH' && error.code !== 'SIZE_MISMATCH' && error.code !== 'NOT_FOUND') throw error;
        problems.push(`${where}: ${(error as Error).message}`);
      }
    }
    return { candidates, problems };
  }

  return {
    async verify(image) {
      const verdict = (fields: Omit<SignatureVerdict, 'image' | 'found'> & { found?: SignatureVerdict['found'] }): SignatureVerdict => ({ image, found: { classic: 0, bundles: 0 }, ...fields });
      const parsed = parseImageReference(image);
      if (!parsed.ok) return verdict({ status: 'error', reason: `not an image reference: ${parsed.error}` });
      const reference = parsed.reference;
      let digest: string;
      try {
        digest = reference.digest ?? (await options.client.getManifest(reference, reference.tag ?? 'latest')).digest;
      } catch (error) {
        return verdict({ status: 'error', reason: `cannot resolve ${image}: ${(error as Error).message}` });
      }
      let classic: Awaited<ReturnType<typeof classicCandidates>>;
      let bundles: Awaited<ReturnType<typeof bundleCandidates>>;
      try {
        [classic, bundles] = await Promise.all([classicCandidates(reference, digest), bundleCandidates(reference, digest)]);
      } catch (error) {
        return verdict({ digest, status: 'error', reason: `cannot read the signatures of ${image}: ${(error as Error).message}` });
      }
      const found = { classic: classic.candidates.length, bundles: bundles.candidates.length };
      const failures = [...classic.problems, ...bundles.problems];
      for (const candidate of [...classic.candidates, ...bundles.candidates]) {
        const result = judge(candidate, digest);
        if (result.signer) return verdict({ digest, status: 'verified', signer: result.signer, layout: candidate.layout, reason: `${candidate.where}: signed by ${result.signer}`, found });
        failures.push(result.failure!);
      }
      if (found.classic + found.bundles === 0 && failures.length === 0) return verdict({ digest, status: 'unsigned', reason: 'no signature: neither a .sig tag nor a Sigstore bundle referrer', found });
      return verdict({ digest, status: 'invalid', reason: failures.join('; ') || 'no signature verifies', found });
    },
  };
}

/**
 * A Sigstore bundle (JSON form) for a classic cosign signature: a message signature over the
 * simple-signing payload, with the certificate (keyless) or a key hint, and the Rekor entry of
 * the `dev.sigstore.cosign/bundle` annotation as a transparency log entry with its signed entry
 * timestamp (cosign's "Rekor bundle").
 */
export function classicBundle(payload: Buffer, signatureBase64: string, annotations: Record<string, string>): Bundle {
  const certificate = annotations[COSIGN_ANNOTATIONS.certificate];
  const chain = annotations[COSIGN_ANNOTATIONS.chain];
  const rekor = annotations[COSIGN_ANNOTATIONS.bundle];
  const der = (pemText: string): string[] =>
    [...pemText.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((match) => match[1]!.replace(/\s+/g, ''));
  const certificates = certificate ? [...der(certificate), ...(chain ? der(chain) : [])] : [];
  if (certificate && certificates.length === 0) throw new Error(`${COSIGN_ANNOTATIONS.certificate} holds no PEM certificate`);
  const tlogEntries: unknown[] = [];
  if (rekor) {
    let parsed: { SignedEntryTimestamp?: string; Payload?: { body?: string; integratedTime?: number; logIndex?: number; logID?: string } };
    try {
      parsed = JSON.parse(rekor) as typeof parsed;
    } catch (error) {
      throw new Error(`${COSIGN_ANNOTATIONS.bundle} is not JSON: ${(error as Error).message}`);
    }
    const body = parsed.Payload?.body;
    if (!parsed.SignedEntryTimestamp || !body || parsed.Payload?.integratedTime === undefined || parsed.Payload.logIndex === undefined || !parsed.Payload.logID) throw new Error(`${COSIGN_ANNOTATIONS.bundle} lacks SignedEntryTimestamp or Payload fields`);
    const kind = JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as { kind?: string; apiVersion?: string };
    tlogEntries.push({
      logIndex: String(parsed.Payload.logIndex),
      logId: { keyId: Buffer.from(parsed.Payload.logID, 'hex').toString('base64') },
      kindVersion: { kind: kind.kind ?? 'hashedrekord', version: kind.apiVersion ?? '0.0.1' },
      integratedTime: String(parsed.Payload.integratedTime),
      inclusionPromise: { signedEntryTimestamp: parsed.SignedEntryTimestamp },
      canonicalizedBody: body,
    });
  }
  return bundleFromJSON({
    mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
    verificationMaterial: {
      ...(certificates.length > 0 ? { x509CertificateChain: { certificates: certificates.map((rawBytes) => ({ rawBytes })) } } : { publicKey: { hint: '' } }),
      tlogEntries,
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(payload).digest('base64') },
      signature: signatureBase64,
    },
  });
}
