/**
 * Image signatures (Sigstore / cosign): the policy that says who may sign, the verdict a
 * verification reaches for one image, and the lookup the checks read. Pure: the registry reads
 * and the cryptography live in adapters/registry/signatures.ts; this module only holds data
 * and the rules that need no I/O (parsing the `signatures:` configuration, matching a
 * certificate identity against the policy, the simple-signing payload's claims).
 */
import type { ConfigProblem } from '../engine/config.js';
import type { Path } from '../model/location.js';
import { asRecord } from '../model/values.js';
import { imageKey } from './results.js';

/** The layer media type of cosign's classic signatures (the signed payload is the layer's blob). */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
/** Layer annotations of the classic layout. */
export const COSIGN_ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
} as const;
/** The artifact type of a Sigstore bundle attached through the referrers API (any v0.x version). */
export const SIGSTORE_BUNDLE_ARTIFACT_TYPE = /^application\/vnd\.dev\.sigstore\.bundle\.v0\.[0-9]+\+json$/;
/** The in-toto predicate type cosign's new bundle format signs for `cosign sign`. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

/** A public key trusted to sign images: PEM text (the adapter reads `file`). */
export interface TrustedKey {
  /** How verdicts name it (the file name by default). */
  name: string;
  /** Where it was read from, relative to the configuration. */
  file?: string;
  pem?: string;
}

/** A keyless (Fulcio) identity: the certificate's OIDC issuer and subject (SAN), each exact or a regular expression. */
export interface KeylessIdentity {
  issuer?: string;
  issuerRegExp?: string;
  subject?: string;
  subjectRegExp?: string;
}

/**
 * ```yaml
 * signatures:
 *   keys:                      # any one of them verifying is enough
 *     - file: keys/release.pub  # PEM public key (ECDSA P-256/P-384, Ed25519, RSA), relative to the config
 *       name: release
 *   keyless:
 *     - issuer: https://token.actions.githubusercontent.com
 *       subjectRegExp: ^https://github\.com/example/
 *   trustedRoot: trusted_root.json   # Sigstore trusted root (Fulcio CAs, Rekor and CT log keys), for keyless
 *   requireSct: true           # keyless: the certificate must carry a CT log's SCT (default true)
 *   cacheSeconds: 300          # the webhook keeps a verdict this long per digest
 *   insecureRegistries: [127.0.0.1:5000]   # read over plain HTTP (test registries)
 * ```
 */
export interface SignaturePolicy {
  keys: TrustedKey[];
  keyless: KeylessIdentity[];
  trustedRoot?: string;
  requireSct: boolean;
  cacheSeconds: number;
  /** Registries (host[:port]) read over plain HTTP. */
  insecureRegistries: string[];
}

const KNOWN = ['keys', 'keyless', 'trustedRoot', 'requireSct', 'cacheSeconds', 'insecureRegistries'];

