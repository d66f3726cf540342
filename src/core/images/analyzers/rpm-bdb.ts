import { packageFromHeader, parseRpmHeader } from './rpm.js';
import { AnalyzerError, type Analyzer, type DetectedPackage } from './types.js';

/**
 * rpm's legacy database (RHEL/CentOS 7, Amazon Linux 2, older SUSE): `var/lib/rpm/Packages`,
 * a Berkeley DB hash file whose values are header blobs. Read page by page: hash pages
 * (P_HASH 13, P_HASH_UNSORTED 2) hold key/value items, a value is either inline
 * (H_KEYDATA) or a chain of overflow pages (H_OFFPAGE -> P_OVERFLOW 7). Byte order comes
 * from the metadata page's magic.
 */

const HASH_MAGIC = 0x061561;
const PAGE_HEADER = 26;
const P_HASH_UNSORTED = 2;
const P_HASH = 13;
const P_OVERFLOW = 7;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;
/** Guards against cycles in hostile overflow chains. */
const MAX_CHAIN = 1 << 16;

export function readBerkeleyHashValues(data: Uint8Array): Uint8Array[] {
  if (data.length < 512) throw new AnalyzerError('too short for a Berkeley DB file');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let little: boolean;
  if (view.getUint32(12, true) === HASH_MAGIC) little = true;
  else if (view.getUint32(12, false) === HASH_MAGIC) little = false;
  else throw new AnalyzerError('not a Berkeley DB hash database (magic)');
  const pageSize = view.getUint32(20, little);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw new AnalyzerError(`invalid page size ${pageSize}`);
  const lastPage = view.getUint32(32, little);
  const pages = Math.min(lastPage + 1, Math.floor(data.length / pageSize));
  const page = (number: number): number => number * pageSize;
  const overflow = (start: number, total: number): Uint8Array => {
    const value = new Uint8Array(total);
    let filled = 0;
    let current = start;
    for (let hops = 0; current !== 0 && filled < total; hops++) {
      if (hops > MAX_CHAIN || current >= pages) throw new AnalyzerError(`overflow chain breaks at page ${current}`);
      const base = page(current);
      if (data[base + 25] !== P_OVERFLOW) throw new AnalyzerError(`page ${current} is not an overflow page`);
      const length = Math.min(view.getUint16(base + 22, little), pageSize - PAGE_HEADER, total - filled);
      value.set(data.subarray(base + PAGE_HEADER, base + PAGE_HEADER + length), filled);
      filled += length;
      current = view.getUint32(base + 16, little);
    }
    if (filled !== total) throw new AnalyzerError(`overflow value of ${total} bytes ends after ${filled}`);
    return value;
  };
  const values: Uint8Array[] = [];
  for (let number = 1; number < pages; number++) {
    const base = page(number);
    const type = data[base + 25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    const entries = view.getUint16(base + 20, little);
    if (PAGE_HEADER + entries * 2 > pageSize) continue;
    const offsets = Array.from({ length: entries }, (_, i) => view.getUint16(base + PAGE_HEADER + i * 2, little));
    for (let i = 1; i < entries; i += 2) {
      const offset = offsets[i]!;
      if (offset >= pageSize) continue;
      const itemType = data[base + offset];
      if (itemType === H_OFFPAGE) {
        const start = view.getUint32(base + offset + 4, little);
        const total = view.getUint32(base + offset + 8, little);
        values.push(overflow(start, total));
      } else if (itemType === H_KEYDATA) {
        const end = offsets[i - 1]!;
        if (end > offset && end <= pageSize) values.push(data.subarray(base + offset + 1, base + end));
      }
    }
  }
  return values;
}

export const rpmBerkeleyAnalyzer: Analyzer = {
  id: 'rpm-bdb',
  version: 1,
  kind: 'os-packages',
  match: { paths: ['var/lib/rpm/Packages'], maxSize: 512 << 20 },
  parse(file) {
    const packages: DetectedPackage[] = [];
    const ownedFiles: { package: string; files: string[] }[] = [];
    const problems: string[] = [];
    for (const value of readBerkeleyHashValues(file.content)) {
      // the record under key 0 holds rpm's next instance number, not a header
      if (value.length < 16) continue;
      try {
        const found = packageFromHeader(parseRpmHeader(value), file.path);
        if (!found) continue;
        packages.push(found.item);
        if (found.files.length > 0) ownedFiles.push({ package: found.item.name, files: found.files });
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    return { packages, ownedFiles, problems };
  },
};
