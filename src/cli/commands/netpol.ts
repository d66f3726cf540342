import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import jsyaml from 'js-yaml';
import type { LoadResult } from '../../adapters/manifests/documents.js';
import { parseStream } from '../../adapters/manifests/yaml.js';
import { locate } from '../../core/model/location.js';
import { fileSource, sourceLabel } from '../../core/model/source.js';
import type { Resource } from '../../core/model/resource.js';
import { analyzeNetwork, type AllowingRule, type Endpoint, type NetworkAnalysis, type Scope, type Side } from '../../core/network/analysis.js';
import { networkExposure } from '../../core/network/exposure.js';
import { generatePolicies, type ObservedFlow } from '../../core/network/generate.js';
import { buildNetworkModel } from '../../core/network/model.js';
import { formatPorts, isProtocol } from '../../core/network/ports.js';
import { addressList, podIpCaveats, resolveEndpoint, workloadMatrix, type ResolvedEndpoint, type WorkloadConnection } from '../../core/network/workloads.js';
import { INPUT_HELP, INPUT_OPTIONS, loadInputs } from '../inputs.js';
import type { CommandIO } from '../io.js';
import { UsageError } from '../usage-error.js';

export const NETPOL_API_VERSION = 'palisade.dev/netpol/v1';

export const NETPOL_HELP = `Usage: palisade netpol SUBCOMMAND [PATH...] [flags]

NetworkPolicy analysis of manifests or a cluster: which pods can reach which,
why, and the policies that should exist. Pods come from bare Pods and from the
pod templates of every workload kind. Semantics: docs/network-policy-semantics.md.

Subcommands:
  matrix              allowed connections between workloads and external addresses; a row
                      from * stands for every workload whose egress is not isolated
  explain SRC DST     allowed or denied, and the policies and rules deciding it on each side
                      (SRC/DST: namespace/workload, kind/namespace/name, an IP or a CIDR)
  exposure            workloads reachable from outside or from every namespace,
                      egress open to the Internet or to the cloud metadata endpoint
  generate            proposed NetworkPolicies: default deny per namespace (DNS kept),
                      then least-privilege allows from Services, references and flows

Flags:
  -n, --namespace NS         matrix, exposure: only connections with an end in NS;
                             generate: only this namespace; --cluster: read only NS
  -o, --output FORMAT        matrix: table, json, csv, dot, markdown; explain: text, json;
                             exposure: table, json, markdown; generate: yaml, json
      --direction DIR        matrix: ingress or egress only (the other side is taken as open)
      --port PORT[/PROTO]    explain: one port (protocol TCP, UDP or SCTP; default TCP)
      --baseline same-namespace  generate: also allow all traffic within each namespace
      --flows FILE           generate: observed flows (YAML or JSON list of {from, to, port, protocol})
      --diff                 generate: print the connections the proposal removes and adds
${INPUT_HELP}
  -h, --help                 this help

Exit codes: 0 done (explain: allowed; exposure: nothing exposed), 1 explain: denied,
exposure: exposures found, 2 usage or input error.
`;

const MATRIX_FORMATS = ['table', 'json', 'csv', 'dot', 'markdown'];

interface Loaded {
  resources: Resource[];
  analysis: NetworkAnalysis;
  inputErrors: number;
}

async function load(values: Record<string, unknown>, positionals: string[], io: CommandIO, command: string): Promise<Loaded> {
  const namespace = values.namespace as string | undefined;
  const loaded: LoadResult = await loadInputs(values, positionals, io, { command: `palisade netpol ${command}`, ...(namespace ? { clusterNamespace: namespace } : {}) });
  for (const error of loaded.errors) io.stderr(`${error.file}${error.line ? `:${error.line}${error.column ? `:${error.column}` : ''}` : ''}: ${error.message}\n`);
  const model = buildNetworkModel(loaded.resources);
  for (const problem of model.problems) {
    const position = locate(problem.resource.object, problem.path).position;
    io.stderr(`${sourceLabel(problem.resource.origin.source)}${position ? `:${position.line}:${position.column}` : ''}: NetworkPolicy ${problem.resource.ref.namespace}/${problem.resource.ref.name}: ${problem.path.join('.')}: ${problem.message}\n`);
  }
  io.progress(`${model.workloads.size} workloads in ${model.classes.length} classes, ${model.policies.length} NetworkPolicies`);
  return { resources: [...loaded.resources], analysis: analyzeNetwork(model), inputErrors: loaded.errors.length + model.problems.length };
}

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd()).join('\n') + '\n';
}