/** Reads the `signatures` section of a configuration; undefined when there is none (no signature gate). */
export function parseSignaturePolicy(config: unknown): { policy?: SignaturePolicy; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const raw = asRecord(config)?.signatures;
  if (raw === undefined) return { problems };
  const section = asRecord(raw);
  if (!section) return { problems: [{ path: ['signatures'], message: 'must be a mapping (keys, keyless, trustedRoot)' }] };
  for (const key of Object.keys(section)) if (!KNOWN.includes(key)) problems.push({ path: ['signatures', key], message: `unknown setting "${key}" (one of ${KNOWN.join(', ')})` });
  const list = (name: string): unknown[] => {
    const value = section[name];
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    problems.push({ path: ['signatures', name], message: 'must be a list' });
    return [];
  };
  const text = (record: Record<string, unknown>, field: string, path: Path): string | undefined => {
    const value = record[field];
    if (value === undefined) return undefined;
    if (typeof value === 'string' && value.trim() !== '') return value;
    problems.push({ path: [...path, field], message: 'must be a non-empty string' });
    return undefined;
  };
  const keys: TrustedKey[] = [];
  list('keys').forEach((item, index) => {
    const path: Path = ['signatures', 'keys', index];
    const record = asRecord(item);
    if (!record) return void problems.push({ path, message: 'must be a mapping (file or pem, name)' });
    for (const key of Object.keys(record)) if (!['file', 'pem', 'name'].includes(key)) problems.push({ path: [...path, key], message: `unknown setting "${key}" (file, pem, name)` });
    const file = text(record, 'file', path);
    const pem = text(record, 'pem', path);
    if ((file === undefined) === (pem === undefined)) return void problems.push({ path, message: 'give exactly one of file (a PEM public key file) or pem (its text)' });
    if (pem !== undefined && !/-----BEGIN PUBLIC KEY-----/.test(pem)) problems.push({ path: [...path, 'pem'], message: 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)' });
    const name = text(record, 'name', path) ?? (file !== undefined ? file.split('/').pop()! : `key ${index + 1}`);
    keys.push({ name, ...(file !== undefined ? { file } : {}), ...(pem !== undefined ? { pem } : {}) });
  });
  const keyless: KeylessIdentity[] = [];
  list('keyless').forEach((item, index) => {
    const path: Path = ['signatures', 'keyless', index];
    const record = asRecord(item);
    if (!record) return void problems.push({ path, message: 'must be a mapping (issuer or issuerRegExp, subject or subjectRegExp)' });
    const fields = ['issuer', 'issuerRegExp', 'subject', 'subjectRegExp'];
    for (const key of Object.keys(record)) if (!fields.includes(key)) problems.push({ path: [...path, key], message: `unknown setting "${key}" (${fields.join(', ')})` });
    const identity: KeylessIdentity = {};
    for (const field of fields) {
      const value = text(record, field, path);
      if (value === undefined) continue;
      if (field.endsWith('RegExp')) {
        const error = regExpError(value);
        if (error) problems.push({ path: [...path, field], message: `invalid regular expression: ${error}` });
      }
      identity[field as keyof KeylessIdentity] = value;
    }
    // cosign insists on both: an identity without an issuer trusts any OIDC provider that can mint that subject.
    if ((identity.issuer === undefined) === (identity.issuerRegExp === undefined)) problems.push({ path, message: 'give exactly one of issuer or issuerRegExp' });
    if ((identity.subject === undefined) === (identity.subjectRegExp === undefined)) problems.push({ path, message: 'give exactly one of subject or subjectRegExp' });
    keyless.push(identity);
  });
  const trustedRoot = text(section, 'trustedRoot', ['signatures']);
  if (keyless.length > 0 && trustedRoot === undefined) problems.push({ path: ['signatures', 'trustedRoot'], message: 'keyless identities need a trustedRoot (a Sigstore trusted_root.json) to verify certificates offline' });
  let requireSct = true;
  if (section.requireSct !== undefined) {
    if (typeof section.requireSct === 'boolean') requireSct = section.requireSct;
    else problems.push({ path: ['signatures', 'requireSct'], message: 'must be true or false' });
  }
  let cacheSeconds = 300;
  if (section.cacheSeconds !== undefined) {
    if (typeof section.cacheSeconds === 'number' && Number.isInteger(section.cacheSeconds) && section.cacheSeconds >= 0) cacheSeconds = section.cacheSeconds;
    else problems.push({ path: ['signatures', 'cacheSeconds'], message: 'must be a whole number of seconds (0 or more)' });
  }
  const insecureRegistries: string[] = [];
  list('insecureRegistries').forEach((item, index) => {
    if (typeof item === 'string' && /^[^\s/]+$/.test(item)) insecureRegistries.push(item);
    else problems.push({ path: ['signatures', 'insecureRegistries', index], message: 'must be a registry host[:port]' });
  });
  if (keys.length === 0 && keyless.length === 0) problems.push({ path: ['signatures'], message: 'names no keys and no keyless identities: no signature could ever verify' });
  return { policy: { keys, keyless, ...(trustedRoot !== undefined ? { trustedRoot } : {}), requireSct, cacheSeconds, insecureRegistries }, problems };
}

function regExpError(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The identity a Fulcio certificate carries. */
export interface CertificateIdentity {
  issuer?: string;
  /** The subject alternative name (email, URI). */
  subject?: string;
}

/** Whether a certificate's identity is one the policy trusts: exact values, or regular expressions that must match the whole value (as cosign's). */
export function identityMatches(expected: KeylessIdentity, actual: CertificateIdentity): boolean {
  const one = (exact: string | undefined, pattern: string | undefined, value: string | undefined): boolean => {
    if (value === undefined) return false;
    if (exact !== undefined) return value === exact;
    if (pattern !== undefined) return new RegExp(`^(?:${pattern})$`).test(value);
    return false;
  };
  return one(expected.issuer, expected.issuerRegExp, actual.issuer) && one(expected.subject, expected.subjectRegExp, actual.subject);
}

export function describeIdentity(identity: KeylessIdentity): string {
  return `issuer ${identity.issuer ?? `~/${identity.issuerRegExp}/`}, subject ${identity.subject ?? `~/${identity.subjectRegExp}/`}`;
}

/**
 * What a cosign simple-signing payload claims (cosign's `payload.SimpleContainerImage`): the
 * signature covers these bytes, and they must name the image's digest, or a valid signature of
 * another image could be copied beside this one.
 */
export function simpleSigningDigest(payload: string): { digest?: string; error?: string } {
  let document: unknown;
  try {
    document = JSON.parse(payload);
  } catch (error) {
    return { error: `payload is not JSON: ${(error as Error).message}` };
  }
  const critical = asRecord(asRecord(document)?.critical);
  const type = critical?.type;
  if (typeof type !== 'string' || type.toLowerCase() !== 'cosign container image signature') return { error: `payload type ${JSON.stringify(type ?? null)} is not "cosign container image signature"` };
  const digest = asRecord(critical?.image)?.['docker-manifest-digest'];
  if (typeof digest !== 'string') return { error: 'payload names no critical.image.docker-manifest-digest' };
  return { digest };
}

/** The subject digests of an in-toto statement (a DSSE payload of cosign's new bundle format). */
export function statementDigests(payload: string): { digests: string[]; predicateType?: string; error?: string } {
  let document: unknown;
  try {
    document = JSON.parse(payload);
  } catch (error) {
    return { digests: [], error: `statement is not JSON: ${(error as Error).message}` };
  }
  const record = asRecord(document);
  const subjects = Array.isArray(record?.subject) ? record.subject : [];
  const digests: string[] = [];
  for (const subject of subjects) {
    for (const [algorithm, hex] of Object.entries(asRecord(asRecord(subject)?.digest) ?? {})) if (typeof hex === 'string') digests.push(`${algorithm}:${hex}`);
  }
  const predicateType = typeof record?.predicateType === 'string' ? record.predicateType : undefined;
  return { digests, ...(predicateType !== undefined ? { predicateType } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Verdicts

/**
 * verified: a signature of this digest verified with a trusted key or identity.
 * unsigned: no signature found in either layout.
 * invalid: signatures found, none verifies (tampered, another image's, an untrusted key or identity).
 * error: verification could not finish (registry unreachable, deadline passed): not evaluated.
 */
export type SignatureStatus = 'verified' | 'unsigned' | 'invalid' | 'error';

export interface SignatureVerdict {
  /** The reference as written in the pod spec or on the command line. */
  image: string;
  /** The manifest digest that was verified (a tag resolved through the registry). */
  digest?: string;
  status: SignatureStatus;
  /** Who signed, for verified: `key release` or `issuer ..., subject ...`. */
  signer?: string;
  /** Where the signature that decided was found. */
  layout?: 'classic' | 'bundle';
  /** Why, in a sentence (what failed for each signature found, or the error). */
  reason: string;
  /** How many signatures were found in each layout. */
  found: { classic: number; bundles: number };
}

export interface SignatureResults {
  /** The verdict for an image as written in a pod spec; undefined when it was not (yet) verified. */
  lookup(image: string): SignatureVerdict | undefined;
}

/** A lookup over verdicts by the images they were reached for (exact text, then the normalised key). */
export function signatureResultsFrom(verdicts: readonly SignatureVerdict[]): SignatureResults {
  const byImage = new Map<string, SignatureVerdict>();
  for (const verdict of verdicts) {
    byImage.set(verdict.image, verdict);
    const key = imageKey(verdict.image);
    if (key !== undefined) byImage.set(`key:${key}`, verdict);
  }
  return {
    lookup: (image) => {
      const exact = byImage.get(image);
      if (exact) return exact;
      const key = imageKey(image);
      return key === undefined ? undefined : byImage.get(`key:${key}`);
    },
  };
}
