import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { ImageInventory, InstalledPackage } from '../../core/images/model.js';

/**
 * CycloneDX 1.5 JSON through @cyclonedx/cyclonedx-library (its models and normaliser, so
 * the output follows the spec the library ships schemas for). The image is the metadata
 * component (type container); each package a library or operating-system component
 * with its purl, and properties for the layer that introduced it.
 */

const PROPERTY = 'palisade:';

function component(item: InstalledPackage, index: number): Models.Component {
  const result = new Models.Component(Enums.ComponentType.Library, item.name, { version: item.version, bomRef: `pkg-${index}` });
  if (item.purl) result.purl = item.purl;
  for (const license of item.licenses ?? []) result.licenses.add(new Models.NamedLicense(license));
  const properties: [string, string | undefined][] = [
    ['ecosystem', item.ecosystem],
    ['path', item.path],
    ['sourceName', item.sourceName],
    ['sourceVersion', item.sourceVersion],
    ['layer:index', item.layer ? String(item.layer.index) : undefined],
    ['layer:digest', item.layer?.digest],
    ['layer:createdBy', item.layer?.createdBy],
    ['ownedByOsPackage', item.ownedByOsPackage],
    ['groupGuessed', item.groupGuessed ? 'true' : undefined],
  ];
  for (const [name, value] of properties) if (value !== undefined) result.properties.add(new Models.Property(`${PROPERTY}${name}`, value));
  return result;
}

export function cycloneDxBom(inventory: ImageInventory, tool: { version: string; now: Date }): string {
  const bom = new Models.Bom();
  bom.metadata.timestamp = tool.now;
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, 'palisade', { version: tool.version }));
  const image = new Models.Component(Enums.ComponentType.Container, inventory.image.reference.replace(/@.*$/, ''), { version: inventory.image.digest, bomRef: 'image' });
  if (inventory.os) image.properties.add(new Models.Property(`${PROPERTY}os`, `${inventory.os.id}${inventory.os.versionId ? ` ${inventory.os.versionId}` : ''}`));
  bom.metadata.component = image;
  const operatingSystem = inventory.os ? new Models.Component(Enums.ComponentType.OperatingSystem, inventory.os.id, { ...(inventory.os.versionId ? { version: inventory.os.versionId } : {}), bomRef: 'os' }) : undefined;
  if (operatingSystem) bom.components.add(operatingSystem);
  inventory.packages.forEach((item, index) => bom.components.add(component(item, index)));
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot5));
  return `${serializer.serialize(bom, { space: 2, sortLists: true })}\n`;
}
