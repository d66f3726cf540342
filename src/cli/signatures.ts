import path from 'node:path';
import { describeProblem } from '../core/engine/config.js';
import { parseSignaturePolicy, type SignaturePolicy } from '../core/images/signatures.js';
import { locate } from '../core/model/location.js';
import type { SignatureVerifier } from '../core/ports/signatures.js';
import type { CredentialEntry } from '../adapters/registry/credentials.js';
import { UsageError } from './usage-error.js';

export interface VerifierOptions {
  insecureRegistries?: string[];
  userAgent: string;
  /** Registry credentials (a Docker config, pull secrets, --username). */
  credentials?: CredentialEntry[];
}

/**
 * The signature gate the configuration asks for (its `signatures:` section), read the same way
 * by scan, the webhook and `image verify`: problems are usage errors located in the file, key
 * files and the trusted root are read relative to it. Undefined when there is no such section.
 */
export async function signatureGate(config: unknown, source: string | undefined, cwd: string, options: VerifierOptions): Promise<{ policy: SignaturePolicy; verifier: SignatureVerifier } | undefined> {
  const { policy, problems } = parseSignaturePolicy(config);
  if (problems.length > 0) {
    const lines = problems.map((problem) => {
      const position = locate(config, problem.path).position;
      return `${source ?? 'config'}${position ? `:${position.line}:${position.column}` : ''}: ${describeProblem(problem)}`;
    });
    throw new UsageError(`invalid signatures configuration:\n  ${lines.join('\n  ')}`);
  }
  if (!policy) return undefined;
  return { policy, verifier: await verifierFor(policy, path.resolve(cwd, source ? path.dirname(source) : '.'), options) };
}

export async function verifierFor(policy: SignaturePolicy, baseDir: string, options: VerifierOptions): Promise<SignatureVerifier> {
  const { createRegistryClient } = await import('../adapters/registry/client.js');
  const { loadSignatureVerifier, SignaturePolicyError } = await import('../adapters/registry/signature-policy.js');
  const client = createRegistryClient({ insecureRegistries: [...(options.insecureRegistries ?? []), ...policy.insecureRegistries], userAgent: options.userAgent, ...(options.credentials ? { credentials: options.credentials } : {}) });
  try {
    return await loadSignatureVerifier(policy, baseDir, client);
  } catch (error) {
    if (error instanceof SignaturePolicyError) throw new UsageError(error.message);
    throw error;
  }
}
