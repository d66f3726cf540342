import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ScanPlan } from '../../core/engine/config.js';
import { isSeverity, SEVERITIES } from '../../core/model/severity.js';
import { STANDARD_IDS, type StandardId } from '../../core/model/standards.js';
import type { LoadResult } from '../../adapters/manifests/documents.js';
import { EmptyScanError, type ScanResult, loadImageResults, planScan, scanResources } from '../../app/scan.js';
import { exitCodeOf } from '../../app/verdict.js';
import { applyBaseline, baselineOf, BaselineError, parseBaseline, showFrom, type Baseline } from '../../app/baseline.js';
import type { ReportFinding } from '../../core/engine/report.js';
import { findingFingerprint } from '../formatters/sarif.js';
import { SCAN_OUTPUTS } from '../formatters/index.js';
import { DEFAULT_MAX_MARKDOWN_BYTES, MIN_MARKDOWN_BYTES } from '../formatters/markdown.js';
import { chooseOutputs, defineOutputs, describeOutputs, formatList, renderContext, writeAllRendered, type ChosenOutput } from '../output/registry.js';
import { INPUT_HELP, INPUT_OPTIONS, loadInputs } from '../inputs.js';
import { defaultImageStorePath } from '../../adapters/store/paths.js';
import { defaultDatabasePath } from '../../adapters/vulndb/paths.js';
import type { SqliteVulnerabilityDatabase } from '../../adapters/vulndb/database.js';
import type { ImageResults } from '../../core/images/results.js';
import { UsageError } from '../usage-error.js';
import type { CommandIO } from '../io.js';
import { configuring, loadConfigFile } from '../config.js';
import { imagesOf, verifyImageSignatures } from '../../app/signatures.js';
import { signatureGate } from '../signatures.js';
import type { AlertSettings } from '../../core/alerts/config.js';
import type { Alert } from '../../core/alerts/model.js';
import { alertsOf, ownerDirectory, proseOf, recordRun } from '../../app/alerts.js';

export const SCAN_HELP = `Usage: palisade scan [PATH...] [flags]

Scans Kubernetes manifests (files, directories, '-' for stdin, Kustomize
directories and Helm charts) for security misconfigurations.

Flags:
${INPUT_HELP}
  -o, --output FORMAT[=FILE] ${formatList(SCAN_OUTPUTS)} (default ${SCAN_OUTPUTS.default}); repeatable:
                             -o table -o sarif=palisade.sarif writes the table to stdout and SARIF
                             to a file (written whole, then renamed into place)
      --max-markdown-bytes N with -o markdown: cut the report to N bytes, summary first, most
                             severe findings kept, saying what was left out (default
                             ${DEFAULT_MAX_MARKDOWN_BYTES}: a pull-request comment holds 65,536 characters; 0: no cap)
      --fail-on SEVERITY     exit 1 only for findings at or above (${SEVERITIES.join(', ')}; default info)
      --severity SEVERITY    show only findings at or above (the exit code still follows --fail-on)
      --summary              -o table: one line per check (severity, count, title) instead of every finding
      --baseline FILE        report only findings not in FILE, saying how many known ones remain
                             and how many were fixed; --fail-on judges only the new ones
      --write-baseline FILE  record today's findings in FILE (by finding key, not line) and exit 0
      --config FILE          configuration (default: .palisade.yaml when present); with a
                             signatures: section every image is verified in its registry
                             (image-signature-unverified; README, Image signatures)
      --standard NAME        run exactly one standard: ${STANDARD_IDS.join(', ')}
      --check ID             run only this check (repeatable)
      --enable ID            also run a check that is off by default (repeatable; '*' for all)
      --disable ID           skip a check (repeatable)
      --no-inline-exceptions ignore ignore-check.palisade.dev/* annotations
      --allow-empty          accept a scan of no check or no object (else a usage error, exit 2)
  -n, --namespace NS         namespace for objects that name none (as kubectl apply -n)
      --no-color             plain output (also when NO_COLOR is set or not a terminal)
      --image-store FILE     results of earlier image scans for the image checks (default
                             $PALISADE_IMAGE_STORE or ~/.cache/palisade/images.db, when it exists)
      --alert                send the findings as alerts to their owners (the alerts: section of
                             the configuration): new ones, resolved ones, and ones due again;
                             what a sink does not accept waits in the outbox (palisade alert deliver)
      --alert-store FILE|URL outbox and dedup state: a SQLite file or a postgres:// URL (default
                             $PALISADE_ALERT_STORE or ~/.cache/palisade/alerts.db)
      --alert-scope NAME     what this scan covers: a later scan of the same scope resolves what it
                             no longer reports (default: cluster:CONTEXT, or the paths scanned)
      --alert-timeout DUR    wait at most this long for deliveries and their retries (default 30s)

Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or input error.

Examples:
  palisade scan k8s/                              every manifest under k8s/, as a table
  palisade scan chart/ -o line --severity high    one line per finding, high and critical only
  helm template app chart/ | palisade scan -      read a rendered stream from stdin
  palisade scan --cluster --context prod -A --summary
                                                  a live cluster, one line per check
  palisade scan k8s/ -o table -o sarif=palisade.sarif -o junit=report.xml
                                                  the table, plus files for code scanning and CI
  palisade scan k8s/ --write-baseline palisade-baseline.json
  palisade scan k8s/ --baseline palisade-baseline.json --fail-on high
                                                  in CI: fail only on new high findings
  palisade scan --cluster -A --alert              tell each finding's owner (new and resolved only)
`;

