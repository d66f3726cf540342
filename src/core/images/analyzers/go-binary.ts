import { ELF_MAGIC } from './elf.js';
import { purlEncode, type Analyzer, type DetectedPackage } from './types.js';

/**
 * Go build info (runtime/debug.BuildInfo), as `go version -m` reads it: a 32-byte header
 * starting `\xff Go buildinf:` (16-byte aligned) with the pointer size and flags; since
 * Go 1.18 (flag bit 2) the Go version and the module list follow inline as two
 * varint-length strings. The module list is framed by 16-byte sentinels and has lines
 * `path`, `mod`, `dep`, `=>` (replacement of the line before) and `build`.
 */

const MAGIC = Uint8Array.from('\xff Go buildinf:', (c) => c.charCodeAt(0));
const HEADER_SIZE = 32;

/** The next 16-byte aligned offset holding the magic, as debug/buildinfo searches (buildInfoAlign). */
function findMagic(data: Uint8Array, from: number): number {
  for (let at = Math.ceil(from / 16) * 16; at + MAGIC.length <= data.length; at += 16) {
    if (data[at] !== 0xff || data[at + 1] !== 0x20) continue;
    let matches = true;
    for (let j = 2; j < MAGIC.length && matches; j++) matches = data[at + j] === MAGIC[j];
    if (matches) return at;
  }
  return -1;
}

function varint(data: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (let i = at; i < data.length && shift < 35; i++) {
    value += (data[i]! & 0x7f) * 2 ** shift;
    if ((data[i]! & 0x80) === 0) return [value, i + 1];
    shift += 7;
  }
  return [-1, at];
}

export interface GoBuildInfo {
  goVersion: string;
  path?: string;
  main?: { path: string; version: string };
  deps: { path: string; version: string }[];
  /** `build` lines: -ldflags, -tags, GOOS, vcs.revision... (values unquoted) */
  settings: Record<string, string>;
}

/** A build setting's value as debug.BuildInfo writes it: Go-quoted when it holds spaces, quotes or `=`. */
function unquoteSetting(value: string): string {
  if (!value.startsWith('"')) return value;
  try {
    return JSON.parse(value) as string;
  } catch {
    return value.slice(1, -1);
  }
}

/** Splits flags as cmd/go's quoted.Split does: on spaces, with '...' and "..." grouping. */
function splitFlags(text: string): string[] {
  const fields: string[] = [];
  const pattern = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) fields.push(match[1] ?? match[2] ?? match[3]!);
  return fields;
}

/**
 * The version a `-X main.version=...` linker flag stamped into a binary (the usual way
 * releases built from a tarball, without VCS information, carry their version), when it is a
 * semantic version; with or without the `v`. Only `main.version` / `main.Version` counts: a
 * variable of another package may be anything.
 */
export function ldflagsVersion(ldflags: string): string | undefined {
  const fields = splitFlags(ldflags);
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    let assignment: string | undefined;
    if (field === '-X' || field === '--X') assignment = fields[++i];
    else if (/^--?X=/.test(field)) assignment = field.slice(field.indexOf('=') + 1);
    if (assignment === undefined) continue;
    const equals = assignment.indexOf('=');
    if (equals < 0 || !/^main\.[vV]ersion$/.test(assignment.slice(0, equals))) continue;
    const value = assignment.slice(equals + 1).replace(/^['"]|['"]$/g, '');
    const version = value.startsWith('v') ? value : `v${value}`;
    if (/^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(version)) return version;
  }
  return undefined;
}

export function readGoBuildInfo(data: Uint8Array): GoBuildInfo | 'legacy' | undefined {
  const decoder = new TextDecoder();
  for (let at = findMagic(data, 0); at !== -1; at = findMagic(data, at + 16)) {
    if (at + HEADER_SIZE > data.length) continue;
    const flags = data[at + 15]!;
    if ((flags & 2) === 0) return 'legacy';
    const strings: string[] = [];
    let cursor = at + HEADER_SIZE;
    for (let i = 0; i < 2; i++) {
      const [length, next] = varint(data, cursor);
      if (length < 0 || next + length > data.length) return undefined;
      strings.push(decoder.decode(data.subarray(next, next + length)));
      cursor = next + length;
    }
    let modinfo = strings[1]!;
    if (modinfo.length >= 33 && modinfo.charCodeAt(modinfo.length - 17) === 0x0a) modinfo = modinfo.slice(16, -16);
    const info: GoBuildInfo = { goVersion: strings[0]!, deps: [], settings: {} };
    for (const line of modinfo.split('\n')) {
      const [kind, path, version] = line.split('\t');
      if (kind === 'path' && path) info.path = path;
      else if (kind === 'mod' && path && version) info.main = { path, version };
      else if (kind === 'dep' && path && version) info.deps.push({ path, version });
      else if (kind === 'build' && path) {
        // `build\tKEY=VALUE`; the tab split above leaves KEY=VALUE whole in `path`.
        const equals = path.indexOf('=', path.startsWith('"') ? path.indexOf('"', 1) : 0);
        if (equals > 0) info.settings[unquoteSetting(path.slice(0, equals))] = unquoteSetting(line.slice(line.indexOf('\t') + 1 + equals + 1));
      }
      else if (kind === '=>' && path && version) {
        const replaced = info.deps.at(-1);
        if (replaced) info.deps[info.deps.length - 1] = { path, version };
      }
    }
    return info;
  }
  return undefined;
}

/** go1.22.3 -> v1.22.3, go1.21 -> v1.21.0, go1.21rc2 -> v1.21.0-rc.2 (as govulncheck maps toolchain versions). */
export function goToolchainSemver(version: string): string | undefined {
  const match = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?/.exec(version);
  if (!match) return undefined;
  return `v${match[1]}.${match[2]}.${match[3] ?? '0'}${match[4] ? `-${match[4]}.${match[5]}` : ''}`;
}

function goPackage(path: string, version: string, file: string): DetectedPackage {
  return { ecosystem: 'Go', scheme: 'go', name: path, version, purl: `pkg:golang/${path.split('/').map(purlEncode).join('/')}@${purlEncode(version)}`, path: file };
}

export const goBinaryAnalyzer: Analyzer = {
  id: 'go-binary',
  version: 2,
  kind: 'language',
  match: { executable: true, magic: ELF_MAGIC, maxSize: 128 << 20 },
  parse(file) {
    const info = readGoBuildInfo(file.content);
    if (info === undefined) return {};
    if (info === 'legacy') return { problems: ['Go binary built before Go 1.18: build info is not inline, modules not read'] };
    const packages: DetectedPackage[] = [];
    const toolchain = goToolchainSemver(info.goVersion);
    if (toolchain) packages.push(goPackage('stdlib', toolchain, file.path));
    if (info.main && info.main.version !== '(devel)' && info.main.version !== '') packages.push(goPackage(info.main.path, info.main.version, file.path));
    else if (info.main) {
      // A (devel) main module has no version of its own; a `-X main.version=` stamp may give it one.
      const stamped = info.settings['-ldflags'] === undefined ? undefined : ldflagsVersion(info.settings['-ldflags']);
      if (stamped) packages.push(goPackage(info.main.path, stamped, file.path));
    }
    for (const dep of info.deps) packages.push(goPackage(dep.path, dep.version, file.path));
    return { packages };
  },
};
