import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ScanPlan } from '../../core/engine/config.js';
import { sourceLabel } from '../../core/model/source.js';
import type { KustomizeOverlay } from '../../core/engine/fixes.js';
import { readKustomization, unifiedDiff } from '../../adapters/manifests/edit.js';
import { fixDiff, fixManifests, type FixOutcome, type FixResult, type FixStatus } from '../../app/fix.js';
import { planScan } from '../../app/scan.js';
import { decodeInput } from '../../adapters/manifests/files.js';
import { defineOutputs, formatList, writeRendered, chooseOutput, renderContext } from '../output/registry.js';
import { INPUT_OPTIONS, loadInputs } from '../inputs.js';
import { configuring, loadConfigFile } from '../config.js';
import { UsageError } from '../usage-error.js';
import type { CommandIO } from '../io.js';

/** The name of the patch file proposed for a Kustomize directory. */
export const PATCH_FILE = 'palisade-fix.yaml';

interface Rendering {
  result: FixResult;
  diff: string;
  written: boolean;
  cwd: string;
}

export const FIX_OUTPUTS = defineOutputs<Rendering>({
  default: 'diff',
  formats: {
    diff: ({ diff }) => diff,
    json: ({ result, written, cwd }) =>
      `${JSON.stringify(
        {
          written,
          files: result.files.map((file) => {
            const relative = path.relative(cwd, path.resolve(cwd, file.path)) || file.path;
            return { path: relative, diff: unifiedDiff(relative, file.before, file.after, { masked: result.sensitiveLines.get(file.path) }) };
          }),
          patches: result.patches.map((patch) => ({ directory: patch.directory, file: path.join(patch.directory, PATCH_FILE), text: patch.text })),
          findings: result.outcomes.map((outcome) => outcomeJson(outcome)),
          summary: { ...counts(result.outcomes), unfixable: result.unfixable },
        },
        null,
        2,
      )}\n`,
  },
});

export const FIX_HELP = `Usage: palisade fix [PATH...] [flags]

Writes the mechanical fixes of findings into the manifest files themselves (securityContext
fields, seccomp, capabilities, automountServiceAccountToken, imagePullPolicy; a TODO comment
where a value must be chosen: probes, resources), keeping comments, key order and formatting.
Shows a diff first: nothing is written without --write. Every fixed finding is proven gone by
scanning the new text again. Helm chart templates are never edited; for a Kustomize directory
a patch for the overlay is proposed instead of editing its bases.

Flags:
  -f, --filename PATH        manifest file or directory (repeatable; same as a PATH argument)
      --values FILE          Helm values file (repeatable)
      --set KEY=VALUE        Helm value (repeatable)
      --max-file-size BYTES  refuse larger files (default 64 MiB)
      --check ID             fix only this check's findings (repeatable)
      --enable ID            also run a check that is off by default (repeatable; '*' for all)
      --disable ID           skip a check (repeatable)
      --config FILE          configuration (default: .palisade.yaml when present)
      --dry-run              show the diff, write nothing (the default)
      --write                write the fixed files (each written whole, then renamed into place)
      --patch-dir DIR        with --write: write Kustomize patches to DIR (default: the
                             Kustomize directory itself, as ${PATCH_FILE})
  -o, --output FORMAT        ${formatList(FIX_OUTPUTS)} (default ${FIX_OUTPUTS.default}): the unified diff, or what was fixed as JSON
  -n, --namespace NS         namespace for objects that name none (as kubectl apply -n)
      --no-inline-exceptions ignore ignore-check.palisade.dev/* annotations

What became of each finding is written to stderr: fixed, todo (a comment asks for a value),
patch (in the proposed Kustomize patch), not fixed (still reported after the fix) or refused
(a Helm template, stdin, an alias or anchor, formatting that cannot be kept), with the reason.

Exit codes: 0 nothing left to fix, 1 fixes proposed (dry run) or fixable findings remaining,
2 usage or input error (an input that does not parse: the others are still fixed).

Examples:
  palisade fix k8s/                               show the fixes for every manifest under k8s/
  palisade fix k8s/ --write                       write them, then scan again
  palisade fix deploy.yaml --check run-as-root --check seccomp-profile-missing
                                                  only these checks' findings
  palisade fix k8s/ | git apply                   the diff applies with git (paths are relative)
  palisade fix overlays/prod --write              propose overlays/prod/${PATCH_FILE} for Kustomize
`;