export async function scanCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...INPUT_OPTIONS,
      output: { type: 'string', short: 'o', multiple: true },
      'max-markdown-bytes': { type: 'string' },
      'fail-on': { type: 'string', default: 'info' },
      severity: { type: 'string' },
      summary: { type: 'boolean' },
      baseline: { type: 'string' },
      'write-baseline': { type: 'string' },
      config: { type: 'string' },
      standard: { type: 'string', multiple: true },
      check: { type: 'string', multiple: true },
      enable: { type: 'string', multiple: true },
      disable: { type: 'string', multiple: true },
      'no-inline-exceptions': { type: 'boolean' },
      'allow-empty': { type: 'boolean' },
      namespace: { type: 'string', short: 'n' },
      'no-color': { type: 'boolean' },
      'image-store': { type: 'string' },
      alert: { type: 'boolean' },
      'alert-store': { type: 'string' },
      'alert-scope': { type: 'string' },
      'alert-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(SCAN_HELP);
    return 0;
  }
  const outputs = chooseOutputs(SCAN_OUTPUTS, values.output, io.cwd);
  const maxMarkdownBytes = markdownCap(values['max-markdown-bytes'], outputs);
  const failOn = values['fail-on'] ?? 'info';
  if (!isSeverity(failOn)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
  const minimum = values.severity;
  if (minimum !== undefined && !isSeverity(minimum)) throw new UsageError(`--severity must be one of ${SEVERITIES.join(', ')}, not "${minimum}"`);
  if (values.summary && !outputs.some((item) => item.name === 'table')) throw new UsageError(`--summary applies to -o table (the output is ${describeOutputs(outputs)})`);
  if (values.baseline !== undefined && values['write-baseline'] !== undefined) throw new UsageError('--baseline and --write-baseline: give one (write a baseline, or compare with one)');
  // Read before the scan: a missing or broken baseline is a usage error, not a late failure.
  const baseline = values.baseline === undefined ? undefined : await readBaseline(values.baseline);
  const writeBaselineTo = values['write-baseline'] === undefined ? undefined : chooseOutputs(BASELINE_OUTPUT, `json=${values['write-baseline']}`, io.cwd)[0]!;
  if ((values.standard?.length ?? 0) > 1) throw new UsageError(`--standard given more than once (${values.standard!.join(', ')}): a scan runs one standard`);
  const standard = values.standard?.[0];
  const allowEmpty = values['allow-empty'] === true;
  if (standard !== undefined && !(STANDARD_IDS as readonly string[]).includes(standard)) throw new UsageError(`unknown standard "${standard}" (one of ${STANDARD_IDS.join(', ')})`);
  if (!values.alert) for (const flag of ['alert-store', 'alert-scope', 'alert-timeout'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} applies with --alert`);
  let alerting: Alerting | undefined;
  const { plan, configFile } = await configuring(async () => {
    const configFile = await loadConfigFile(values.config);
    const { config, source } = configFile;
    // Alert settings are read before the scan: a broken alerts: section is a usage error, not a late failure.
    if (values.alert) alerting = await startAlerting(config, source ?? values.config, values);
    const plan: ScanPlan = planScan(
      {
        config,
        now: io.now(),
        ...(standard ? { standard: standard as StandardId } : {}),
        ...(values['no-inline-exceptions'] ? { inlineExceptions: false } : {}),
        ...(values.check ? { only: values.check } : {}),
        ...(values.enable ? { enable: values.enable } : {}),
        ...(values.disable ? { disable: values.disable } : {}),
      },
      source,
      { allowEmpty },
    );
    return { plan, configFile };
  });

  const loaded: LoadResult = await loadInputs(values, positionals, io, {
    command: 'palisade scan',
    ...(values.namespace ? { defaultNamespace: values.namespace, clusterNamespace: values.namespace } : {}),
  });
  const images = await readImageResults(values['image-store'], io);
  // With a signatures: section, every image the objects run is verified in its registry first.
  // (Not when the signature check is not planned: no registry call for nothing.)
  // Registry credentials: the Docker config ($DOCKER_CONFIG/config.json or ~/.docker/config.json) when present.
  const credentials = configFile.config !== undefined && (configFile.config as Record<string, unknown>).signatures !== undefined ? await (await import('./image.js')).loadCredentials({}, [], io) : [];
  const gate = await signatureGate(configFile.config, configFile.source, io.cwd, { userAgent: `palisade/${io.version}`, credentials });
  const signatures = gate && plan.checks.some((planned) => planned.check.id === 'image-signature-unverified') ? (await verifyImageSignatures(imagesOf(loaded.resources.map((resource) => resource.object)), gate.verifier)).results : undefined;
  let alerts: Alert[] = [];
  let coverage: { checks: ReadonlySet<string>; complete: boolean } | undefined;
  const scanned = reportAndVerdict(() => {
    const result = scanResources(loaded, { plan, version: io.version, failOn, allowEmpty, ...(images ? { images } : {}), ...(signatures ? { signatures } : {}) });
    // Alerts are made while the engine's findings (with their typed sources, for the keys) and the objects (owners) are at hand.
    if (alerting) {
      alerts = alertsOf(result.evaluation.findings, ownerDirectory(loaded.resources), proseOf(result.plan.checks), alerting.settings, io.now());
      const notEvaluated = new Set((result.report.notEvaluated ?? []).map((item) => item.checkId));
      coverage = { checks: new Set(result.plan.checks.map((planned) => planned.check.id).filter((id) => !notEvaluated.has(id))), complete: loaded.errors.length === 0 };
    }
    return result;
  });
  let { report, verdict } = scanned;
  const identity = (finding: ReportFinding): string => findingFingerprint(finding, io.cwd);
  if (writeBaselineTo) {
    const written = baselineOf(report, identity);
    await writeAllRendered(io, [writeBaselineTo], written);
    io.stderr(`palisade scan: wrote ${written.findings.length} finding(s) to the baseline ${values['write-baseline']}\n`);
    // The baseline is the product of this run: findings are accepted, input errors are not.
    verdict = { ...verdict, status: verdict.status === 'error' ? 'error' : 'pass', failing: 0 };
  }
  if (baseline) ({ report, verdict } = applyBaseline(report, baseline, values.baseline!, identity, failOn));
  if (minimum !== undefined) report = showFrom(report, minimum);
  await writeAllRendered(io, outputs, report, { ...renderContext(io, { color: io.color && !values['no-color'] }), ...(maxMarkdownBytes !== undefined ? { maxMarkdownBytes } : {}), ...(values.summary ? { summaryOnly: true } : {}) });
  if (alerting) {
    const scope = values['alert-scope'] ?? (values.cluster ? `cluster:${values.context ?? 'current'}` : `paths:${[...positionals].sort().join(',')}`);
    await alerting.send(scope, alerts, coverage ?? { checks: new Set(), complete: false }, io);
  }
  return exitCodeOf(verdict);
}

interface Alerting {
  settings: AlertSettings;
  send(scope: string, alerts: readonly Alert[], coverage: { checks: ReadonlySet<string>; complete: boolean }, io: CommandIO): Promise<void>;
}

/** Reads the alert settings (a usage error when broken) and returns what sends a scan's alerts once the report is written. */
async function startAlerting(config: unknown, source: string | undefined, values: { 'alert-store'?: string; 'alert-timeout'?: string }): Promise<Alerting> {
  const { alertSettingsOf, deliverPending, describeDelivered, describeRecorded, openAlertStore, timeoutOf } = await import('../alerts.js');
  const settings = alertSettingsOf(config, source);
  const timeoutMs = timeoutOf(values['alert-timeout'], '--alert-timeout');
  return {
    settings,
    async send(scope, alerts, coverage, io) {
      const store = await openAlertStore(values['alert-store'], settings);
      try {
        if (!coverage.complete) io.stderr(`palisade scan: alerts (${scope}): the input had errors, so no alert is resolved this run\n`);
        const recorded = await recordRun(store, settings, scope, alerts, io.now(), coverage);
        const delivered = await deliverPending(store, settings, io, timeoutMs);
        io.stderr(`palisade scan: alerts (${scope}): ${describeRecorded(recorded)}; ${describeDelivered(delivered)}\n`);
      } finally {
        await store.close();
      }
    },
  };
}

const BASELINE_OUTPUT = defineOutputs<Baseline>({ default: 'json', formats: { json: (baseline) => `${JSON.stringify(baseline, null, 2)}\n` } });

export async function readBaseline(file: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--baseline ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (write one with --write-baseline)' : (error as Error).message}`);
  }
  try {
    return parseBaseline(text, file);
  } catch (error) {
    if (error instanceof BaselineError) throw new UsageError(`--baseline ${error.message}`);
    throw error;
  }
}

