import type { AnalyzerKind, AnalyzerOutput, DetectedPackage } from './analyzers/types.js';
import type { ImageInventory, ImageMetadata, InstalledPackage, LayerRef, OperatingSystem } from './model.js';
import { purlEncode } from './analyzers/types.js';

/**
 * Merging layers the way overlay filesystems do, restricted to the files analyzers read:
 * `.wh.<name>` deletes `<name>` from lower layers, `.wh..wh..opq` hides every lower child
 * of its directory (before the layer's own additions), and a non-directory replacing a
 * directory removes the whole lower subtree. Packages are attributed by diffing the
 * package snapshot after each layer: a package belongs to the layer after which it was
 * continuously present, so removed-and-reinstalled belongs to the later layer.
 */

export interface LayerFile {
  path: string;
  analyzer: string;
  kind: AnalyzerKind;
  output: AnalyzerOutput;
}

/** What the walker saw in one layer, restricted to what the merge needs. */
export interface LayerScan {
  files: LayerFile[];
  /** paths a `.wh.` entry deletes */
  whiteouts: string[];
  /** directories with a `.wh..wh..opq` entry */
  opaqueDirs: string[];
  /**
   * Every non-directory entry, and directories at paths an analyzer reads as files
   * (`dir/`): what may replace tracked paths of lower layers (a file over a directory, a
   * directory or link over a file). Kept as paths so layers can be walked concurrently
   * and resolved against the lower layers when applied in order.
   */
  entries: string[];
  problems: { path: string; message: string }[];
}

interface Tracked extends LayerFile {
  layer: number;
}

export interface MergeState {
  files: Map<string, Map<string, Tracked>>;
  /** ancestors of tracked files, with how many tracked files lie under each */
  directories: Map<string, number>;
  introduced: Map<string, number>;
  layers: LayerRef[];
  problems: { path: string; layer?: string; message: string }[];
}

export function createMergeState(): MergeState {
  return { files: new Map(), directories: new Map(), introduced: new Map(), layers: [], problems: [] };
}

function ancestors(path: string): string[] {
  const result: string[] = [];
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) result.push(path.slice(0, slash));
  return result;
}

/** Does an entry at `path` in a new layer replace something tracked from lower layers? */
export function shadowsTracked(state: MergeState, path: string, isDirectory: boolean): boolean {
  if (state.files.has(path)) return true;
  return !isDirectory && state.directories.has(path);
}

function untrack(state: MergeState, path: string): void {
  if (!state.files.delete(path)) return;
  for (const directory of ancestors(path)) {
    const count = (state.directories.get(directory) ?? 1) - 1;
    if (count <= 0) state.directories.delete(directory);
    else state.directories.set(directory, count);
  }
}

function untrackTree(state: MergeState, path: string, includeSelf: boolean): boolean {
  let changed = false;
  if (includeSelf && state.files.has(path)) {
    untrack(state, path);
    changed = true;
  }
  if (!state.directories.has(path) && path !== '') return changed;
  const prefix = path === '' ? '' : `${path}/`;
  for (const tracked of [...state.files.keys()]) {
    if (tracked.startsWith(prefix)) {
      untrack(state, tracked);
      changed = true;
    }
  }
  return changed;
}

function track(state: MergeState, file: LayerFile, layer: number): void {
  let byAnalyzer = state.files.get(file.path);
  if (!byAnalyzer) {
    byAnalyzer = new Map();
    state.files.set(file.path, byAnalyzer);
    for (const directory of ancestors(file.path)) state.directories.set(directory, (state.directories.get(directory) ?? 0) + 1);
  }
  byAnalyzer.set(file.analyzer, { ...file, layer });
}

function packageKey(analyzer: string, item: DetectedPackage): string {
  return `${analyzer}\0${item.path}\0${item.name}\0${item.version}\0${item.arch ?? ''}`;
}

function currentKeys(state: MergeState): Set<string> {
  const keys = new Set<string>();
  for (const byAnalyzer of state.files.values()) for (const file of byAnalyzer.values()) for (const item of file.output.packages ?? []) keys.add(packageKey(file.analyzer, item));
  return keys;
}

