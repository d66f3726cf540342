import { text, type Analyzer } from './types.js';

/** os-release(5): KEY=value lines, values optionally quoted with shell escapes. */
export function parseOsRelease(source: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of source.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!.trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) value = value.slice(1, -1).replace(/\\(["'`$\\])/g, '$1');
    fields[match[1]!] = value;
  }
  return fields;
}

export const osReleaseAnalyzer: Analyzer = {
  id: 'os-release',
  version: 1,
  kind: 'os-release',
  // etc/os-release is usually a symlink to ../usr/lib/os-release: both are read, etc wins.
  match: { paths: ['etc/os-release', 'usr/lib/os-release'], maxSize: 64 << 10 },
  parse(file) {
    const fields = parseOsRelease(text(file.content));
    if (!fields.ID) return { problems: ['no ID field'] };
    return { os: { id: fields.ID, ...(fields.VERSION_ID ? { versionId: fields.VERSION_ID } : {}), ...(fields.PRETTY_NAME ? { prettyName: fields.PRETTY_NAME } : {}) } };
  },
};