/**
 * Only the report and the verdict outlive the scan: the engine's findings are garbage before the
 * report is written (on a large scan, hundreds of MB the writing would otherwise carry).
 */
function reportAndVerdict(scan: () => ScanResult): Pick<ScanResult, 'report' | 'verdict'> {
  try {
    const { report, verdict } = scan();
    return { report, verdict };
  } catch (error) {
    if (error instanceof EmptyScanError) throw new UsageError(error.message);
    throw error;
  }
}

/** `--max-markdown-bytes`: 0 (no cap) or at least MIN_MARKDOWN_BYTES, and only with `-o markdown`. */
function markdownCap(value: string | undefined, outputs: readonly Pick<ChosenOutput<never>, "name" | "file">[]): number | undefined {
  if (value === undefined) return undefined;
  if (!outputs.some((output) => output.name === 'markdown')) throw new UsageError(`--max-markdown-bytes applies to -o markdown only (the output is ${describeOutputs(outputs)})`);
  const bytes = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || (bytes !== 0 && bytes < MIN_MARKDOWN_BYTES)) throw new UsageError(`--max-markdown-bytes must be 0 (no cap) or at least ${MIN_MARKDOWN_BYTES}, not "${value}"`);
  return bytes;
}

/**
 * The image checks run on what `palisade image` stored: the store given, or the default one
 * when it exists. No store, no image checks (never a finding for every image).
 */