function markdownTable(rows: string[][]): string {
  const escapeCell = (cell: string) => cell.replace(/\|/g, '\\|');
  const [head, ...body] = rows;
  return [`| ${head!.join(' | ')} |`, `|${head!.map(() => '---').join('|')}|`, ...body.map((row) => `| ${row.map(escapeCell).join(' | ')} |`)].join('\n') + '\n';
}

const csvCell = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

function renderMatrix(connections: WorkloadConnection[], format: string, scope: Scope): string {
  const rows = connections.map((connection) => [connection.from, connection.to, formatPorts(connection.ports), addressList(connection.addresses).join(' ')]);
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        {
          apiVersion: NETPOL_API_VERSION,
          kind: 'Matrix',
          direction: scope,
          connections: connections.map((connection) => ({ from: connection.from, to: connection.to, ports: formatPorts(connection.ports), ...(connection.addresses ? { addresses: addressList(connection.addresses) } : {}) })),
        },
        null,
        2,
      )}\n`;
    case 'csv':
      return ['from,to,ports,addresses', ...rows.map((row) => row.map(csvCell).join(','))].join('\n') + '\n';
    case 'markdown':
      return markdownTable([['From', 'To', 'Ports', 'Addresses'], ...rows]);
    case 'dot': {
      const quote = (text: string) => JSON.stringify(text);
      const nodes = new Map<string, Set<string>>();
      for (const connection of connections) {
        for (const end of [connection.from, connection.to]) {
          const namespace = end === 'external' || end === '*' ? '' : end.split('/')[0]!;
          if (!nodes.has(namespace)) nodes.set(namespace, new Set());
          nodes.get(namespace)!.add(end);
        }
      }
      const lines = ['digraph netpol {', '  rankdir=LR;', '  node [shape=box];'];
      for (const [namespace, members] of [...nodes].sort()) {
        if (namespace === '') for (const member of members) lines.push(`  ${quote(member)} [shape=ellipse];`);
        else {
          lines.push(`  subgraph ${quote(`cluster_${namespace}`)} {`, `    label=${quote(namespace)};`);
          for (const member of [...members].sort()) lines.push(`    ${quote(member)} [label=${quote(member.split('/').slice(1).join('/'))}];`);
          lines.push('  }');
        }
      }
      for (const connection of connections) lines.push(`  ${quote(connection.from)} -> ${quote(connection.to)} [label=${quote(formatPorts(connection.ports))}];`);
      lines.push('}');
      return lines.join('\n') + '\n';
    }
    default:
      return connections.length === 0 ? 'no allowed connections\n' : pad([['FROM', 'TO', 'PORTS', 'ADDRESSES'], ...rows]);
  }
}

async function matrixCommand(values: Record<string, unknown>, positionals: string[], io: CommandIO): Promise<number> {
  const format = (values.output as string | undefined) ?? 'table';
  if (!MATRIX_FORMATS.includes(format)) throw new UsageError(`-o must be one of ${MATRIX_FORMATS.join(', ')}`);
  const direction = values.direction as string | undefined;
  if (direction !== undefined && direction !== 'ingress' && direction !== 'egress') throw new UsageError('--direction must be ingress or egress');
  const scope: Scope = (direction as Scope | undefined) ?? 'both';
  const { analysis, inputErrors } = await load(values, positionals, io, 'matrix');
  const namespace = values.namespace as string | undefined;
  const connections = workloadMatrix(analysis, { scope, ...(namespace ? { namespace } : {}) });
  await io.stdout(renderMatrix(connections, format, scope));
  return inputErrors > 0 ? 2 : 0;
}

function parsePort(text: string): { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' } {
  const [portText, protocolText] = text.split('/');
  const port = Number(portText);
  const protocol = (protocolText ?? 'TCP').toUpperCase();
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port ${text}: the port must be a number from 1 to 65535`);
  if (!isProtocol(protocol)) throw new UsageError(`--port ${text}: the protocol must be TCP, UDP or SCTP`);
  return { port, protocol };
}

