import { text, type Analyzer, type DetectedPackage } from './types.js';

/**
 * apk's installed database: blank-line separated records of `X:value` lines. P name,
 * V version, A arch, o origin (the source package), L license; F a directory and the R
 * lines after it the files in it.
 */
export const apkAnalyzer: Analyzer = {
  id: 'apk',
  version: 1,
  kind: 'os-packages',
  match: { paths: ['lib/apk/db/installed', 'usr/lib/apk/db/installed'], maxSize: 64 << 20 },
  parse(file) {
    const packages: DetectedPackage[] = [];
    const ownedFiles: { package: string; files: string[] }[] = [];
    for (const record of text(file.content).split(/\n\s*\n/)) {
      const fields: Record<string, string> = {};
      const files: string[] = [];
      let directory = '';
      for (const line of record.split('\n')) {
        if (line.length < 2 || line[1] !== ':') continue;
        const key = line[0]!;
        const value = line.slice(2);
        if (key === 'F') directory = value;
        else if (key === 'R') files.push(directory ? `${directory}/${value}` : value);
        else if (!(key in fields)) fields[key] = value;
      }
      const name = fields.P;
      const version = fields.V;
      if (!name || !version) continue;
      const item: DetectedPackage = { scheme: 'apk', name, version, sourceName: fields.o || name, sourceVersion: version, path: file.path };
      if (fields.A) item.arch = fields.A;
      if (fields.L) item.licenses = [fields.L];
      packages.push(item);
      if (files.length > 0) ownedFiles.push({ package: name, files });
    }
    return { packages, ownedFiles };
  },
};
