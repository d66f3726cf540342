/**
 * IPv4 and IPv6 address sets as sorted, disjoint inclusive ranges of bigints,
 * one list per family. IPv4-mapped IPv6 addresses are read as IPv4.
 */
export type Family = 4 | 6;
export type Range = readonly [bigint, bigint];

export interface AddressSet {
  readonly v4: readonly Range[];
  readonly v6: readonly Range[];
}

export interface Cidr {
  family: Family;
  start: bigint;
  end: bigint;
  prefix: number;
}

const V4_MAX = (1n << 32n) - 1n;
const V6_MAX = (1n << 128n) - 1n;

export const EMPTY_ADDRESSES: AddressSet = { v4: [], v6: [] };
export const ALL_ADDRESSES: AddressSet = { v4: [[0n, V4_MAX]], v6: [[0n, V6_MAX]] };

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseV6(text: string): bigint | undefined {
  let body = text;
  // A trailing dotted IPv4 part (::ffff:1.2.3.4) becomes two hexadecimal groups.
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.')) {
    const v4 = parseV4(body.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (![...head, ...rest].every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  const explicit = head.length + rest.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const words = [...head, ...Array.from({ length: 8 - explicit }, () => '0'), ...rest];
  return words.reduce((value, word) => (value << 16n) | BigInt(`0x${word}`), 0n);
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** Parses an address or CIDR (`10.0.0.0/8`, `fd00::/8`, a bare address = /32 or /128). */
export function parseCidr(text: string): Cidr | undefined {
  const [address, prefixText, extra] = text.trim().split('/');
  if (address === undefined || extra !== undefined) return undefined;
  const isV6 = address.includes(':');
  const value = isV6 ? parseV6(address) : parseV4(address);
  if (value === undefined) return undefined;
  const bits = isV6 ? 128 : 32;
  if (prefixText !== undefined && !/^(0|[1-9]\d{0,2})$/.test(prefixText)) return undefined;
  let prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  let family: Family = isV6 ? 6 : 4;
  let base = value;
  // ::ffff:a.b.c.d/96+n is the IPv4 network a.b.c.d/n.
  if (isV6 && prefix >= 96 && value >> 32n === 0xffffn) {
    family = 4;
    base = value - MAPPED_PREFIX;
    prefix -= 96;
  }
  const width = BigInt((family === 4 ? 32 : 128) - prefix);
  const start = (base >> width) << width;
  return { family, start, end: start + (1n << width) - 1n, prefix };
}

export function cidrSet(cidr: Cidr): AddressSet {
  const range: Range = [cidr.start, cidr.end];
  return cidr.family === 4 ? { v4: [range], v6: [] } : { v4: [], v6: [range] };
}

function normalize(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1] + 1n) {
      if (end > last[1]) last[1] = end;
    } else out.push([start, end]);
  }
  return out;
}

function subtractRanges(from: readonly Range[], minus: readonly Range[]): Range[] {
  let current: Range[] = [...from];
  for (const [cutStart, cutEnd] of minus) {
    const next: Range[] = [];
    for (const [start, end] of current) {
      if (cutEnd < start || cutStart > end) {
        next.push([start, end]);
        continue;
      }
      if (cutStart > start) next.push([start, cutStart - 1n]);
      if (cutEnd < end) next.push([cutEnd + 1n, end]);
    }
    current = next;
  }
  return current;
}

function intersectRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const [aStart, aEnd] of a) {
    for (const [bStart, bEnd] of b) {
      const start = aStart > bStart ? aStart : bStart;
      const end = aEnd < bEnd ? aEnd : bEnd;
      if (start <= end) out.push([start, end]);
    }
  }
  return normalize(out);
}

export function unionAddresses(...sets: AddressSet[]): AddressSet {
  return { v4: normalize(sets.flatMap((set) => set.v4)), v6: normalize(sets.flatMap((set) => set.v6)) };
}

export function subtractAddresses(from: AddressSet, minus: AddressSet): AddressSet {
  return { v4: subtractRanges(from.v4, minus.v4), v6: subtractRanges(from.v6, minus.v6) };
}

export function intersectAddresses(a: AddressSet, b: AddressSet): AddressSet {
  return { v4: intersectRanges(a.v4, b.v4), v6: intersectRanges(a.v6, b.v6) };
}

export function isEmptyAddresses(set: AddressSet): boolean {
  return set.v4.length === 0 && set.v6.length === 0;
}

/** Whether every address of `inner` is in `outer`. */
export function coversAddresses(outer: AddressSet, inner: AddressSet): boolean {
  return isEmptyAddresses(subtractAddresses(inner, outer));
}

function rangeToCidrs(family: Family, start: bigint, end: bigint): string[] {
  const bits = family === 4 ? 32 : 128;
  const out: string[] = [];
  let cursor = start;
  while (cursor <= end) {
    let size = 0;
    while (size < bits && (cursor & ((1n << BigInt(size + 1)) - 1n)) === 0n && cursor + (1n << BigInt(size + 1)) - 1n <= end) size++;
    out.push(`${formatAddress(family, cursor)}/${bits - size}`);
    cursor += 1n << BigInt(size);
  }
  return out;
}

export function formatAddress(family: Family, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const words = Array.from({ length: 8 }, (_, index) => Number((value >> BigInt(112 - 16 * index)) & 0xffffn));
  // The longest run of zero words (two or more) becomes '::'.
  let bestStart = -1;
  let bestLength = 1;
  for (let index = 0; index < 8; ) {
    if (words[index] !== 0) {
      index++;
      continue;
    }
    let end = index;
    while (end < 8 && words[end] === 0) end++;
    if (end - index > bestLength) [bestStart, bestLength] = [index, end - index];
    index = end;
  }
  const hex = words.map((word) => word.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The set as a short list of CIDRs. */
export function addressesToCidrs(set: AddressSet): string[] {
  return [...set.v4.flatMap(([start, end]) => rangeToCidrs(4, start, end)), ...set.v6.flatMap(([start, end]) => rangeToCidrs(6, start, end))];
}

function setOf(cidrs: readonly string[]): AddressSet {
  return unionAddresses(...cidrs.map((text) => cidrSet(parseCidr(text)!)));
}

/** The cloud instance metadata endpoint (AWS, GCP, Azure, OpenStack...) and its IPv6 form on AWS. */
export const METADATA_ADDRESSES: AddressSet = setOf(['169.254.169.254/32', 'fd00:ec2::254/128']);

/** Addresses that are not the public Internet: private, loopback, link-local, CGNAT, unique-local, multicast, reserved. */
export const NON_PUBLIC_ADDRESSES: AddressSet = setOf([
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/3',
  '::/127',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
]);

export const PUBLIC_ADDRESSES: AddressSet = subtractAddresses(ALL_ADDRESSES, NON_PUBLIC_ADDRESSES);

/** RFC 1918, CGNAT and unique-local ranges, where pod networks usually live. */
export const PRIVATE_ADDRESSES: AddressSet = setOf(['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']);
