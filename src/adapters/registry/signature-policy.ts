import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SignaturePolicy } from '../../core/images/signatures.js';
import type { SignatureVerifier } from '../../core/ports/signatures.js';
import type { RegistryClient } from './client.js';
import { createSignatureVerifier } from './signatures.js';

export class SignaturePolicyError extends Error {
  override name = 'SignaturePolicyError';
}

/**
 * A verifier for a signature policy: reads its key files and trusted root (paths relative to
 * `baseDir`, the configuration's directory) and checks that each key is a public key and the
 * trusted root is JSON, naming the file on failure. Never prints a key's content.
 */
export async function loadSignatureVerifier(policy: SignaturePolicy, baseDir: string, client: RegistryClient): Promise<SignatureVerifier> {
  const keys = [];
  for (const key of policy.keys) {
    let pem = key.pem;
    if (key.file !== undefined) {
      try {
        pem = await readFile(path.resolve(baseDir, key.file), 'utf8');
      } catch (error) {
        throw new SignaturePolicyError(`key ${key.file}: ${(error as Error).message}`);
      }
    }
    if (!pem || !/-----BEGIN PUBLIC KEY-----/.test(pem)) {
      const hint = pem && /PRIVATE KEY/.test(pem) ? ' (it holds a private key: give the public key, e.g. cosign.pub)' : '';
      throw new SignaturePolicyError(`key ${key.file ?? key.name}: not a PEM public key${hint}`);
    }
    try {
      const { createPublicKey } = await import('node:crypto');
      createPublicKey(pem);
    } catch (error) {
      throw new SignaturePolicyError(`key ${key.file ?? key.name}: unreadable public key (${(error as Error).message})`);
    }
    keys.push({ name: key.name, pem });
  }
  let trustedRoot: unknown;
  if (policy.trustedRoot !== undefined) {
    const file = path.resolve(baseDir, policy.trustedRoot);
    try {
      trustedRoot = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new SignaturePolicyError(`trusted root ${policy.trustedRoot}: ${(error as Error).message}`);
    }
    const record = trustedRoot as { certificateAuthorities?: unknown; tlogs?: unknown } | null;
    if (!record || typeof record !== 'object' || !Array.isArray(record.certificateAuthorities) || !Array.isArray(record.tlogs)) {
      throw new SignaturePolicyError(`trusted root ${policy.trustedRoot}: not a Sigstore trusted_root.json (no certificateAuthorities and tlogs lists)`);
    }
  }
  try {
    return createSignatureVerifier({ client, keys, keyless: policy.keyless, ...(trustedRoot !== undefined ? { trustedRoot } : {}), requireSct: policy.requireSct });
  } catch (error) {
    throw new SignaturePolicyError(`trusted root ${policy.trustedRoot ?? ''}: ${(error as Error).message}`);
  }
}
