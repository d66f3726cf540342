import { parseParagraphs, text, type Analyzer, type DetectedPackage } from './types.js';

/**
 * dpkg's database: `var/lib/dpkg/status` (a package is installed when the third word of
 * Status is `installed`) and distroless `var/lib/dpkg/status.d/<name>` files (no Status:
 * installed). `Source: name (version)` names the source package and, when it differs,
 * its version.
 */
export function parseDpkgStatus(source: string, requireStatus: boolean): DetectedPackage[] {
  const packages: DetectedPackage[] = [];
  for (const paragraph of parseParagraphs(source)) {
    const name = paragraph.get('Package');
    const version = paragraph.get('Version');
    if (!name || !version) continue;
    const status = paragraph.get('Status');
    if (status !== undefined ? status.split(/\s+/)[2] !== 'installed' : requireStatus) continue;
    const sourceField = /^(\S+)(?:\s+\((\S+)\))?/.exec(paragraph.get('Source') ?? '');
    const item: DetectedPackage = { scheme: 'dpkg', name, version, sourceName: sourceField?.[1] ?? name, sourceVersion: sourceField?.[2] ?? version, path: '' };
    const arch = paragraph.get('Architecture');
    if (arch) item.arch = arch;
    packages.push(item);
  }
  return packages;
}

export const dpkgAnalyzer: Analyzer = {
  id: 'dpkg',
  version: 1,
  kind: 'os-packages',
  match: { paths: ['var/lib/dpkg/status'], pattern: /^var\/lib\/dpkg\/status\.d\/[^/]+$/, maxSize: 64 << 20 },
  parse(file) {
    if (file.path.startsWith('var/lib/dpkg/status.d/') && /\.(md5sums|list)$/.test(file.path)) return {};
    const packages = parseDpkgStatus(text(file.content), file.path === 'var/lib/dpkg/status');
    return { packages: packages.map((item) => ({ ...item, path: file.path })) };
  },
};

/** `var/lib/dpkg/info/<package>[:arch].list`: the files each package installed. */
export const dpkgFilesAnalyzer: Analyzer = {
  id: 'dpkg-files',
  version: 1,
  kind: 'os-files',
  match: { pattern: /^var\/lib\/dpkg\/info\/[^/]+\.list$/, maxSize: 16 << 20 },
  parse(file) {
    const name = file.path.slice('var/lib/dpkg/info/'.length, -'.list'.length).replace(/:.*$/, '');
    const files = text(file.content)
      .split('\n')
      .filter((line) => line.length > 1)
      .map((line) => line.replace(/^\/+/, ''));
    return { ownedFiles: [{ package: name, files }] };
  },
};
