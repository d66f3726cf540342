/** Minimal ELF reading: the section named `name`, from the section header table. */
export function elfSection(data: Uint8Array, name: string): Uint8Array | undefined {
  if (data.length < 64 || data[0] !== 0x7f || data[1] !== 0x45 || data[2] !== 0x4c || data[3] !== 0x46) return undefined;
  const is64 = data[4] === 2;
  const little = data[5] === 1;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u16 = (at: number): number => view.getUint16(at, little);
  const u32 = (at: number): number => view.getUint32(at, little);
  const word = (at: number): number => (is64 ? Number(view.getBigUint64(at, little)) : u32(at));
  const sectionTable = word(is64 ? 0x28 : 0x20);
  const entrySize = u16(is64 ? 0x3a : 0x2e);
  const count = u16(is64 ? 0x3c : 0x30);
  const namesIndex = u16(is64 ? 0x3e : 0x32);
  if (sectionTable === 0 || count === 0 || sectionTable + count * entrySize > data.length) return undefined;
  const section = (index: number): { nameOffset: number; offset: number; size: number } => {
    const base = sectionTable + index * entrySize;
    return { nameOffset: u32(base), offset: word(base + (is64 ? 0x18 : 0x10)), size: word(base + (is64 ? 0x20 : 0x14)) };
  };
  if (namesIndex >= count) return undefined;
  const names = section(namesIndex);
  if (names.offset + names.size > data.length) return undefined;
  const decoder = new TextDecoder();
  for (let index = 0; index < count; index++) {
    const candidate = section(index);
    const start = names.offset + candidate.nameOffset;
    let end = start;
    while (end < names.offset + names.size && data[end] !== 0) end++;
    if (decoder.decode(data.subarray(start, end)) !== name) continue;
    if (candidate.offset + candidate.size > data.length) return undefined;
    return data.subarray(candidate.offset, candidate.offset + candidate.size);
  }
  return undefined;
}

export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const;
