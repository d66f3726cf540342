/** Sets of (protocol, port) as sorted disjoint inclusive ranges per protocol. */
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export function isProtocol(value: unknown): value is Protocol {
  return value === 'TCP' || value === 'UDP' || value === 'SCTP';
}

export type PortRange = readonly [number, number];
export type PortSet = Readonly<Record<Protocol, readonly PortRange[]>>;

const FULL: readonly PortRange[] = [[1, 65535]];
export const ALL_PORTS: PortSet = { TCP: FULL, UDP: FULL, SCTP: FULL };
export const NO_PORTS: PortSet = { TCP: [], UDP: [], SCTP: [] };

function normalize(ranges: readonly PortRange[]): PortRange[] {
  if (ranges.length <= 1) return ranges as PortRange[];
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

export function portSetOf(protocol: Protocol, start: number, end: number): PortSet {
  return { ...NO_PORTS, [protocol]: [[start, end]] };
}

export function unionPorts(a: PortSet, b: PortSet): PortSet {
  if (a === ALL_PORTS || b === ALL_PORTS) return ALL_PORTS;
  if (isEmptyPorts(a)) return b;
  if (isEmptyPorts(b)) return a;
  return { TCP: normalize([...a.TCP, ...b.TCP]), UDP: normalize([...a.UDP, ...b.UDP]), SCTP: normalize([...a.SCTP, ...b.SCTP]) };
}

function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  for (const [aStart, aEnd] of a) {
    for (const [bStart, bEnd] of b) {
      const start = Math.max(aStart, bStart);
      const end = Math.min(aEnd, bEnd);
      if (start <= end) out.push([start, end]);
    }
  }
  return normalize(out);
}

export function intersectPorts(a: PortSet, b: PortSet): PortSet {
  if (a === ALL_PORTS) return b;
  if (b === ALL_PORTS) return a;
  return { TCP: intersectRanges(a.TCP, b.TCP), UDP: intersectRanges(a.UDP, b.UDP), SCTP: intersectRanges(a.SCTP, b.SCTP) };
}

export function isEmptyPorts(set: PortSet): boolean {
  return set.TCP.length === 0 && set.UDP.length === 0 && set.SCTP.length === 0;
}

export function isAllPorts(set: PortSet): boolean {
  return PROTOCOLS.every((protocol) => set[protocol].length === 1 && set[protocol][0]![0] === 1 && set[protocol][0]![1] === 65535);
}

export function hasPort(set: PortSet, port: number, protocol: Protocol): boolean {
  return set[protocol].some(([start, end]) => port >= start && port <= end);
}

export function equalPorts(a: PortSet, b: PortSet): boolean {
  return formatPorts(a) === formatPorts(b);
}

/** `all`, `none`, or `TCP:80,8000-8080 UDP:53` (a protocol with every port: `TCP:*`). */
export function formatPorts(set: PortSet): string {
  if (isAllPorts(set)) return 'all';
  if (isEmptyPorts(set)) return 'none';
  const parts: string[] = [];
  for (const protocol of PROTOCOLS) {
    const ranges = set[protocol];
    if (ranges.length === 0) continue;
    const full = ranges.length === 1 && ranges[0]![0] === 1 && ranges[0]![1] === 65535;
    parts.push(`${protocol}:${full ? '*' : ranges.map(([start, end]) => (start === end ? `${start}` : `${start}-${end}`)).join(',')}`);
  }
  return parts.join(' ');
}
