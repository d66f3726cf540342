import { AnalyzerError, type Analyzer, type DetectedPackage } from './types.js';

/**
 * rpm's SQLite database (`Packages(hnum, blob)`), each blob an rpm header in the
 * database form: a big-endian index count and data length, index entries of
 * {tag, type, offset, count}, then the data store.
 */

const TAG = { name: 1000, version: 1001, release: 1002, epoch: 1003, license: 1014, arch: 1022, sourceRpm: 1044, dirIndexes: 1116, baseNames: 1117, dirNames: 1118 } as const;
const TYPE = { int16: 3, int32: 4, string: 6, bin: 7, stringArray: 8, i18nString: 9 } as const;
const ENTRY_SIZE = 16;
const MAX_ENTRIES = 1 << 16;

export type HeaderValue = string | string[] | number[];

/** The tags of one header blob; strings as UTF-8. */
export function parseRpmHeader(blob: Uint8Array): Map<number, HeaderValue> {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < 8) throw new AnalyzerError('rpm header shorter than 8 bytes');
  const count = view.getUint32(0);
  const dataLength = view.getUint32(4);
  const dataStart = 8 + count * ENTRY_SIZE;
  if (count > MAX_ENTRIES || dataStart + dataLength > blob.length) throw new AnalyzerError(`rpm header with ${count} entries and ${dataLength} data bytes does not fit its ${blob.length} bytes`);
  const decoder = new TextDecoder();
  const cString = (offset: number): [string, number] => {
    let end = offset;
    while (end < dataStart + dataLength && blob[end] !== 0) end++;
    return [decoder.decode(blob.subarray(offset, end)), end + 1];
  };
  const tags = new Map<number, HeaderValue>();
  for (let index = 0; index < count; index++) {
    const base = 8 + index * ENTRY_SIZE;
    const tag = view.getInt32(base);
    const type = view.getUint32(base + 4);
    const offset = dataStart + view.getInt32(base + 8);
    const items = view.getUint32(base + 12);
    if (offset < dataStart || offset > dataStart + dataLength) continue;
    if (type === TYPE.string || type === TYPE.i18nString) tags.set(tag, cString(offset)[0]);
    else if (type === TYPE.stringArray) {
      const values: string[] = [];
      let at = offset;
      for (let i = 0; i < items && at < dataStart + dataLength; i++) {
        const [value, next] = cString(at);
        values.push(value);
        at = next;
      }
      tags.set(tag, values);
    } else if (type === TYPE.int32) {
      if (offset + items * 4 > dataStart + dataLength) continue;
      tags.set(tag, Array.from({ length: items }, (_, i) => view.getInt32(offset + i * 4)));
    } else if (type === TYPE.int16) {
      if (offset + items * 2 > dataStart + dataLength) continue;
      tags.set(tag, Array.from({ length: items }, (_, i) => view.getInt16(offset + i * 2)));
    }
  }
  return tags;
}

/** `openssl-3.0.7-24.el9.src.rpm` -> name and version-release. */
export function splitSourceRpm(sourceRpm: string): { name: string; version: string } | undefined {
  const base = sourceRpm.replace(/\.(?:no)?src\.rpm$/, '');
  const release = base.lastIndexOf('-');
  const version = base.lastIndexOf('-', release - 1);
  if (release <= 0 || version <= 0) return undefined;
  return { name: base.slice(0, version), version: base.slice(version + 1) };
}

function first(value: HeaderValue | undefined): string | number | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function packageFromHeader(tags: Map<number, HeaderValue>, path: string): { item: DetectedPackage; files: string[] } | undefined {
  const name = first(tags.get(TAG.name));
  const version = first(tags.get(TAG.version));
  const release = first(tags.get(TAG.release));
  if (typeof name !== 'string' || typeof version !== 'string' || name === 'gpg-pubkey') return undefined;
  const epoch = first(tags.get(TAG.epoch));
  const full = `${typeof epoch === 'number' && epoch > 0 ? `${epoch}:` : ''}${version}${typeof release === 'string' ? `-${release}` : ''}`;
  const item: DetectedPackage = { scheme: 'rpm', name, version: full, path };
  const sourceRpm = first(tags.get(TAG.sourceRpm));
  const source = typeof sourceRpm === 'string' ? splitSourceRpm(sourceRpm) : undefined;
  item.sourceName = source?.name ?? name;
  item.sourceVersion = source ? `${typeof epoch === 'number' && epoch > 0 ? `${epoch}:` : ''}${source.version}` : full;
  const arch = first(tags.get(TAG.arch));
  if (typeof arch === 'string') item.arch = arch;
  const license = first(tags.get(TAG.license));
  if (typeof license === 'string') item.licenses = [license];
  const baseNames = tags.get(TAG.baseNames) as string[] | undefined;
  const dirNames = tags.get(TAG.dirNames) as string[] | undefined;
  const dirIndexes = tags.get(TAG.dirIndexes) as number[] | undefined;
  const files = baseNames && dirNames && dirIndexes ? baseNames.map((base, i) => `${dirNames[dirIndexes[i] ?? 0] ?? ''}${base}`.replace(/^\/+/, '')) : [];
  return { item, files };
}

export const rpmAnalyzer: Analyzer = {
  id: 'rpm-sqlite',
  version: 1,
  kind: 'os-packages',
  match: { paths: ['var/lib/rpm/rpmdb.sqlite', 'usr/lib/sysimage/rpm/rpmdb.sqlite'], maxSize: 512 << 20 },
  parse(file, helpers) {
    const packages: DetectedPackage[] = [];
    const ownedFiles: { package: string; files: string[] }[] = [];
    const problems: string[] = [];
    for (const row of helpers.sqlite(file.content, 'SELECT hnum, blob FROM Packages')) {
      try {
        const found = packageFromHeader(parseRpmHeader(row.blob as Uint8Array), file.path);
        if (!found) continue;
        packages.push(found.item);
        if (found.files.length > 0) ownedFiles.push({ package: found.item.name, files: found.files });
      } catch (error) {
        problems.push(`header ${String(row.hnum)}: ${(error as Error).message}`);
      }
    }
    return { packages, ownedFiles, problems };
  },
};
