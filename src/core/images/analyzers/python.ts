import { parseParagraphs, purlEncode, text, type Analyzer } from './types.js';

/** PEP 503 normalised name: lower case, runs of `-_.` as one `-`. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Core metadata (`*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, or an `.egg-info` file): the header block. */
export const pythonAnalyzer: Analyzer = {
  id: 'python',
  version: 1,
  kind: 'language',
  match: { suffixes: ['.dist-info/METADATA', '.egg-info/PKG-INFO', '.egg-info'], maxSize: 4 << 20 },
  parse(file) {
    const header = text(file.content).split(/\r?\n\r?\n/, 1)[0] ?? '';
    const fields = parseParagraphs(header)[0];
    const name = fields?.get('Name');
    const version = fields?.get('Version');
    if (!name || !version) return { problems: ['no Name or Version in the metadata'] };
    const license = fields?.get('License-Expression') ?? fields?.get('License');
    return {
      packages: [
        {
          ecosystem: 'PyPI',
          scheme: 'pep440',
          name,
          version,
          purl: `pkg:pypi/${purlEncode(normalizePythonName(name))}@${purlEncode(version)}`,
          path: file.path,
          ...(license && license !== 'UNKNOWN' && !license.includes('\n') ? { licenses: [license] } : {}),
        },
      ],
    };
  },
};
