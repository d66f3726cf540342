import type { ImageMetadata, LayerRef } from './model.js';
import { meaningfulDate, type Descriptor, type ImageConfig, type Platform } from './oci.js';

/**
 * Layer references with their history: history entries marked `empty_layer` (ENV, CMD...)
 * have no layer; the others pair with the layers in order.
 */
export function layerRefs(layers: { descriptor: Descriptor; diffId?: string }[], config: ImageConfig): LayerRef[] {
  const history = (config.history ?? []).filter((entry) => !entry.empty_layer);
  return layers.map((layer, index) => {
    const ref: LayerRef = { index, digest: layer.descriptor.digest };
    if (layer.diffId) ref.diffId = layer.diffId;
    const createdBy = history[index]?.created_by;
    if (createdBy) ref.createdBy = createdBy;
    return ref;
  });
}

/**
 * Build date: config `created`, else the newest history date, else the
 * org.opencontainers.image.created label. Epoch-zero dates (reproducible builds) are unknown.
 */
export function buildDate(config: ImageConfig): string | undefined {
  const fromHistory = (config.history ?? [])
    .map((entry) => meaningfulDate(entry.created))
    .filter((value): value is string => value !== undefined)
    .sort((a, b) => Date.parse(a) - Date.parse(b))
    .at(-1);
  return meaningfulDate(config.created) ?? fromHistory ?? meaningfulDate(config.config?.Labels?.['org.opencontainers.image.created']);
}

export function imageMetadata(input: { reference: string; digest: string; config: ImageConfig; layers: { descriptor: Descriptor; diffId?: string }[]; platform?: Platform }): ImageMetadata {
  const { config } = input;
  const metadata: ImageMetadata = { reference: input.reference, digest: input.digest, layers: layerRefs(input.layers, config) };
  const platform = input.platform ?? (config.os && config.architecture ? { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) } : undefined);
  if (platform) metadata.platform = platform;
  const created = buildDate(config);
  if (created) metadata.created = created;
  if (config.config?.User) metadata.user = config.config.User;
  const ports = Object.keys(config.config?.ExposedPorts ?? {}).sort();
  if (ports.length > 0) metadata.exposedPorts = ports;
  if (config.config?.Labels && Object.keys(config.config.Labels).length > 0) metadata.labels = config.config.Labels;
  return metadata;
}
