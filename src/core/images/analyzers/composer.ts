import { purlEncode, text, type Analyzer, type DetectedPackage } from './types.js';

/** Composer's `vendor/composer/installed.json`: an array (Composer 1) or `{packages: [...]}` (Composer 2). */
export const composerAnalyzer: Analyzer = {
  id: 'php-composer',
  version: 1,
  kind: 'language',
  match: { suffixes: ['vendor/composer/installed.json'], maxSize: 32 << 20 },
  parse(file) {
    let document: unknown;
    try {
      document = JSON.parse(text(file.content));
    } catch (error) {
      return { problems: [`not JSON: ${(error as Error).message}`] };
    }
    const list = (Array.isArray(document) ? document : ((document as { packages?: unknown[] })?.packages ?? [])) as { name?: string; version?: string; license?: string[] }[];
    const packages: DetectedPackage[] = [];
    for (const item of list) {
      if (typeof item?.name !== 'string' || typeof item.version !== 'string') continue;
      const [vendor, name] = item.name.split('/');
      const purl = name ? `pkg:composer/${purlEncode(vendor!)}/${purlEncode(name)}@${purlEncode(item.version)}` : `pkg:composer/${purlEncode(item.name)}@${purlEncode(item.version)}`;
      packages.push({ ecosystem: 'Packagist', scheme: 'composer', name: item.name, version: item.version, purl, path: file.path, ...(Array.isArray(item.license) && item.license.length ? { licenses: item.license } : {}) });
    }
    return { packages };
  },
};