async function readImageResults(file: string | undefined, io: CommandIO): Promise<ImageResults | undefined> {
  const location = file ?? defaultImageStorePath();
  if (!existsSync(location)) {
    if (file !== undefined) throw new UsageError(`--image-store ${file}: no such image store`);
    return undefined;
  }
  // Loaded only when there is a store: SQLite is not needed to scan manifests.
  const { ImageStore } = await import('../../adapters/store/image-store.js');
  const store = ImageStore.open(location, { readonly: true });
  const dbPath = defaultDatabasePath();
  let db: SqliteVulnerabilityDatabase | undefined;
  try {
    if (existsSync(dbPath)) db = (await import('../../adapters/vulndb/database.js')).openVulnerabilityDatabase(dbPath, { readonly: true });
    // The image checks judge stored scans: say when the data they were judged against is missing or stale.
    const { vulnerabilityDataNotice } = await import('../../app/image.js');
    const { maxDataAgeDays } = await import('../data-age.js');
    const notice = vulnerabilityDataNotice(db ? await db.freshness() : undefined, io.now(), maxDataAgeDays(undefined), 'palisade db update');
    if (notice) io.stderr(`palisade scan: image checks: ${notice}\n`);
    return await loadImageResults(store, db);
  } finally {
    db?.close();
    store.close();
  }
}
