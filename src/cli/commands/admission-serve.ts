import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createAdmissionController, parseAdmissionPolicy } from '../../app/admission.js';
import { EmptyScanError, parseScanConfig, planScan, ScanConfigError, type ScanConfig } from '../../app/scan.js';
import { ALL_CHECKS } from '../../core/checks/index.js';
import { describeProblem } from '../../core/engine/config.js';
import { kindsToRead } from '../../core/inventory/reads.js';
import { kindInfo } from '../../core/kinds/catalog.js';
import { locate } from '../../core/model/location.js';
import { startAdmissionServer } from '../../adapters/admission/server.js';
import { watchInventory } from '../../adapters/cluster/informers.js';
import { ClusterUnavailable } from '../../adapters/cluster/read.js';
import { UsageError } from '../usage-error.js';
import type { CommandIO } from '../io.js';

export const SERVE_HELP = `Usage: palisade admission serve [flags]

Runs the validating admission webhook: an HTTPS server answering admission.k8s.io/v1
AdmissionReviews on POST /validate with the checks of 'palisade scan', judged against a live
inventory kept by watching the cluster. Also /healthz, /readyz (ready once the watches have
listed every kind) and /metrics (Prometheus). Logs one JSON line per decision on stdout.
See docs/admission.md.

Flags:
      --tls-cert-file FILE         serving certificate (PEM; reloaded when the file changes)
      --tls-private-key-file FILE  its private key (PEM)
      --secure-port N              port to serve on (default 8443)
      --bind-address ADDR          address to listen on (default 0.0.0.0)
      --config FILE                configuration with an admission: section (default .palisade.yaml when present)
      --no-inline-exceptions       ignore ignore-check.palisade.dev/* annotations
      --kubeconfig FILE            kubeconfig (default KUBECONFIG, ~/.kube/config or in-cluster)
      --context NAME               kubeconfig context
      --deadline-ms N              answer every review within N ms (default 8000; keep it under
                                   the webhook's timeoutSeconds): late reviews are denied in
                                   enforced namespaces, admitted with a warning elsewhere
      --max-in-flight N            reviews judged at once (default 64)
      --max-body-bytes N           largest review accepted (default 8388608)

Exit codes: 0 stopped by SIGTERM or SIGINT after finishing the reviews in flight, 2 usage error
or the cluster cannot be reached.
`;

function positiveInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number <= 0) throw new UsageError(`${flag} must be a positive integer, not "${value}"`);
  return number;
}

async function loadConfig(file: string | undefined): Promise<ScanConfig> {
  const path = file ?? '.palisade.yaml';
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (file === undefined) return {};
    throw new UsageError(`cannot read config ${file}: ${(error as Error).message}`);
  }
  return parseScanConfig(text, path);
}

export async function serveCommand(rest: string[], io: CommandIO): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: {
      'tls-cert-file': { type: 'string' },
      'tls-private-key-file': { type: 'string' },
      'secure-port': { type: 'string' },
      'bind-address': { type: 'string' },
      config: { type: 'string' },
      'no-inline-exceptions': { type: 'boolean' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'deadline-ms': { type: 'string' },
      'max-in-flight': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(SERVE_HELP);
    return 0;
  }
  const certFile = values['tls-cert-file'];
  const keyFile = values['tls-private-key-file'];
  if (!certFile || !keyFile) throw new UsageError('--tls-cert-file and --tls-private-key-file are required (the API server calls webhooks over HTTPS only)');
  const port = positiveInteger(values['secure-port'], '--secure-port', 8443);
  if (port > 65535) throw new UsageError(`--secure-port must be at most 65535, not ${port}`);

  const { config, source } = await loadConfig(values.config).catch((error: unknown) => {
    if (error instanceof ScanConfigError) throw new UsageError(error.message);
    throw error;
  });
  let plan;
  try {
    plan = planScan({ config, now: io.now(), ...(values['no-inline-exceptions'] ? { inlineExceptions: false } : {}) }, source);
  } catch (error) {
    if (error instanceof ScanConfigError || error instanceof EmptyScanError) throw new UsageError(error.message);
    throw error;
  }
  const { policy, problems } = parseAdmissionPolicy(config, new Set(ALL_CHECKS.map((check) => check.id)));
  if (problems.length > 0) {
    const lines = problems.map((problem) => {
      const position = locate(config, problem.path).position;
      return `${source ?? 'config'}${position ? `:${position.line}:${position.column}` : ''}: ${describeProblem(problem)}`;
    });
    throw new UsageError(`invalid admission configuration:\n  ${lines.join('\n  ')}`);
  }
  const controller = createAdmissionController(plan, policy);
  const logger = pino({ base: { component: 'palisade-admission' } });
  // The kinds every planned check needs, plus Namespaces (their mode label) and Pods (CONNECT).
  const kinds = kindsToRead(plan.checks.map((planned) => planned.check));
  for (const name of ['Namespace', 'Pod']) if (!kinds.some((info) => info.kind === name)) kinds.push(kindInfo(name)!);
  let live;
  try {
    live = await watchInventory({
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.context ? { context: values.context } : {}),
      kinds,
      onError: (kind, message) => logger.warn({ event: 'watch-error', kind, error: message }, 'watch failed; retrying'),
    });
  } catch (error) {
    if (error instanceof ClusterUnavailable) throw new UsageError(error.message);
    throw error;
  }
  const server = await startAdmissionServer({
    controller,
    inventory: live.inventory,
    ready: live.isSynced,
    inventoryState: live.kinds,
    certFile,
    keyFile,
    port,
    ...(values['bind-address'] ? { host: values['bind-address'] } : {}),
    deadlineMs: positiveInteger(values['deadline-ms'], '--deadline-ms', 8000),
    maxInFlight: positiveInteger(values['max-in-flight'], '--max-in-flight', 64),
    maxBodyBytes: positiveInteger(values['max-body-bytes'], '--max-body-bytes', 8 * 1024 * 1024),
    logger,
  });
  live.synced.then(
    () => logger.info({ event: 'synced', kinds: kinds.length, objects: live.inventory.resources.length }, 'inventory synced: ready'),
    () => undefined,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  logger.info({ event: 'stopping' }, 'finishing the reviews in flight');
  await server.close();
  live.stop();
  return 0;
}
