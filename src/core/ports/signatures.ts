import type { SignatureVerdict } from '../images/signatures.js';

/**
 * The port of signature verification: an image reference in, a verdict out. The registry
 * adapter (adapters/registry/signatures.ts) reads cosign's classic `.sig` tag and Sigstore
 * bundles attached through the referrers API, and verifies them with @sigstore/verify; the
 * use cases and the webhook see only verdicts. A verifier never throws for a verification
 * that fails: an unreachable registry is a verdict with status `error`.
 */
export interface SignatureVerifier {
  verify(image: string, options?: { signal?: AbortSignal }): Promise<SignatureVerdict>;
}
