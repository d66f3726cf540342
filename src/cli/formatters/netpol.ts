import jsyaml from 'js-yaml';
import type { ConnectionChange, Explanation } from '../../app/netpol.js';
import type { KubeObject } from '../../core/model/resource.js';
import type { AllowingRule, Scope, Side } from '../../core/network/analysis.js';
import type { ExposureItem } from '../../core/network/exposure.js';
import { formatPorts } from '../../core/network/ports.js';
import { addressList, type WorkloadConnection } from '../../core/network/workloads.js';
import { visible } from '../output/escape.js';
import { markdownTableChunks } from '../output/markdown-table.js';
import { defineOutputs } from '../output/registry.js';
import { tableChunks } from '../output/table.js';
import { jsonChunks } from './json.js';

export const NETPOL_API_VERSION = 'palisade.dev/netpol/v1';

/** `palisade netpol matrix`: the allowed connections, for the direction asked. */
export interface MatrixResult {
  connections: readonly WorkloadConnection[];
  scope: Scope;
}

const csvCell = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

function matrixRow(connection: WorkloadConnection): string[] {
  return [connection.from, connection.to, formatPorts(connection.ports), addressList(connection.addresses).join(' ')];
}

function* matrixDot(connections: readonly WorkloadConnection[]): Generator<string> {
  const quote = (text: string) => JSON.stringify(text);
  const nodes = new Map<string, Set<string>>();
  for (const connection of connections) {
    for (const end of [connection.from, connection.to]) {
      const namespace = end === 'external' || end === '*' ? '' : end.split('/')[0]!;
      if (!nodes.has(namespace)) nodes.set(namespace, new Set());
      nodes.get(namespace)!.add(end);
    }
  }
  yield 'digraph netpol {\n  rankdir=LR;\n  node [shape=box];\n';
  for (const [namespace, members] of [...nodes].sort()) {
    if (namespace === '') for (const member of members) yield `  ${quote(member)} [shape=ellipse];\n`;
    else {
      yield `  subgraph ${quote(`cluster_${namespace}`)} {\n    label=${quote(namespace)};\n`;
      for (const member of [...members].sort()) yield `    ${quote(member)} [label=${quote(member.split('/').slice(1).join('/'))}];\n`;
      yield '  }\n';
    }
  }
  for (const connection of connections) yield `  ${quote(connection.from)} -> ${quote(connection.to)} [label=${quote(formatPorts(connection.ports))}];\n`;
  yield '}\n';
}

/** `palisade netpol matrix -o`. Every format streams: a large cluster has hundreds of thousands of connections. */
export const MATRIX_OUTPUTS = defineOutputs<MatrixResult>({
  scope: 'matrix',
  default: 'table',
  formats: {
    table: ({ connections }) => (connections.length === 0 ? 'no allowed connections\n' : tableChunks(connections.map(matrixRow), { header: ['FROM', 'TO', 'PORTS', 'ADDRESSES'] })),
    json: ({ connections, scope }) =>
      jsonChunks({
        apiVersion: NETPOL_API_VERSION,
        kind: 'Matrix',
        direction: scope,
        connections: connections.map((connection) => ({ from: connection.from, to: connection.to, ports: formatPorts(connection.ports), ...(connection.addresses ? { addresses: addressList(connection.addresses) } : {}) })),
      }),
    csv: function* ({ connections }) {
      yield 'from,to,ports,addresses\n';
      for (const connection of connections) yield `${matrixRow(connection).map(csvCell).join(',')}\n`;
    },
    dot: ({ connections }) => matrixDot(connections),
    markdown: ({ connections }) => markdownTableChunks(['From', 'To', 'Ports', 'Addresses'], connections.map(matrixRow)),
  },
});