function endpointsOf(resolved: ResolvedEndpoint): Array<{ endpoint: Endpoint; label: string }> {
  if (resolved.type === 'addresses') return [{ endpoint: { type: 'addresses', addresses: resolved.addresses, label: resolved.label }, label: resolved.label }];
  return resolved.workload.classes.map((id) => ({ endpoint: { type: 'class', id }, label: resolved.workload.id }));
}

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

async function explainCommand(values: Record<string, unknown>, positionals: string[], io: CommandIO): Promise<number> {
  const format = (values.output as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('-o must be text or json');
  const [sourceText, destinationText, ...inputs] = positionals;
  if (sourceText === undefined || destinationText === undefined) throw new UsageError('explain needs SRC and DST: palisade netpol explain SRC DST [PATH...]');
  const port = values.port === undefined ? undefined : parsePort(values.port as string);
  const { analysis, inputErrors } = await load(values, inputs, io, 'explain');
  let source: ResolvedEndpoint;
  let destination: ResolvedEndpoint;
  try {
    source = resolveEndpoint(analysis, sourceText);
    destination = resolveEndpoint(analysis, destinationText);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (source.type === 'addresses' && destination.type === 'addresses') throw new UsageError('explain needs a workload at one end at least');
  const results = [];
  for (const from of endpointsOf(source)) {
    for (const to of endpointsOf(destination)) {
      const verdict = port ? analysis.decide(from.endpoint, to.endpoint, port.port, port.protocol) : { ...analysis.connection(from.endpoint, to.endpoint), allowed: undefined };
      const allowed = verdict.allowed ?? formatPorts(verdict.ports) !== 'none';
      // Pod to pod: ipBlocks over private ranges may match pod IPs on some plugins (never in this analysis).
      const caveats =
        from.endpoint.type === 'class' && to.endpoint.type === 'class' ? [...podIpCaveats(analysis, from.endpoint.id, 'Egress'), ...podIpCaveats(analysis, to.endpoint.id, 'Ingress')] : [];
      results.push({ from: from.label, to: to.label, allowed, ports: verdict.ports, egress: verdict.egress, ingress: verdict.ingress, caveats });
    }
  }
  const allowed = results.some((result) => result.allowed);
  if (format === 'json') {
    const items = results.map((result) => ({
      source: result.from,
      destination: result.to,
      ...(port ? { port: port.port, protocol: port.protocol } : {}),
      allowed: result.allowed,
      ports: formatPorts(result.ports),
      egress: sideJson(result.egress),
      ingress: sideJson(result.ingress),
      ...(result.caveats.length > 0 ? { podIpCaveats: result.caveats } : {}),
    }));
    await io.stdout(`${JSON.stringify({ apiVersion: NETPOL_API_VERSION, kind: 'Explanation', ...items[0]!, ...(items.length > 1 ? { podGroups: items } : {}) }, null, 2)}\n`);
  } else {
    const lines: string[] = [];
    for (const result of results) {
      const subject = port ? `port ${port.port}/${port.protocol}` : 'any port';
      lines.push(`${result.from} -> ${result.to} (${subject}): ${result.allowed ? 'ALLOWED' : 'DENIED'}${port ? '' : `, allowed ports: ${formatPorts(result.ports)}`}`);
      lines.push(...sideText('egress', result.egress).map((line) => `  ${line}`));
      lines.push(...sideText('ingress', result.ingress).map((line) => `  ${line}`));
      for (const caveat of result.caveats) lines.push(`  note: ${caveat} overlaps private ranges: this analysis never matches pod IPs with ipBlock, plugins that do (Calico) may allow more`);
    }
    if (results.length > 1) lines.push(`(${results.length} groups of pods whose labels differ; each explained)`);
    await io.stdout(`${lines.join('\n')}\n`);
  }
  if (inputErrors > 0) return 2;
  return allowed ? 0 : 1;
}

async function exposureCommand(values: Record<string, unknown>, positionals: string[], io: CommandIO): Promise<number> {
  const format = (values.output as string | undefined) ?? 'table';
  if (!['table', 'json', 'markdown'].includes(format)) throw new UsageError('-o must be table, json or markdown');
  const { analysis, resources, inputErrors } = await load(values, positionals, io, 'exposure');
  const namespace = values.namespace as string | undefined;
  const items = networkExposure(analysis, resources, namespace ? { namespace } : {});
  const rows = items.map((item) => [item.workload, item.exposure, formatPorts(item.ports), item.detail]);
  if (format === 'json') {
    await io.stdout(`${JSON.stringify({ apiVersion: NETPOL_API_VERSION, kind: 'Exposure', items: items.map((item) => ({ ...item, ports: formatPorts(item.ports) })) }, null, 2)}\n`);
  } else if (format === 'markdown') await io.stdout(markdownTable([['Workload', 'Exposure', 'Ports', 'Detail'], ...rows]));
  else await io.stdout(items.length === 0 ? 'no exposure found\n' : pad([['WORKLOAD', 'EXPOSURE', 'PORTS', 'DETAIL'], ...rows]));
  if (inputErrors > 0) return 2;
  return items.length > 0 ? 1 : 0;
}

async function readFlows(file: string): Promise<ObservedFlow[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --flows ${file}: ${(error as Error).message}`);
  }
  const document = parseStream(text)[0];
  if (document?.error) throw new UsageError(`${file}:${document.error.line}:${document.error.column}: ${document.error.message}`);
  const value = document?.value;
  const list = Array.isArray(value) ? value : Array.isArray((value as { flows?: unknown })?.flows) ? (value as { flows: unknown[] }).flows : undefined;
  if (!list) throw new UsageError(`${file}: expected a list of flows (or {flows: [...]}), each {from, to, port, protocol}`);
  return list.map((item, index) => {
    const entry = item as Record<string, unknown>;
    if (typeof entry?.from !== 'string' || typeof entry.to !== 'string') throw new UsageError(`${file}: flow #${index + 1}: from and to must be strings (namespace/workload, kind/namespace/name, IP or CIDR)`);
    const port = entry.port === undefined ? undefined : /^\d+$/.test(String(entry.port)) ? Number(entry.port) : String(entry.port);
    const protocol = entry.protocol === undefined ? undefined : String(entry.protocol).toUpperCase();
    if (protocol !== undefined && !isProtocol(protocol)) throw new UsageError(`${file}: flow #${index + 1}: protocol must be TCP, UDP or SCTP`);
    return { from: entry.from, to: entry.to, ...(port !== undefined ? { port } : {}), ...(protocol ? { protocol } : {}) };
  });
}

