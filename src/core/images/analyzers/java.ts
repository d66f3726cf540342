import { parseParagraphs, purlEncode, text, type Analyzer, type AnalyzerHelpers, type DetectedPackage } from './types.js';

/**
 * Java archives: each `META-INF/maven/<group>/<artifact>/pom.properties` names one
 * artifact; an archive without any falls back to what identifies it (`manifestPackage`:
 * the file name, Implementation-Vendor-Id, Bundle-SymbolicName). Nested archives (Spring Boot BOOT-INF/lib,
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

/**
 * `name-version.jar` as Maven names artifacts: the artifact id up to the first `-` followed
 * by a digit, the version after it (`guava-31.1-jre.jar` → guava, 31.1-jre); a name without
 * one is all artifact id (`gettext.jar`).
 */
export function archiveFileName(path: string): { artifact: string; version?: string } {
  const base = (path.slice(path.lastIndexOf('/') + 1) || path).replace(ARCHIVE, '');
  const match = /^(.+?)-(\d.*)$/.exec(base);
  return match ? { artifact: match[1]!, version: match[2]! } : { artifact: base };
}

/**
 * The group a Bundle-SymbolicName implies for an artifact, by maven-bundle-plugin's default
 * (the rules Trivy and Syft read it back with): `group.artifact`, or `group` alone when the
 * artifact is the group's last section, or `group.rest` when the artifact starts with that
 * section (`org.apache.commons.lang3` for commons-lang3). Projects set the name freely
 * (`slf4j.api`, `jul.to.slf4j`), so the result is a guess; undefined when none of the rules fits.
 */
export function groupFromSymbolicName(symbolic: string, artifact: string): string | undefined {
  if (symbolic.endsWith(`.${artifact}`)) return symbolic.slice(0, -artifact.length - 1);
  const sections = symbolic.split('.');
  if (sections.length >= 2 && sections.at(-1) === artifact) return symbolic;
  if (sections.length < 3) return undefined;
  const group = sections.slice(0, -1).join('.');
  const last = sections.at(-2)!;
  const rest = artifact.startsWith(last) ? artifact.slice(last.length).replace(/^[-_.]+/, '') : undefined;
  return rest && rest === sections.at(-1) ? group : undefined;
}

const COORDINATE = /^[A-Za-z0-9_.-]+$/;

/**
 * A jar without pom.properties, from what identifies an artifact: the artifact id and
 * (failing the manifest) the version from the file name; the group from
 * Implementation-Vendor-Id, which Maven's archiver fills with the groupId, else guessed from
 * Bundle-SymbolicName (marked `groupGuessed`); else no group, and no purl. Titles
 * (Implementation-Title, Bundle-Name) are prose and never part of a coordinate.
 */
export function manifestPackage(source: string | undefined, path: string): DetectedPackage | undefined {
  const fields = source === undefined ? undefined : parseParagraphs(source.replace(/\r\n/g, '\n').replace(/\n /g, ''))[0];
  const file = archiveFileName(path);
  const version = fields?.get('Implementation-Version') ?? fields?.get('Bundle-Version') ?? fields?.get('Specification-Version') ?? file.version;
  if (!version || !COORDINATE.test(file.artifact)) return undefined;
  const vendorId = fields?.get('Implementation-Vendor-Id')?.trim();
  const symbolic = fields?.get('Bundle-SymbolicName')?.split(';')[0]?.trim();
  if (vendorId && COORDINATE.test(vendorId)) return mavenPackage(vendorId, file.artifact, version, path);
  const guessed = symbolic ? groupFromSymbolicName(symbolic, file.artifact) : undefined;
  if (guessed && COORDINATE.test(guessed)) return { ...mavenPackage(guessed, file.artifact, version, path), groupGuessed: true };
  return { ecosystem: 'Maven', scheme: 'maven', name: file.artifact, version, path };
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
  if (!found) {
    const fallback = manifest ?? manifestPackage(undefined, path);
    if (fallback) packages.push(fallback);
  }
}

export const javaAnalyzer: Analyzer = {
  id: 'java-archive',
  version: 2,
  kind: 'language',
  match: { pattern: ARCHIVE, maxSize: 256 << 20 },
  async parse(file, helpers) {
    const packages: DetectedPackage[] = [];
    const problems: string[] = [];
    await readArchive(file.content, file.path, helpers, 0, packages, problems);
    return { packages, problems };
  },
};