/** Applies one layer (in order, base first): its deletions, then its files; then re-attributes packages. */
export function applyLayer(state: MergeState, layer: LayerRef, scan: LayerScan): void {
  state.layers.push(layer);
  let changed = false;
  // Files this layer writes replace lower ones whole: drop the lower version first.
  const written = new Set(scan.files.map((file) => file.path));
  for (const path of scan.opaqueDirs) changed = untrackTree(state, path, false) || changed;
  for (const path of scan.whiteouts) changed = untrackTree(state, path, true) || changed;
  for (const entry of scan.entries) {
    const isDirectory = entry.endsWith('/');
    const path = isDirectory ? entry.slice(0, -1) : entry;
    if (shadowsTracked(state, path, isDirectory)) changed = untrackTree(state, path, true) || changed;
  }
  for (const path of written) changed = untrackTree(state, path, true) || changed;
  for (const file of scan.files) track(state, file, layer.index);
  changed ||= scan.files.length > 0;
  for (const problem of scan.problems) state.problems.push({ ...problem, layer: layer.digest });
  if (!changed) return;
  const present = currentKeys(state);
  for (const key of [...state.introduced.keys()]) if (!present.has(key)) state.introduced.delete(key);
  for (const key of present) if (!state.introduced.has(key)) state.introduced.set(key, layer.index);
}

/** OSV ecosystem of an OS release: Debian:12, Ubuntu:22.04, Alpine:v3.20, Rocky Linux:9, ... */
export function osEcosystem(os: OperatingSystem | undefined, scheme: string): string {
  const fallback: Record<string, string> = { dpkg: 'Debian', apk: 'Alpine', rpm: 'Red Hat' };
  if (!os) return fallback[scheme] ?? scheme;
  const version = os.versionId ?? '';
  const major = version.split('.')[0] ?? '';
  switch (os.id) {
    case 'debian':
      return major ? `Debian:${major}` : 'Debian';
    case 'ubuntu':
      return version ? `Ubuntu:${version}` : 'Ubuntu';
    case 'alpine':
      return version ? `Alpine:v${version.split('.').slice(0, 2).join('.')}` : 'Alpine';
    case 'rocky':
      return major ? `Rocky Linux:${major}` : 'Rocky Linux';
    case 'almalinux':
      return major ? `AlmaLinux:${major}` : 'AlmaLinux';
    case 'rhel':
      return 'Red Hat';
    default:
      return `${os.id}${version ? `:${version}` : ''}`;
  }
}

function osPurl(item: DetectedPackage, os: OperatingSystem | undefined): string {
  const type = item.scheme === 'dpkg' ? 'deb' : item.scheme === 'apk' ? 'apk' : 'rpm';
  const namespace = os?.id ?? (type === 'deb' ? 'debian' : type === 'apk' ? 'alpine' : 'redhat');
  const qualifiers: string[] = [];
  if (item.arch) qualifiers.push(`arch=${purlEncode(item.arch)}`);
  if (os?.versionId) qualifiers.push(`distro=${purlEncode(`${os.id}-${os.versionId}`)}`);
  return `pkg:${type}/${purlEncode(namespace)}/${purlEncode(item.name)}@${purlEncode(item.version)}${qualifiers.length ? `?${qualifiers.join('&')}` : ''}`;
}

const OS_RELEASE_PREFERENCE = ['etc/os-release', 'usr/lib/os-release'];

/** The inventory of the merged image. */
export function finishInventory(state: MergeState, image: ImageMetadata): ImageInventory {
  const tracked = [...state.files.values()].flatMap((byAnalyzer) => [...byAnalyzer.values()]);
  const os = OS_RELEASE_PREFERENCE.map((path) => tracked.find((file) => file.path === path && file.output.os)?.output.os).find(Boolean);
  const owners = new Map<string, string>();
  for (const file of tracked) for (const owned of file.output.ownedFiles ?? []) for (const path of owned.files) owners.set(path, owned.package);
  const packages: InstalledPackage[] = [];
  for (const file of tracked) {
    for (const item of file.output.packages ?? []) {
      const introducedAt = state.introduced.get(packageKey(file.analyzer, item));
      const result: InstalledPackage = { ...item, ecosystem: item.ecosystem ?? osEcosystem(os, item.scheme) };
      if (file.kind === 'os-packages') result.purl = osPurl(item, os);
      const layer = introducedAt !== undefined ? state.layers[introducedAt] : undefined;
      if (layer) result.layer = layer;
      if (file.kind === 'language') {
        const owner = owners.get(item.path.split('!/')[0]!);
        if (owner) result.ownedByOsPackage = owner;
      }
      packages.push(result);
    }
  }
  const osFirst = (item: InstalledPackage): number => (item.scheme === 'dpkg' || item.scheme === 'apk' || item.scheme === 'rpm' ? 0 : 1);
  packages.sort((a, b) => osFirst(a) - osFirst(b) || a.ecosystem.localeCompare(b.ecosystem) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version) || a.path.localeCompare(b.path));
  for (const file of tracked) {
    const layer = state.layers[file.layer]?.digest;
    for (const message of file.output.problems ?? []) state.problems.push({ path: file.path, ...(layer ? { layer } : {}), message });
  }
  const inventory: ImageInventory = { image, packages, problems: state.problems };
  if (os) inventory.os = os;
  return inventory;
}