async function generateCommand(values: Record<string, unknown>, positionals: string[], io: CommandIO): Promise<number> {
  const format = (values.output as string | undefined) ?? 'yaml';
  if (format !== 'yaml' && format !== 'json') throw new UsageError('-o must be yaml or json');
  const baseline = values.baseline as string | undefined;
  if (baseline !== undefined && baseline !== 'same-namespace') throw new UsageError('--baseline must be same-namespace');
  const observed = values.flows ? await readFlows(values.flows as string) : [];
  const { analysis, resources, inputErrors } = await load(values, positionals, io, 'generate');
  const namespace = values.namespace as string | undefined;
  const proposal = generatePolicies(analysis, resources, { ...(baseline ? { baseline: 'same-namespace' as const } : {}), observed, ...(namespace ? { namespaces: [namespace] } : {}) });
  for (const note of proposal.notes) io.stderr(`note: ${note}\n`);
  if (values.diff) {
    const generated: Resource[] = proposal.policies.map((object, index) => {
      const metadata = object.metadata as { name: string; namespace: string };
      return { ref: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: metadata.name, namespace: metadata.namespace }, object, origin: { source: fileSource('(generated)'), document: index } };
    });
    // The proposal replaces nothing: it is added to the policies that exist.
    const after = analyzeNetwork(buildNetworkModel([...resources, ...generated]));
    // Expanded: a connection hidden in a `*` row must show up one by one when the proposal cuts it.
    const scope = { expand: true, ...(namespace ? { namespace } : {}) };
    const key = (connection: WorkloadConnection) => `${connection.from} -> ${connection.to}`;
    const before = new Map(workloadMatrix(analysis, scope).map((connection) => [key(connection), connection]));
    const afterMap = new Map(workloadMatrix(after, scope).map((connection) => [key(connection), connection]));
    const changes: Array<{ change: string; connection: string; before: string; after: string }> = [];
    for (const [name, connection] of before) {
      const next = afterMap.get(name);
      if (!next) changes.push({ change: 'removed', connection: name, before: formatPorts(connection.ports), after: 'none' });
      else if (formatPorts(next.ports) !== formatPorts(connection.ports)) changes.push({ change: 'changed', connection: name, before: formatPorts(connection.ports), after: formatPorts(next.ports) });
    }
    for (const [name, connection] of afterMap) if (!before.has(name)) changes.push({ change: 'added', connection: name, before: 'none', after: formatPorts(connection.ports) });
    if (format === 'json') await io.stdout(`${JSON.stringify({ apiVersion: NETPOL_API_VERSION, kind: 'ProposalDiff', policies: proposal.policies.length, changes }, null, 2)}\n`);
    else {
      const sign = { removed: '-', changed: '~', added: '+' } as Record<string, string>;
      const lines = changes.map((change) => `${sign[change.change]} ${change.connection}  ${change.before} => ${change.after}`);
      lines.push(`${proposal.policies.length} policies proposed: ${changes.filter((change) => change.change === 'removed').length} connections removed, ${changes.filter((change) => change.change === 'changed').length} changed, ${changes.filter((change) => change.change === 'added').length} added`);
      await io.stdout(`${lines.join('\n')}\n`);
    }
    return inputErrors > 0 ? 2 : 0;
  }
  if (format === 'json') await io.stdout(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: proposal.policies }, null, 2)}\n`);
  else await io.stdout(proposal.policies.map((policy) => jsyaml.dump(policy, { noRefs: true, lineWidth: -1 })).join('---\n'));
  return inputErrors > 0 ? 2 : 0;
}

const SUBCOMMANDS: Record<string, (values: Record<string, unknown>, positionals: string[], io: CommandIO) => Promise<number>> = {
  matrix: matrixCommand,
  explain: explainCommand,
  exposure: exposureCommand,
  generate: generateCommand,
};

export async function netpolCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...INPUT_OPTIONS,
      namespace: { type: 'string', short: 'n' },
      output: { type: 'string', short: 'o' },
      direction: { type: 'string' },
      port: { type: 'string' },
      baseline: { type: 'string' },
      flows: { type: 'string' },
      diff: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [subcommand, ...rest] = positionals;
  if (values.help || subcommand === undefined) {
    io.stdout(NETPOL_HELP);
    return values.help ? 0 : 2;
  }
  const run = SUBCOMMANDS[subcommand];
  if (!run) throw new UsageError(`unknown subcommand "${subcommand}" (matrix, explain, exposure, generate); see palisade netpol --help`);
  return run(values, rest, io);
}
