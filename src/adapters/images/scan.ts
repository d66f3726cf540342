import type { Readable } from 'node:stream';
import { ALL_ANALYZERS, compileSelector } from '../../core/images/analyzers/index.js';
import type { Analyzer } from '../../core/images/analyzers/types.js';
import { applyLayer, createMergeState, finishInventory, type LayerScan } from '../../core/images/layers.js';
import { imageMetadata } from '../../core/images/metadata.js';
import type { ImageInventory } from '../../core/images/model.js';
import { NODE_HELPERS } from './helpers.js';
import type { OpenedImage } from './sources.js';
import { LayerError, walkLayer, type WalkLimits } from './walker.js';

export interface InventoryOptions {
  analyzers?: readonly Analyzer[];
  limits?: Partial<WalkLimits>;
  /** layers walked at once (default 2): decompression of one overlaps the analysis of another */
  concurrency?: number;
  /** after each chunk of compressed bytes: layer index, bytes of this layer read, its size */
  onProgress?: (layer: number, read: number, size: number) => void;
}

/**
 * Streams every layer of an opened image through the analyzers, a few layers at a time,
 * and merges the results base first.
 */
export async function inventoryImage(image: OpenedImage, options: InventoryOptions = {}): Promise<ImageInventory> {
  const select = compileSelector(options.analyzers ?? ALL_ANALYZERS);
  const state = createMergeState();
  const metadata = imageMetadata({ reference: image.reference, digest: image.digest, config: image.config, layers: image.layers, ...(image.platform ? { platform: image.platform } : {}) });
  const streams = new Set<Readable>();
  const walk = async (index: number): Promise<LayerScan> => {
    const layer = image.layers[index]!;
    let stream: Readable | undefined;
    try {
      stream = await image.openLayer(index);
      streams.add(stream);
      return await walkLayer(stream, {
        select,
        helpers: NODE_HELPERS,
        ...(options.limits ? { limits: options.limits } : {}),
        ...(options.onProgress ? { onBytes: (read: number) => options.onProgress!(index, read, layer.descriptor.size) } : {}),
      });
    } catch (error) {
      const wrapped = error as Error & { code?: string };
      const message = `layer ${index} (${layer.descriptor.digest}): ${wrapped.message}`;
      if (error instanceof LayerError) throw new LayerError(error.code, message);
      wrapped.message = message;
      throw wrapped;
    } finally {
      if (stream) streams.delete(stream);
    }
  };
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const pending = new Map<number, Promise<LayerScan>>();
  let next = 0;
  const start = (): void => {
    while (next < image.layers.length && pending.size < concurrency) {
      const promise = walk(next);
      promise.catch(() => undefined); // awaited in order below; avoid an unhandled rejection meanwhile
      pending.set(next, promise);
      next++;
    }
  };
  try {
    for (let index = 0; index < image.layers.length; index++) {
      start();
      const scan = await pending.get(index)!;
      pending.delete(index);
      applyLayer(state, metadata.layers[index]!, scan);
    }
  } catch (error) {
    // a failed layer stops the scan: stop downloading the layers still in flight
    for (const stream of streams) stream.destroy();
    await Promise.allSettled(pending.values());
    throw error;
  }
  return finishInventory(state, metadata);
}
