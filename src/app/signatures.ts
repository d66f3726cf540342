/**
 * The image signature use case, written once for `palisade image verify`, `palisade scan` and
 * the admission webhook: which images to verify (the containers of the objects), verifying each
 * once through the SignatureVerifier port, and the verdict of the whole. The registry reads and
 * the cryptography are the adapter's; the checks read the verdicts through the inventory.
 */
import { extractWorkload } from '../core/kinds/pod-spec.js';
import { containerImages } from '../core/kinds/images.js';
import { signatureResultsFrom, type SignatureResults, type SignatureVerdict } from '../core/images/signatures.js';
import type { KubeObject } from '../core/model/resource.js';
import { asRecord, asString } from '../core/model/values.js';
import type { Inventory } from '../core/inventory/inventory.js';
import type { SignatureVerifier } from '../core/ports/signatures.js';

/** The images of these objects' containers (init and ephemeral included), each once, in order. */
export function imagesOf(objects: readonly KubeObject[]): string[] {
  const images = new Set<string>();
  for (const object of objects) for (const { image } of containerImages(extractWorkload(object))) images.add(image);
  return [...images];
}

/**
 * The images an AdmissionReview makes the webhook judge: those of its object, or for CONNECT
 * (exec, attach, port-forward) those of the target pod in the inventory, and for UPDATE those of
 * the old object as well. None for a body that is
 * no review or an object without containers.
 */
export function reviewImages(body: unknown, inventory: Pick<Inventory, 'find'>): string[] {
  const request = asRecord(asRecord(body)?.request);
  if (request?.operation === 'CONNECT') {
    const namespace = asString(request.namespace);
    const name = asString(request.name);
    const pod = name !== undefined ? inventory.find('Pod', namespace, name) : undefined;
    return pod ? imagesOf([pod.object]) : [];
  }
  // An UPDATE is judged against the old object too (what changed): its images get the same verdicts.
  const objects = [asRecord(request?.object), asRecord(request?.oldObject)].filter((object): object is Record<string, unknown> => object !== undefined);
  return imagesOf(objects as KubeObject[]);
}

export interface SignatureReport {
  verdicts: SignatureVerdict[];
  results: SignatureResults;
  /** Every image verified. */
  allVerified: boolean;
  /** Some verification could not finish (registry unreachable): not a verdict on the image. */
  errors: number;
}

/** Verifies every image (a few at a time), in the order given. */
export async function verifyImageSignatures(images: readonly string[], verifier: SignatureVerifier, concurrency = 4): Promise<SignatureReport> {
  const unique = [...new Set(images)];
  const verdicts: SignatureVerdict[] = new Array(unique.length);
  let next = 0;
  const worker = async () => {
    while (next < unique.length) {
      const index = next++;
      verdicts[index] = await verifier.verify(unique[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, unique.length) }, worker));
  return {
    verdicts,
    results: signatureResultsFrom(verdicts),
    allVerified: verdicts.every((verdict) => verdict.status === 'verified'),
    errors: verdicts.filter((verdict) => verdict.status === 'error').length,
  };
}