export async function fixCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      filename: INPUT_OPTIONS.filename,
      values: INPUT_OPTIONS.values,
      set: INPUT_OPTIONS.set,
      'max-file-size': INPUT_OPTIONS['max-file-size'],
      check: { type: 'string', multiple: true },
      enable: { type: 'string', multiple: true },
      disable: { type: 'string', multiple: true },
      config: { type: 'string' },
      'dry-run': { type: 'boolean' },
      write: { type: 'boolean' },
      'patch-dir': { type: 'string' },
      output: { type: 'string', short: 'o' },
      namespace: { type: 'string', short: 'n' },
      'no-inline-exceptions': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(FIX_HELP);
    return 0;
  }
  if (values.write && values['dry-run']) throw new UsageError('--write and --dry-run: give one (--dry-run, the default, writes nothing)');
  if (values['patch-dir'] !== undefined && !values.write) throw new UsageError('--patch-dir applies with --write (a dry run prints the patches in the diff)');
  const output = chooseOutput(FIX_OUTPUTS, values.output);
  if (positionals.includes('-') || values.filename?.includes('-')) throw new UsageError('fix edits files: stdin (-) has nowhere to write the fixes to; give the file');
  const plan: ScanPlan = await configuring(async () => {
    const { config, source } = await loadConfigFile(values.config);
    return planScan(
      {
        config,
        now: io.now(),
        ...(values['no-inline-exceptions'] ? { inlineExceptions: false } : {}),
        ...(values.check ? { only: values.check } : {}),
        ...(values.enable ? { enable: values.enable } : {}),
        ...(values.disable ? { disable: values.disable } : {}),
      },
      source,
    );
  });
  const unfixableChecks = plan.checks.filter((planned) => !planned.check.fix).map((planned) => planned.check.id);
  if (values.check && unfixableChecks.length > 0) {
    io.stderr(`palisade fix: no mechanical fix for ${unfixableChecks.join(', ')}: their findings are left as they are\n`);
  }

  const loaded = await loadInputs(values, positionals, io, { command: 'palisade fix', ...(values.namespace ? { defaultNamespace: values.namespace } : {}) });
  for (const error of loaded.errors) io.stderr(`palisade fix: ${error.file}${error.line !== undefined ? `:${error.line}${error.column !== undefined ? `:${error.column}` : ''}` : ''}: ${error.message}\n`);
  if (loaded.resources.length === 0 && loaded.errors.length === 0) throw new UsageError('no Kubernetes object to fix in the input');
  // The text each object was read from, read again to edit it (decoded the same way).
  const texts = new Map<string, string>();
  const refusedFiles = new Map<string, string>();
  for (const resource of loaded.resources) {
    const source = resource.origin.source;
    if (source.kind !== 'file' || texts.has(source.path) || refusedFiles.has(source.path)) continue;
    const chart = await helmChartOf(source.path);
    if (chart !== undefined) {
      refusedFiles.set(source.path, `a file of the Helm chart ${chart}: palisade fix never edits templates; set it in the chart (its values or the template) by hand`);
      continue;
    }
    const decoded = decodeInput(await readFile(source.path));
    if ('text' in decoded) texts.set(source.path, decoded.text);
  }
  const overlays = new Map<string, KustomizeOverlay>();
  for (const resource of loaded.resources) {
    const source = resource.origin.source;
    if (source.kind === 'rendered' && source.renderer === 'kustomize' && !overlays.has(source.directory)) overlays.set(source.directory, await readOverlay(source.directory));
  }
  const result = fixManifests(loaded, { plan, version: io.version, texts, refusedFiles, overlays, ...(values.namespace ? { load: { defaultNamespace: values.namespace } } : {}) });

  const relative = (file: string): string => {
    const from = path.relative(io.cwd, path.resolve(io.cwd, file));
    return from.startsWith('..') ? path.resolve(io.cwd, file) : from;
  };
  const patchDir = values['patch-dir'];
  const patchPath = (directory: string): string => (patchDir !== undefined ? path.join(patchDir, `${path.basename(path.resolve(io.cwd, directory))}-${PATCH_FILE}`) : path.join(directory, PATCH_FILE));
  if (values.write) {
    for (const file of result.files) await writeAtomically(path.resolve(io.cwd, file.path), file.after);
    if (patchDir !== undefined) await mkdir(path.resolve(io.cwd, patchDir), { recursive: true });
    for (const patch of result.patches) await writeAtomically(path.resolve(io.cwd, patchPath(patch.directory)), patch.text);
  }
  for (const outcome of result.outcomes) io.stderr(`${describeOutcome(outcome)}\n`);
  for (const patch of result.patches) {
    io.stderr(`palisade fix: ${values.write ? 'wrote' : 'proposes'} ${patchPath(patch.directory)}: list it under patches: in ${path.join(patch.directory, 'kustomization.yaml')}\n`);
  }
  const tally = counts(result.outcomes);
  io.stderr(
    `palisade fix: ${tally.fixed} fixed, ${tally.patch} in Kustomize patches, ${tally.todo} todo, ${tally.notFixed} not fixed, ${tally.refused} refused` +
      `${result.unfixable > 0 ? `; ${result.unfixable} finding(s) have no mechanical fix (palisade scan lists them)` : ''}` +
      `${result.files.length + result.patches.length > 0 ? (values.write ? `; wrote ${result.files.length} file(s), ${result.patches.length} patch(es)` : '; dry run: nothing written (--write writes)') : ''}\n`,
  );
  await writeRendered(io, output, { result, diff: fixDiff(result, relative, patchPath), written: values.write === true, cwd: io.cwd }, renderContext(io));
  const proposed = !values.write && (result.files.length > 0 || result.patches.length > 0);
  // A written patch still has to be listed in the kustomization: its findings remain until then.
  const remaining = tally.todo + tally.notFixed + tally.refused + tally.patch + (values.write ? 0 : tally.fixed) > 0;
  // Input that could not be read is an input error, whatever was fixed in the rest.
  if (loaded.errors.length > 0) return 2;
  return proposed || remaining ? 1 : 0;
}

