import { createHash } from 'node:crypto';
import type { ImageInventory, InstalledPackage } from '../../core/images/model.js';

/**
 * SPDX 2.3 JSON: the image is the described package (purpose CONTAINER), every installed
 * package CONTAINed by it, identified by its purl (externalRefs PACKAGE-MANAGER). Licenses
 * as analyzers read them are not always SPDX expressions, so they go to licenseComments
 * and licenseDeclared stays NOASSERTION.
 */

function spdxId(prefix: string, index: number): string {
  return `SPDXRef-${prefix}-${index}`;
}

function packageEntry(item: InstalledPackage, index: number): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    SPDXID: spdxId('Package', index),
    name: item.name,
    versionInfo: item.version,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    primaryPackagePurpose: item.scheme === 'go' && item.name !== 'stdlib' ? 'LIBRARY' : item.scheme === 'dpkg' || item.scheme === 'apk' || item.scheme === 'rpm' ? 'INSTALL' : 'LIBRARY',
    sourceInfo: `${item.ecosystem} package recorded at /${item.path}${item.layer ? `, introduced by layer ${item.layer.index} (${item.layer.digest})` : ''}`,
  };
  if (item.purl) entry.externalRefs = [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: item.purl }];
  if (item.licenses?.length) entry.licenseComments = `declared: ${item.licenses.join(', ')}`;
  return entry;
}

/** `now` must be UTC; SPDX dates have no fractional seconds. */
export function spdxDocument(inventory: ImageInventory, tool: { version: string; now: Date }): string {
  const created = tool.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const name = inventory.image.reference.replace(/@.*$/, '');
  const namespaceHash = createHash('sha256').update(`${inventory.image.digest}\n${created}`).digest('hex').slice(0, 32);
  const image: Record<string, unknown> = {
    SPDXID: 'SPDXRef-Image',
    name,
    versionInfo: inventory.image.digest,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    primaryPackagePurpose: 'CONTAINER',
    checksums: inventory.image.digest.startsWith('sha256:') ? [{ algorithm: 'SHA256', checksumValue: inventory.image.digest.slice(7) }] : [],
  };
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://palisade.dev/spdx/image/${encodeURIComponent(name)}-${namespaceHash}`,
    creationInfo: { created, creators: [`Tool: palisade-${tool.version}`] },
    packages: [image, ...inventory.packages.map(packageEntry)],
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' },
      ...inventory.packages.map((_, index) => ({ spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: spdxId('Package', index) })),
    ],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
