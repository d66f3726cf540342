import type { ContainerView, Workload } from './pod-spec.js';
import type { Path } from '../model/location.js';
import { parseImageReference, type ImageReference, type ParseResult } from '../images/reference.js';
import { memoizeByString } from '../model/memo.js';

export interface ContainerImage {
  container: ContainerView;
  /** the image field as written */
  image: string;
  reference: ImageReference;
  /** path of the container's image field */
  path: Path;
}

/** Parsed once per distinct image string (replicas and updates repeat them); frozen, as it is shared. */
const parsedImage = memoizeByString((image): ParseResult => {
  const parsed = parseImageReference(image);
  if (parsed.ok) Object.freeze(parsed.reference);
  return Object.freeze(parsed);
});

const computed = new WeakMap<Workload, readonly ContainerImage[]>();

/**
 * Every container (init and ephemeral included) with a parseable image.
 * Containers without an image, or with a reference the runtime would reject
 * (InvalidImageName), are skipped: there is nothing to judge. Computed once per workload
 * view (a dozen image checks ask for it on every object), so the answer is read-only.
 */
export function containerImages(workload: Workload | undefined): readonly ContainerImage[] {
  if (!workload) return [];
  let out = computed.get(workload);
  if (!out) computed.set(workload, (out = imagesOf(workload)));
  return out;
}

function imagesOf(workload: Workload): ContainerImage[] {
  const out: ContainerImage[] = [];
  for (const container of workload.containers) {
    const image = container.container.image;
    if (typeof image !== 'string') continue;
    const parsed = parsedImage(image);
    if (!parsed.ok) continue;
    out.push({ container, image, reference: parsed.reference, path: [...container.path, 'image'] });
  }
  return out;
}
