import { elfSection, ELF_MAGIC } from './elf.js';
import { purlEncode, text, type Analyzer, type DetectedPackage } from './types.js';

/**
 * cargo-auditable: the dependency tree as zlib-compressed JSON in the ELF section
 * `.dep-v0`: `{"packages": [{"name", "version", "source": "crates.io"|"local"|..., "kind", "root"}]}`.
 */
export const rustAuditAnalyzer: Analyzer = {
  id: 'rust-cargo-auditable',
  version: 1,
  kind: 'language',
  match: { executable: true, magic: ELF_MAGIC, maxSize: 128 << 20 },
  parse(file, helpers) {
    const section = elfSection(file.content, '.dep-v0');
    if (!section) return {};
    let document: { packages?: { name?: string; version?: string; source?: string; kind?: string; root?: boolean }[] };
    try {
      document = JSON.parse(text(helpers.inflate(section))) as typeof document;
    } catch (error) {
      return { problems: [`.dep-v0: ${(error as Error).message}`] };
    }
    const packages: DetectedPackage[] = [];
    for (const item of document.packages ?? []) {
      if (!item.name || !item.version || item.root || item.kind === 'build') continue;
      packages.push({ ecosystem: 'crates.io', scheme: 'cargo', name: item.name, version: item.version, purl: `pkg:cargo/${purlEncode(item.name)}@${purlEncode(item.version)}`, path: file.path });
    }
    return { packages };
  },
};
