import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { LoadResult } from '../../adapters/manifests/documents.js';
import { parseStream } from '../../adapters/manifests/yaml.js';
import { locate } from '../../core/model/location.js';
import { buildNetworkContext, connectionMatrix, explainConnection, exposureOf, namespacesToRead, NetworkQueryError, proposalChanges, proposePolicies, type Explanation, type NetworkContext, type NetworkQuestion } from '../../app/netpol.js';
import type { Scope } from '../../core/network/analysis.js';
import type { ObservedFlow } from '../../core/network/generate.js';
import { isProtocol } from '../../core/network/ports.js';
import { EXPLAIN_OUTPUTS, EXPOSURE_OUTPUTS, GENERATE_OUTPUTS, MATRIX_OUTPUTS } from '../formatters/netpol.js';
import { chooseOutputs, formatList, writeAllRendered } from '../output/registry.js';
import { sourceLabel } from '../../core/model/source.js';
import { INPUT_HELP, INPUT_OPTIONS, loadInputs } from '../inputs.js';
import type { CommandIO } from '../io.js';
import { UsageError } from '../usage-error.js';

export { NETPOL_API_VERSION } from '../formatters/netpol.js';

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
                             generate: policies for NS only; with --cluster, matrix and
                             generate still read every namespace (clients, Services and
                             Ingresses elsewhere decide NS's connections), explain and
                             exposure read only NS
  -o, --output FORMAT[=FILE] matrix: ${formatList(MATRIX_OUTPUTS)}; explain: ${formatList(EXPLAIN_OUTPUTS)};
                             exposure: ${formatList(EXPOSURE_OUTPUTS)}; generate: ${formatList(GENERATE_OUTPUTS)}
      --direction DIR        matrix: ingress or egress only (the other side is taken as open)
      --port PORT[/PROTO]    explain: one port (protocol TCP, UDP or SCTP; default TCP)
      --baseline same-namespace  generate: also allow all traffic within each namespace
      --flows FILE           generate: observed flows (YAML or JSON list of {from, to, port, protocol})
      --diff                 generate: print the connections the proposal removes and adds
${INPUT_HELP}
  -h, --help                 this help

Exit codes: 0 done (explain: allowed for every pod group; exposure: nothing exposed),
1 explain: denied or only partly allowed (some of the workload's pod groups are allowed,
others denied; each is reported), exposure: exposures found, 2 usage or input error.

Examples:
  palisade netpol matrix k8s/ -n shop                which workloads can reach which
  palisade netpol explain shop/frontend shop/db --port 5432 k8s/
  palisade netpol exposure --cluster -A
  palisade netpol generate k8s/ --baseline same-namespace --diff
`;

interface Loaded {
  context: NetworkContext;
  inputErrors: number;
}

async function load(values: Record<string, unknown>, positionals: string[], io: CommandIO, command: NetworkQuestion): Promise<Loaded> {
  // -n scopes the question; what --cluster reads is what the answer needs (every namespace for matrix and generate).
  const toRead = namespacesToRead(command, values.namespace as string | undefined);
  const loaded: LoadResult = await loadInputs(values, positionals, io, { command: `palisade netpol ${command}`, ...(toRead?.length === 1 ? { clusterNamespace: toRead[0] } : {}) });
  for (const error of loaded.errors) io.stderr(`${error.file}${error.line ? `:${error.line}${error.column ? `:${error.column}` : ''}` : ''}: ${error.message}\n`);
  const context = buildNetworkContext(loaded);
  const { model } = context;
  for (const problem of context.problems) {
    const position = locate(problem.resource.object, problem.path).position;
    io.stderr(`${sourceLabel(problem.resource.origin.source)}${position ? `:${position.line}:${position.column}` : ''}: NetworkPolicy ${problem.resource.ref.namespace}/${problem.resource.ref.name}: ${problem.path.join('.')}: ${problem.message}\n`);
  }
  io.progress(`${model.workloads.size} workloads in ${model.classes.length} classes, ${model.policies.length} NetworkPolicies`);
  return { context, inputErrors: loaded.errors.length + context.problems.length };
}

async function matrixCommand(values: Record<string, unknown>, positionals: string[], io: CommandIO): Promise<number> {
  const output = chooseOutputs(MATRIX_OUTPUTS, values.output as string[] | undefined, io.cwd);
  const direction = values.direction as string | undefined;
  if (direction !== undefined && direction !== 'ingress' && direction !== 'egress') throw new UsageError('--direction must be ingress or egress');
  const scope: Scope = (direction as Scope | undefined) ?? 'both';
  const { context, inputErrors } = await load(values, positionals, io, 'matrix');
  const namespace = values.namespace as string | undefined;
  const connections = connectionMatrix(context, { scope, ...(namespace ? { namespace } : {}) });
  await writeAllRendered(io, output, { connections, scope });
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

async function explainCommand(values: Record<string, unknown>, positionals: string[], io: CommandIO): Promise<number> {
  const output = chooseOutputs(EXPLAIN_OUTPUTS, values.output as string[] | undefined, io.cwd);
  const [sourceText, destinationText, ...inputs] = positionals;
  if (sourceText === undefined || destinationText === undefined) throw new UsageError('explain needs SRC and DST: palisade netpol explain SRC DST [PATH...]');
  const port = values.port === undefined ? undefined : parsePort(values.port as string);
  const { context, inputErrors } = await load(values, inputs, io, 'explain');
  let explanation: Explanation;
  try {
    explanation = explainConnection(context, sourceText, destinationText, port);
  } catch (error) {
    if (error instanceof NetworkQueryError) throw new UsageError(error.message);
    throw error;
  }
  await writeAllRendered(io, output, explanation);
  const { allowed } = explanation;
  if (inputErrors > 0) return 2;
  // Partly allowed is not allowed: exit codes stay 0/1/2 as on every command.
  return allowed === true ? 0 : 1;
}

async function exposureCommand(values: Record<string, unknown>, positionals: string[], io: CommandIO): Promise<number> {
  const output = chooseOutputs(EXPOSURE_OUTPUTS, values.output as string[] | undefined, io.cwd);
  const { context, inputErrors } = await load(values, positionals, io, 'exposure');
  const namespace = values.namespace as string | undefined;
  const items = exposureOf(context, namespace ? { namespace } : {});
  await writeAllRendered(io, output, items);
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
  const output = chooseOutputs(GENERATE_OUTPUTS, values.output as string[] | undefined, io.cwd);
  const baseline = values.baseline as string | undefined;
  if (baseline !== undefined && baseline !== 'same-namespace') throw new UsageError('--baseline must be same-namespace');
  const observed = values.flows ? await readFlows(values.flows as string) : [];
  const { context, inputErrors } = await load(values, positionals, io, 'generate');
  const namespace = values.namespace as string | undefined;
  const proposal = proposePolicies(context, { ...(baseline ? { baseline: 'same-namespace' as const } : {}), observed, ...(namespace ? { namespace } : {}) });
  for (const note of proposal.notes) io.stderr(`note: ${note}\n`);
  if (values.diff) {
    const changes = proposalChanges(context, proposal);
    await writeAllRendered(io, output, { kind: 'ProposalDiff', policies: proposal.policies.length, changes });
    return inputErrors > 0 ? 2 : 0;
  }
  await writeAllRendered(io, output, { kind: 'Proposal', policies: proposal.policies });
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
      output: { type: 'string', short: 'o', multiple: true },
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
