import { parseParagraphs, purlEncode, text, type Analyzer, type AnalyzerHelpers, type DetectedPackage } from './types.js';

/**
 * Java archives: each `META-INF/maven/<group>/<artifact>/pom.properties` names one
 * artifact; an archive without any falls back to META-INF/MANIFEST.MF
 * (Implementation-* or Bundle-* headers). Nested archives (Spring Boot BOOT-INF/lib,
 * WEB-INF/lib, shaded jars) are read recursively, to a bounded depth and size.
 */
const ARCHIVE = /\.(?:jar|war|ear|par|sar|jpi|hpi|kar)$/i;
const MAX_DEPTH = 3;
const MAX_NESTED_SIZE = 64 << 20;

function parseProperties(source: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of source.split(/\r?\n/)) {
    if (/^\s*[#!]/.test(line)) continue;
    const match = /^\s*([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (match) result[match[1]!] = match[2]!.trim();
  }
  return result;
}

function mavenPackage(group: string, artifact: string, version: string, path: string): DetectedPackage {
  return { ecosystem: 'Maven', scheme: 'maven', name: `${group}:${artifact}`, version, purl: `pkg:maven/${purlEncode(group)}/${purlEncode(artifact)}@${purlEncode(version)}`, path };
}

/** MANIFEST.MF main section (lines wrap at 72 bytes with a leading space). */
export function manifestPackage(source: string, path: string): DetectedPackage | undefined {
  const fields = parseParagraphs(source.replace(/\r\n/g, '\n').replace(/\n /g, ''))[0];
  if (!fields) return undefined;
  const version = fields.get('Implementation-Version') ?? fields.get('Bundle-Version') ?? fields.get('Specification-Version');
  const symbolic = fields.get('Bundle-SymbolicName')?.split(';')[0]?.trim();
  const title = fields.get('Implementation-Title') ?? fields.get('Bundle-Name') ?? symbolic;
  if (!version || !title) return undefined;
  const vendorId = fields.get('Implementation-Vendor-Id');
  let group = vendorId ?? '';
  let artifact = title;
  if (!group && symbolic?.includes('.')) {
    group = symbolic.slice(0, symbolic.lastIndexOf('.'));
    artifact = symbolic.slice(symbolic.lastIndexOf('.') + 1);
  }
  return group ? mavenPackage(group, artifact, version, path) : { ecosystem: 'Maven', scheme: 'maven', name: artifact, version, path };
}

async function readArchive(data: Uint8Array, path: string, helpers: AnalyzerHelpers, depth: number, packages: DetectedPackage[], problems: string[]): Promise<void> {
  let entries;
  try {
    entries = await helpers.unzip(data);
  } catch (error) {
    problems.push(`${path}: not a readable zip archive: ${(error as Error).message}`);
    return;
  }
  let found = false;
  let manifest: DetectedPackage | undefined;
  for (const entry of entries) {
    if (/^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(entry.name) && entry.size < 1 << 20) {
      const properties = parseProperties(text(await entry.read()));
      if (properties.groupId && properties.artifactId && properties.version) {
        packages.push(mavenPackage(properties.groupId, properties.artifactId, properties.version, path));
        found = true;
      }
    } else if (entry.name === 'META-INF/MANIFEST.MF' && entry.size < 1 << 20) {
      manifest = manifestPackage(text(await entry.read()), path);
    } else if (ARCHIVE.test(entry.name)) {
      if (depth >= MAX_DEPTH) problems.push(`${path}!/${entry.name}: nested deeper than ${MAX_DEPTH} archives, not read`);
      else if (entry.size > MAX_NESTED_SIZE) problems.push(`${path}!/${entry.name}: nested archive over ${MAX_NESTED_SIZE} bytes, not read`);
      else await readArchive(await entry.read(), `${path}!/${entry.name}`, helpers, depth + 1, packages, problems);
    }
  }
  if (!found && manifest) packages.push(manifest);
}

export const javaAnalyzer: Analyzer = {
  id: 'java-archive',
  version: 1,
  kind: 'language',
  match: { pattern: ARCHIVE, maxSize: 256 << 20 },
  async parse(file, helpers) {
    const packages: DetectedPackage[] = [];
    const problems: string[] = [];
    await readArchive(file.content, file.path, helpers, 0, packages, problems);
    return { packages, problems };
  },
};