/** `palisade netpol exposure -o`. */
export const EXPOSURE_OUTPUTS = defineOutputs<readonly ExposureItem[]>({
  scope: 'exposure',
  default: 'table',
  formats: {
    table: (items) => (items.length === 0 ? 'no exposure found\n' : tableChunks(items.map(exposureRow), { header: ['WORKLOAD', 'EXPOSURE', 'PORTS', 'DETAIL'] })),
    json: (items) => `${JSON.stringify({ apiVersion: NETPOL_API_VERSION, kind: 'Exposure', items: items.map((item) => ({ ...item, ports: formatPorts(item.ports) })) }, null, 2)}\n`,
    markdown: (items) => markdownTableChunks(['Workload', 'Exposure', 'Ports', 'Detail'], items.map(exposureRow)),
  },
});

function exposureRow(item: ExposureItem): string[] {
  return [item.workload, item.exposure, formatPorts(item.ports), item.detail];
}

// The renderers take the use cases' own result types (src/app/netpol.ts): one definition each.
export type { Explanation } from '../../app/netpol.js';

const VERDICT = (allowed: boolean | 'partly') => (allowed === 'partly' ? 'PARTLY ALLOWED' : allowed ? 'ALLOWED' : 'DENIED');

function ruleText(rule: AllowingRule): string {
  const field = rule.direction === 'Ingress' ? 'from' : 'to';
  const where = `${rule.policy} ${rule.direction.toLowerCase()}[${rule.rule}]${rule.peer === undefined ? ` (no ${field}: every peer)` : ` ${field}[${rule.peer}]`}`;
  const addresses = rule.addresses ? ` addresses ${addressList(rule.addresses).join(' ')}` : '';
  return `${where} ports ${formatPorts(rule.ports)}${addresses}`;
}

function sideText(name: string, side: Side): string[] {
  if (!side.applies) return [`${name}: not a pod: no policy applies`];
  if (!side.isolated) return [`${name}: not isolated (no NetworkPolicy selects the pod for ${name}): every peer allowed`];
  const lines = [`${name}: isolated by ${side.selectingPolicies.join(', ')}`];
  if (side.allowingRules.length === 0) lines.push('  no rule allows it');
  for (const rule of side.allowingRules) lines.push(`  allowed by ${ruleText(rule)}`);
  return lines;
}

function sideJson(side: Side) {
  return {
    applies: side.applies,
    isolated: side.isolated,
    selectingPolicies: side.selectingPolicies,
    allowingRules: side.allowingRules.map((rule) => ({ policy: rule.policy, direction: rule.direction, rule: rule.rule, peer: rule.peer ?? null, ports: formatPorts(rule.ports), ...(rule.addresses ? { addresses: addressList(rule.addresses) } : {}) })),
  };
}

/** An end of a pair, with its objects when that end's pods fall in several groups. */
function endLabel(label: string, objects: string[] | undefined, several: boolean): string {
  return several && objects ? `${label} [${objects.join(', ')}]` : label;
}

/**
 * One pair: its verdict line and each side's policies and rules. With several pairs, a first
 * line gives the answer true for all of them (or PARTLY ALLOWED), then each pair, indented.
 */
function explanationText({ port, results, allowed, ports }: Explanation): string {
  const lines: string[] = [];
  const subject = port ? `port ${port.port}/${port.protocol}` : 'any port';
  const several = results.length > 1;
  const indent = several ? '  ' : '';
  const distinct = (objects: Array<string[] | undefined>) => new Set(objects.map((list) => (list ?? []).join(','))).size > 1;
  const severalFrom = distinct(results.map((result) => result.fromObjects));
  const severalTo = distinct(results.map((result) => result.toObjects));
  if (several) {
    const count = results.filter((result) => result.allowed).length;
    lines.push(`${results[0]!.from} -> ${results[0]!.to} (${subject}): ${VERDICT(allowed)} (${count} of ${results.length} pod groups)${port ? '' : `, ports allowed to every pod group: ${formatPorts(ports)}`}`);
  }
  for (const result of results) {
    const ends = `${endLabel(result.from, result.fromObjects, severalFrom)} -> ${endLabel(result.to, result.toObjects, severalTo)}`;
    lines.push(`${indent}${ends}${several ? '' : ` (${subject})`}: ${VERDICT(result.allowed)}${port ? '' : `, allowed ports: ${formatPorts(result.ports)}`}`);
    for (const line of sideText('egress', result.egress)) lines.push(`${indent}  ${line}`);
    for (const line of sideText('ingress', result.ingress)) lines.push(`${indent}  ${line}`);
    for (const caveat of result.caveats) lines.push(`${indent}  note: ${caveat} overlaps private ranges: this analysis never matches pod IPs with ipBlock, plugins that do (Calico) may allow more`);
  }
  // Workload, policy and rule names come from manifests: each line made visible (no value holds a line feed of ours).
  return `${lines.map(visible).join('\n')}\n`;
}

