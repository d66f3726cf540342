import { parseArgs } from 'node:util';
import { detectDrift, driftExitCode, type DriftReport } from '../../app/drift.js';
import type { ObjectDrift } from '../../core/drift/drift.js';
import type { FieldDrift } from '../../core/drift/compare.js';
import { sourceLabel } from '../../core/model/source.js';
import { loadSources } from '../../adapters/manifests/files.js';
import { chooseOutputs, defineOutputs, formatList, renderContext, writeAllRendered } from '../output/registry.js';
import { loadInputs } from '../inputs.js';
import { UsageError } from '../usage-error.js';
import type { CommandIO } from '../io.js';

export const DRIFT_OUTPUTS = defineOutputs<DriftReport>({
  default: 'table',
  formats: {
    table: (report) => renderTable(report),
    json: (report) => `${JSON.stringify(jsonOf(report), null, 2)}\n`,
    line: (report) => renderLines(report),
  },
});

export const DRIFT_HELP = `Usage: palisade drift --desired PATH... (--cluster | --snapshot FILE) [flags]

Compares live objects with their desired manifests (a directory, a Kustomize overlay or a Helm
chart), field by field: each field the manifest sets that differs live, with its path and both
values. What the API server and controllers set (defaults, status, uid, resourceVersion,
managedFields, last-applied-configuration, ...) is not drift. Lists with a merge key
(containers, env, volumes, ports, ...) are matched by it: an element only live is drift.
Secrets are read as metadata only: their data is never compared or printed.

Flags:
      --desired PATH         the desired manifests: file, directory, Kustomize overlay or Helm chart
                             (repeatable; PATH arguments work too)
      --values FILE          Helm values file (repeatable)
      --set KEY=VALUE        Helm value (repeatable)
      --cluster              compare with the live cluster of the current kubeconfig context
      --context NAME         kubeconfig context (with --cluster)
      --kubeconfig FILE      kubeconfig file (with --cluster; default KUBECONFIG, ~/.kube/config)
      --snapshot FILE        compare with a snapshot instead (palisade scan --cluster --snapshot FILE)
  -n, --namespace NS         namespace of desired objects that name none (as kubectl apply -n)
      --prune                also report live objects of the desired kinds and namespaces that no
                             manifest describes (not those a controller owns)
  -o, --output FORMAT[=FILE] ${formatList(DRIFT_OUTPUTS)} (default ${DRIFT_OUTPUTS.default})
      --no-color             plain output

Exit codes: 0 no drift, 1 drift, 2 usage or input error, or desired objects not compared.

Examples:
  palisade drift --desired k8s/ --cluster -n shop      the live cluster against k8s/
  palisade drift --desired overlays/prod --cluster --context prod --prune
  palisade drift --desired charts/web --values prod.yaml --snapshot cluster.json -o json
  palisade scan --cluster --snapshot cluster.json && palisade drift --desired k8s/ --snapshot cluster.json
`;

export async function driftCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      desired: { type: 'string', multiple: true },
      values: { type: 'string', multiple: true },
      set: { type: 'string', multiple: true },
      cluster: { type: 'boolean' },
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      snapshot: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      prune: { type: 'boolean' },
      output: { type: 'string', short: 'o', multiple: true },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(DRIFT_HELP);
    return 0;
  }
  const paths = [...(values.desired ?? []), ...positionals];
  if (paths.length === 0) throw new UsageError('no desired manifests: give --desired PATH (a directory, a Kustomize overlay or a Helm chart); see palisade drift --help');
  if (values.cluster && values.snapshot !== undefined) throw new UsageError('--cluster and --snapshot: give one (the live cluster, or a snapshot of it)');
  if (!values.cluster && values.snapshot === undefined) throw new UsageError('nothing to compare with: give --cluster (the live cluster) or --snapshot FILE');
  if (!values.cluster && (values.context !== undefined || values.kubeconfig !== undefined)) throw new UsageError('--context and --kubeconfig need --cluster');
  const outputs = chooseOutputs(DRIFT_OUTPUTS, values.output, io.cwd);
  const desired = await loadInputs({ ...(values.values ? { values: values.values } : {}), ...(values.set ? { set: values.set } : {}) }, paths, io, {
    command: 'palisade drift',
    ...(values.namespace ? { defaultNamespace: values.namespace } : {}),
  });
  let live;
  let liveLabel: string;
  if (values.cluster) {
    const { readLiveFor } = await import('../../adapters/cluster/live.js');
    const { ClusterUnavailable, describeFailure } = await import('../../adapters/cluster/read.js');
    try {
      live = await readLiveFor(
        desired.resources.map((resource) => resource.ref),
        { ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}), ...(values.context ? { context: values.context } : {}), progress: (text) => io.progress(text) },
      );
    } catch (error) {
      throw new UsageError(error instanceof ClusterUnavailable ? error.message : `cannot read the cluster: ${describeFailure(error)}`);
    }
    liveLabel = `cluster:${live.context}`;
  } else {
    const loaded = await loadSources([values.snapshot!]);
    if (loaded.resources.length === 0 && loaded.errors.length === 0) throw new UsageError(`--snapshot ${values.snapshot}: no objects in it (write one with palisade scan --cluster --snapshot FILE)`);
    live = loaded;
    liveLabel = values.snapshot!;
  }
  if (desired.resources.length === 0 && desired.errors.length === 0) throw new UsageError(`no Kubernetes objects in ${paths.join(', ')}`);
  // A snapshot holds the kinds scan --cluster lists (what its checks read) and whatever else it was made with.
  let liveKinds: Set<string> | undefined;
  if (!values.cluster) {
    const { kindsToRead } = await import('../../core/inventory/reads.js');
    const { ALL_CHECKS } = await import('../../core/checks/index.js');
    liveKinds = new Set([...kindsToRead(ALL_CHECKS).map((info) => info.kind), ...live.resources.map((resource) => resource.ref.kind)]);
  }
  const report = detectDrift({ desired: desired.resources, live: live.resources, liveLabel, errors: [...desired.errors, ...live.errors], prune: values.prune === true, ...(liveKinds ? { liveKinds } : {}) });
  await writeAllRendered(io, outputs, report, renderContext(io, { color: io.color && !values['no-color'] }));
  return driftExitCode(report);
}

