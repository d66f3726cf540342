import { purlEncode, text, type Analyzer } from './types.js';

/**
 * Installed gem specifications (`specifications/<name>-<version>.gemspec`, Ruby code
 * written by RubyGems): `s.name = "x".freeze` and `s.version = "1.2.3"`, read
 * literally, never evaluated.
 */
const SPEC = /(?:^|\/)specifications\/[^/]+\.gemspec$/;

export const rubyAnalyzer: Analyzer = {
  id: 'ruby-gemspec',
  version: 1,
  kind: 'language',
  match: { pattern: SPEC, maxSize: 1 << 20 },
  parse(file) {
    const source = text(file.content);
    const name = /\.name\s*=\s*["']([^"']+)["']/.exec(source)?.[1];
    const version = /\.version\s*=\s*(?:Gem::Version\.new\()?["']([^"']+)["']/.exec(source)?.[1];
    if (!name || !version) return { problems: ['no literal name and version'] };
    const license = /\.licenses?\s*=\s*\[?\s*["']([^"']+)["']/.exec(source)?.[1];
    return {
      packages: [{ ecosystem: 'RubyGems', scheme: 'rubygems', name, version, purl: `pkg:gem/${purlEncode(name)}@${purlEncode(version)}`, path: file.path, ...(license ? { licenses: [license] } : {}) }],
    };
  },
};