/**
 * One pair: its fields at the top level. Several: the answer true for all of them (`allowed`
 * true, false or "partly"; `ports` allowed to every pair) and each pair in `podGroups`, with
 * the objects making up each group; no side of one pair stands for the whole answer.
 */
function explanationJson({ port, results, allowed, ports }: Explanation): string {
  const several = results.length > 1;
  const items = results.map((result) => ({
    source: result.from,
    destination: result.to,
    ...(several && result.fromObjects ? { sourceObjects: result.fromObjects } : {}),
    ...(several && result.toObjects ? { destinationObjects: result.toObjects } : {}),
    ...(port ? { port: port.port, protocol: port.protocol } : {}),
    allowed: result.allowed,
    ports: formatPorts(result.ports),
    egress: sideJson(result.egress),
    ingress: sideJson(result.ingress),
    ...(result.caveats.length > 0 ? { podIpCaveats: result.caveats } : {}),
  }));
  const top = several
    ? { source: results[0]!.from, destination: results[0]!.to, ...(port ? { port: port.port, protocol: port.protocol } : {}), allowed, ports: formatPorts(ports), podGroups: items }
    : items[0]!;
  return `${JSON.stringify({ apiVersion: NETPOL_API_VERSION, kind: 'Explanation', ...top }, null, 2)}\n`;
}

/** `palisade netpol explain -o`. */
export const EXPLAIN_OUTPUTS = defineOutputs<Explanation>({
  scope: 'explain',
  default: 'text',
  formats: { text: explanationText, json: explanationJson },
});

/** A connection the proposal removes, changes or adds (`generate --diff`). */
/** `palisade netpol generate`: the proposed policies, or with --diff what they would change. */
export type GenerateResult = { kind: 'Proposal'; policies: readonly KubeObject[] } | { kind: 'ProposalDiff'; policies: number; changes: readonly ConnectionChange[] };

const SIGN: Record<ConnectionChange['change'], string> = { removed: '-', changed: '~', added: '+' };

function diffText(policies: number, changes: readonly ConnectionChange[]): string {
  const lines = changes.map((change) => visible(`${SIGN[change.change]} ${change.connection}  ${change.before} => ${change.after}`));
  const count = (kind: ConnectionChange['change']) => changes.filter((change) => change.change === kind).length;
  lines.push(`${policies} policies proposed: ${count('removed')} connections removed, ${count('changed')} changed, ${count('added')} added`);
  return `${lines.join('\n')}\n`;
}

/** `palisade netpol generate -o`: YAML documents (or, with --diff, the changes as text), or JSON. */
export const GENERATE_OUTPUTS = defineOutputs<GenerateResult>({
  scope: 'generate',
  default: 'yaml',
  formats: {
    yaml: (result) => (result.kind === 'ProposalDiff' ? diffText(result.policies, result.changes) : result.policies.map((policy) => jsyaml.dump(policy, { noRefs: true, lineWidth: -1 })).join('---\n')),
    json: (result) =>
      result.kind === 'ProposalDiff'
        ? `${JSON.stringify({ apiVersion: NETPOL_API_VERSION, kind: 'ProposalDiff', policies: result.policies, changes: result.changes }, null, 2)}\n`
        : `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: result.policies }, null, 2)}\n`,
  },
});
