import { apkAnalyzer } from './apk.js';
import { composerAnalyzer } from './composer.js';
import { dotnetAnalyzer } from './dotnet.js';
import { dpkgAnalyzer, dpkgFilesAnalyzer } from './dpkg.js';
import { goBinaryAnalyzer } from './go-binary.js';
import { javaAnalyzer } from './java.js';
import { npmAnalyzer } from './npm.js';
import { osReleaseAnalyzer } from './os-release.js';
import { pythonAnalyzer } from './python.js';
import { rpmAnalyzer } from './rpm.js';
import { rpmBerkeleyAnalyzer } from './rpm-bdb.js';
import { rubyAnalyzer } from './ruby.js';
import { rustAuditAnalyzer } from './rust-audit.js';
import type { Analyzer, FileMatch } from './types.js';

/** Every analyzer, sorted by id. */
export const ALL_ANALYZERS: readonly Analyzer[] = [
  apkAnalyzer,
  dotnetAnalyzer,
  dpkgAnalyzer,
  dpkgFilesAnalyzer,
  goBinaryAnalyzer,
  javaAnalyzer,
  npmAnalyzer,
  osReleaseAnalyzer,
  composerAnalyzer,
  pythonAnalyzer,
  rpmBerkeleyAnalyzer,
  rpmAnalyzer,
  rubyAnalyzer,
  rustAuditAnalyzer,
];

/** What the layer walker needs from a header alone: the analyzers that want the file. */
export interface Selection {
  analyzers: Analyzer[];
  maxSize: number;
  magic?: readonly number[];
}

function selects(match: FileMatch, path: string, basename: string, executable: boolean): boolean {
  if (match.paths?.includes(path)) return true;
  if (match.basenames?.includes(basename) && (!match.pattern || match.pattern.test(path))) return true;
  if (match.suffixes?.some((suffix) => path.endsWith(suffix))) return true;
  if (match.executable && executable) return true;
  return !match.basenames && match.pattern !== undefined && match.pattern.test(path);
}

/**
 * A selector over regular-file headers: which analyzers want `path` (relative, no leading
 * slash) given its mode. One pass over the analyzers; strings compared, no content read.
 */
export function compileSelector(analyzers: readonly Analyzer[]): (path: string, mode: number) => Selection | undefined {
  return (path, mode) => {
    const basename = path.slice(path.lastIndexOf('/') + 1);
    const executable = (mode & 0o111) !== 0;
    let selection: Selection | undefined;
    for (const analyzer of analyzers) {
      if (!selects(analyzer.match, path, basename, executable)) continue;
      if (!selection) selection = { analyzers: [analyzer], maxSize: analyzer.match.maxSize, ...(analyzer.match.magic ? { magic: analyzer.match.magic } : {}) };
      else {
        selection.analyzers.push(analyzer);
        selection.maxSize = Math.max(selection.maxSize, analyzer.match.maxSize);
        // a file wanted both by a magic-gated and an ungated analyzer is read whatever its magic
        if (!analyzer.match.magic) delete selection.magic;
      }
    }
    return selection;
  };
}

/**
 * The analyzer set and versions, as part of a stored scan's key (after Trivy's CalcKey): a
 * scan made by other analyzers, or other versions of them, is not reused. `id@version`, sorted.
 */
export function analyzerSetKey(analyzers: readonly Analyzer[]): string {
  return analyzers
    .map((analyzer) => `${analyzer.id}@${analyzer.version}`)
    .sort()
    .join(',');
}
