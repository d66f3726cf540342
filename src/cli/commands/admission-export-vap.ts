import { parseArgs } from 'node:util';
import { parseLabelSelector, VAP_ACTIONS, type VapAction } from '../../core/admission/vap/policies.js';
import { STANDARD_IDS, type StandardId } from '../../core/model/standards.js';
import { exportVap } from '../../app/vap.js';
import { VAP_OUTPUTS } from '../formatters/vap.js';
import { chooseOutputs, formatList, renderContext, writeAllRendered } from '../output/registry.js';
import type { CommandIO } from '../io.js';
import { UsageError } from '../usage-error.js';
import { configuring, loadConfigFile } from '../config.js';

export const EXPORT_VAP_HELP = `Usage: palisade admission export-vap [flags]

Writes a ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, CEL) and its binding
for each selected check that reads only the admitted object and has a CEL translation, so
the API server enforces it in-process (Kubernetes 1.30+), with no webhook. Checks that read
other objects, need image scans or cannot be written in CEL are listed on stderr with the
reason (docs/admission-vap.md has the full list). Apply with: kubectl apply -f -

Flags:
      --config FILE             configuration: check selection and options (default:
                                .palisade.yaml when present); exceptions are not exported
      --standard NAME           the checks of one standard: ${STANDARD_IDS.join(', ')}
      --check ID                only this check (repeatable)
      --enable ID               also a check that is off by default (repeatable; '*' for all)
      --disable ID              skip a check (repeatable)
      --action ACTION           the bindings' validationActions: ${VAP_ACTIONS.join(', ')}, or Warn,Audit
                                (default Deny)
      --namespace-selector SEL  the namespaces the bindings apply to, as kubectl writes
                                selectors (env=prod,tier in (web,api)); default: every
                                namespace but kube-system
  -o, --output FORMAT[=FILE]    ${formatList(VAP_OUTPUTS)} (default ${VAP_OUTPUTS.default}: a YAML stream)

Exit codes: 0 written, 2 usage error or nothing to export.

Examples:
  palisade admission export-vap | kubectl apply -f -
  palisade admission export-vap --action Warn,Audit --namespace-selector 'env=prod' -o yaml=vap.yaml
`;

function parseActions(text: string): VapAction[] {
  const actions = text.split(',').map((item) => item.trim());
  for (const action of actions) if (!(VAP_ACTIONS as readonly string[]).includes(action)) throw new UsageError(`--action: unknown action "${action}" (${VAP_ACTIONS.join(', ')})`);
  if (actions.includes('Deny') && actions.includes('Warn')) throw new UsageError('--action: Deny and Warn cannot be combined (the API server refuses it)');
  return [...new Set(actions)] as VapAction[];
}

export async function exportVapCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      standard: { type: 'string' },
      check: { type: 'string', multiple: true },
      enable: { type: 'string', multiple: true },
      disable: { type: 'string', multiple: true },
      action: { type: 'string', default: 'Deny' },
      'namespace-selector': { type: 'string' },
      output: { type: 'string', short: 'o', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(EXPORT_VAP_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (export-vap reads no manifests)`);
  const output = chooseOutputs(VAP_OUTPUTS, values.output as string[] | undefined, io.cwd);
  const actions = parseActions(values.action ?? 'Deny');
  const standard = values.standard;
  if (standard !== undefined && !(STANDARD_IDS as readonly string[]).includes(standard)) throw new UsageError(`unknown standard "${standard}" (one of ${STANDARD_IDS.join(', ')})`);
  let namespaceSelector: Exclude<ReturnType<typeof parseLabelSelector>, string> | undefined;
  if (values['namespace-selector'] !== undefined) {
    const parsed = parseLabelSelector(values['namespace-selector']);
    if (typeof parsed === 'string') throw new UsageError(`--namespace-selector: ${parsed}`);
    namespaceSelector = parsed;
  }
  const result = await configuring(async () => {
    const { config, source } = await loadConfigFile(values.config);
    return exportVap({
      planRequest: {
        config,
        now: io.now(),
        ...(standard ? { standard: standard as StandardId } : {}),
        ...(values.check ? { only: values.check } : {}),
        ...(values.enable ? { enable: values.enable } : {}),
        ...(values.disable ? { disable: values.disable } : {}),
      },
      ...(source ? { source } : {}),
      actions,
      ...(namespaceSelector ? { namespaceSelector } : {}),
    });
  });
  // Checks asked for by name that are not exported are worth a line each; a whole standard's are summed up.
  const named = new Set(values.check ?? []);
  for (const { id, reason } of result.skipped) if (named.has(id)) io.stderr(`palisade admission export-vap: ${id} is not exported: ${reason}\n`);
  const unnamed = result.skipped.filter(({ id }) => !named.has(id)).length;
  if (unnamed > 0) io.stderr(`palisade admission export-vap: ${result.exported.length} check(s) exported, ${unnamed} selected check(s) not exported (see docs/admission-vap.md)\n`);
  if (result.exported.length === 0) {
    io.stderr('palisade admission export-vap: none of the selected checks can be exported\n');
    return 2;
  }
  await writeAllRendered(io, output, result, renderContext(io));
  return 0;
}
