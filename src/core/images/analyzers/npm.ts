import { purlEncode, text, type Analyzer } from './types.js';

/** `package.json` of a package installed under node_modules (`node_modules/name/` or `node_modules/@scope/name/`). */
const INSTALLED = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/;

export function npmPurl(name: string, version: string): string {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  return slash === -1 ? `pkg:npm/${purlEncode(name)}@${purlEncode(version)}` : `pkg:npm/${purlEncode(name.slice(0, slash))}/${purlEncode(name.slice(slash + 1))}@${purlEncode(version)}`;
}

function licenses(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') return [(value as { type: string }).type];
  return undefined;
}

export const npmAnalyzer: Analyzer = {
  id: 'npm',
  version: 1,
  kind: 'language',
  match: { basenames: ['package.json'], pattern: INSTALLED, maxSize: 1 << 20 },
  parse(file) {
    if (!INSTALLED.test(file.path)) return {};
    let document: { name?: unknown; version?: unknown; license?: unknown; licenses?: unknown };
    try {
      document = JSON.parse(text(file.content)) as typeof document;
    } catch (error) {
      return { problems: [`not JSON: ${(error as Error).message}`] };
    }
    if (typeof document.name !== 'string' || typeof document.version !== 'string') return {};
    const license = licenses(document.license) ?? (Array.isArray(document.licenses) ? document.licenses.flatMap((item) => licenses(item) ?? []) : undefined);
    return {
      packages: [{ ecosystem: 'npm', scheme: 'npm', name: document.name, version: document.version, purl: npmPurl(document.name, document.version), path: file.path, ...(license?.length ? { licenses: license } : {}) }],
    };
  },
};