function whereDesired(object: ObjectDrift, field?: number): string | undefined {
  if (!object.desiredAt) return undefined;
  const position = (field !== undefined ? object.positions?.[field] : undefined) ?? object.desiredAt.position;
  return `${sourceLabel(object.desiredAt.source)}${position ? `:${position.line}:${position.column}` : ''}`;
}

function name(object: ObjectDrift): string {
  return `${object.object.kind} ${object.object.namespace ? `${object.object.namespace}/` : ''}${object.object.name}`;
}

function show(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}

/** One difference in words; a Secret's never carries a value. */
export function describeField(field: FieldDrift): string {
  if (field.secret) return `${field.path}: ${field.change === 'missing' ? 'key missing live' : 'differs'} (values not shown)`;
  switch (field.change) {
    case 'missing':
      return `${field.path}: desired ${show(field.desired)}, live (absent)`;
    case 'extra':
      return `${field.path}: only live ${show(field.live)}`;
    case 'changed':
      return `${field.path}: desired ${show(field.desired)}, live ${show(field.live)}`;
  }
}

const STATUS_WORDS: Record<ObjectDrift['status'], string> = { drifted: 'drifted', 'not-deployed': 'not deployed', 'not-desired': 'not in desired state', 'in-sync': 'in sync' };

function summary(report: DriftReport): string {
  const { counts } = report;
  return `${report.objects.length} object(s) against ${report.live}: ${counts.drifted} drifted, ${counts['not-deployed']} not deployed, ${counts['not-desired']} not in desired state, ${counts['in-sync']} in sync${report.notCompared.length > 0 ? `; ${report.notCompared.length} not compared` : ''}${report.errors.length > 0 ? `; ${report.errors.length} input error(s)` : ''}`;
}

function renderTable(report: DriftReport): string {
  const lines: string[] = [];
  for (const object of report.objects) {
    const where = whereDesired(object);
    lines.push(`${name(object)}  ${STATUS_WORDS[object.status]}${where ? `  (${where})` : ''}`);
    for (const field of object.fields) lines.push(`  ${describeField(field)}`);
    if (object.notCompared) lines.push(`  ${object.notCompared}`);
  }
  for (const item of report.notCompared) lines.push(`${item.kind} ${item.namespace ? `${item.namespace}/` : ''}${item.name}  not compared: ${item.reason}`);
  for (const error of report.errors) lines.push(`error ${error.code}: ${error.file}${error.line ? `:${error.line}` : ''}: ${error.message}`);
  lines.push(summary(report));
  return `${lines.join('\n')}\n`;
}

function renderLines(report: DriftReport): string {
  const lines: string[] = [];
  for (const object of report.objects) {
    if (object.status === 'in-sync') continue;
    const where = whereDesired(object) ?? report.live;
    if (object.fields.length === 0) lines.push(`${where}: drift ${object.status}: ${name(object)} is ${STATUS_WORDS[object.status]}`);
    object.fields.forEach((field, index) => lines.push(`${whereDesired(object, index) ?? where}: drift ${object.status}: ${name(object)} ${describeField(field)}`));
  }
  for (const item of report.notCompared) lines.push(`${report.live}: warning not-compared: ${item.kind} ${item.namespace ? `${item.namespace}/` : ''}${item.name}: ${item.reason}`);
  for (const error of report.errors) lines.push(`${error.file}:${error.line ?? 0}:${error.column ?? 0}: error ${error.code}: ${error.message}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function jsonOf(report: DriftReport): unknown {
  return {
    schemaVersion: report.schemaVersion,
    live: report.live,
    drift: report.drift,
    counts: report.counts,
    objects: report.objects.map((object) => ({
      status: object.status,
      object: object.object,
      ...(object.desiredAt ? { desired: whereDesired(object) } : {}),
      fields: object.fields.map((field, index) => {
        const position = object.positions?.[index];
        return position ? { ...field, line: position.line, column: position.column } : field;
      }),
      ...(object.notCompared ? { notCompared: object.notCompared } : {}),
    })),
    notCompared: report.notCompared,
    errors: report.errors.map(({ source: _source, ...error }) => error),
  };
}
