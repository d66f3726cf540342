import { ALL_ANALYZERS, compileSelector } from '../../core/images/analyzers/index.js';
import type { Analyzer } from '../../core/images/analyzers/types.js';
import { applyLayer, createMergeState, finishInventory, shadowsTracked } from '../../core/images/layers.js';
import { imageMetadata } from '../../core/images/metadata.js';
import type { ImageInventory } from '../../core/images/model.js';
import { NODE_HELPERS } from './helpers.js';
import type { OpenedImage } from './sources.js';
import { LayerError, walkLayer, type WalkLimits } from './walker.js';

export interface InventoryOptions {
  analyzers?: readonly Analyzer[];
  limits?: Partial<WalkLimits>;
  /** after each chunk of compressed bytes: layer index, bytes of this layer read, its size */
  onProgress?: (layer: number, read: number, size: number) => void;
}

/** Streams every layer of an opened image, base first, through the analyzers and the layer merge. */
export async function inventoryImage(image: OpenedImage, options: InventoryOptions = {}): Promise<ImageInventory> {
  const select = compileSelector(options.analyzers ?? ALL_ANALYZERS);
  const state = createMergeState();
  const metadata = imageMetadata({ reference: image.reference, digest: image.digest, config: image.config, layers: image.layers, ...(image.platform ? { platform: image.platform } : {}) });
  for (let index = 0; index < image.layers.length; index++) {
    const layer = image.layers[index]!;
    try {
      const stream = await image.openLayer(index);
      const scan = await walkLayer(stream, {
        select,
        shadows: (path, isDirectory) => shadowsTracked(state, path, isDirectory),
        helpers: NODE_HELPERS,
        ...(options.limits ? { limits: options.limits } : {}),
        ...(options.onProgress ? { onBytes: (read: number) => options.onProgress!(index, read, layer.descriptor.size) } : {}),
      });
      applyLayer(state, metadata.layers[index]!, scan);
    } catch (error) {
      const wrapped = error as Error & { code?: string };
      const message = `layer ${index} (${layer.descriptor.digest}): ${wrapped.message}`;
      if (error instanceof LayerError) throw new LayerError(error.code, message);
      wrapped.message = message;
      throw wrapped;
    }
  }
  return finishInventory(state, metadata);
}