function counts(outcomes: readonly FixOutcome[]): { fixed: number; patch: number; todo: number; notFixed: number; refused: number } {
  const count = (status: FixStatus) => outcomes.filter((outcome) => outcome.status === status).length;
  return { fixed: count('fixed'), patch: count('patch'), todo: count('todo'), notFixed: count('not-fixed'), refused: count('refused') };
}

const STATUS_LABEL: Record<FixStatus, string> = { fixed: 'fixed', patch: 'patch', todo: 'todo', 'not-fixed': 'not fixed', refused: 'refused' };

function describeOutcome({ finding, status, reason }: FixOutcome): string {
  const { kind, namespace, name } = finding.object;
  const where = `${sourceLabel(finding.source)}${finding.location.line !== undefined ? `:${finding.location.line}` : ''}`;
  const container = finding.container !== undefined ? ` container ${finding.container}` : '';
  return `${STATUS_LABEL[status].padEnd(9)} ${finding.checkId} ${kind} ${namespace ? `${namespace}/` : ''}${name}${container} (${where})${reason ? `: ${reason}` : ''}`;
}

function outcomeJson({ finding, status, reason, fix }: FixOutcome): object {
  return {
    checkId: finding.checkId,
    status,
    ...(reason ? { reason } : {}),
    fix,
    object: finding.object,
    ...(finding.container !== undefined ? { container: finding.container } : {}),
    location: { file: sourceLabel(finding.source), document: finding.location.document, path: finding.location.path, ...(finding.location.line !== undefined ? { line: finding.location.line } : {}) },
  };
}

/** The Helm chart a file lies in (a Chart.yaml in a directory above it), if any. */
async function helmChartOf(file: string): Promise<string | undefined> {
  let directory = path.dirname(path.resolve(file));
  for (;;) {
    if (await stat(path.join(directory, 'Chart.yaml')).then((info) => info.isFile(), () => false)) return directory;
    const parent = path.dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** The name transformers of a Kustomize directory's kustomization file (none when it cannot be read). */
async function readOverlay(directory: string): Promise<KustomizeOverlay> {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const text = await readFile(path.join(directory, name), 'utf8').catch(() => undefined);
    if (text !== undefined) return readKustomization(text);
  }
  return {};
}

/** Writes a file whole under a temporary name beside it, then renames it into place; the file keeps its mode. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const mode = (await stat(file).catch(() => undefined))?.mode ?? 0o644;
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  let handle;
  try {
    handle = await open(temporary, 'wx', mode & 0o777);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await chmod(temporary, mode & 0o777);
    await rename(temporary, file);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw new UsageError(`cannot write ${file}: ${(error as Error).message}`);
  }
}
