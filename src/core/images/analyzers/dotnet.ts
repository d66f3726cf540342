import { purlEncode, text, type Analyzer, type DetectedPackage } from './types.js';

/** .NET `*.deps.json`: `libraries` keyed `Name/Version`; entries of type `package` came from NuGet. */
export const dotnetAnalyzer: Analyzer = {
  id: 'dotnet-deps',
  version: 1,
  kind: 'language',
  match: { suffixes: ['.deps.json'], maxSize: 16 << 20 },
  parse(file) {
    let document: { libraries?: Record<string, { type?: string }> };
    try {
      document = JSON.parse(text(file.content)) as typeof document;
    } catch (error) {
      return { problems: [`not JSON: ${(error as Error).message}`] };
    }
    const packages: DetectedPackage[] = [];
    for (const [key, library] of Object.entries(document.libraries ?? {})) {
      if (library?.type !== 'package') continue;
      const slash = key.lastIndexOf('/');
      if (slash <= 0) continue;
      const name = key.slice(0, slash);
      const version = key.slice(slash + 1);
      packages.push({ ecosystem: 'NuGet', scheme: 'nuget', name, version, purl: `pkg:nuget/${purlEncode(name)}@${purlEncode(version)}`, path: file.path });
    }
    return { packages };
  },
};
