import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createAdmissionController, parseAdmissionPolicy } from '../../app/admission.js';
import { loadImageResults, planScan } from '../../app/scan.js';
import { ALL_CHECKS } from '../../core/checks/index.js';
import { describeProblem } from '../../core/engine/config.js';
import { kindsToRead } from '../../core/inventory/reads.js';
import { kindInfo } from '../../core/kinds/catalog.js';
import { locate } from '../../core/model/location.js';
import { startAdmissionServer } from '../../adapters/admission/server.js';
import { watchInventory } from '../../adapters/cluster/informers.js';
import { ClusterUnavailable } from '../../adapters/cluster/read.js';
import { defaultImageStorePath } from '../../adapters/store/paths.js';
import { defaultDatabasePath } from '../../adapters/vulndb/paths.js';
import type { ImageResults } from '../../core/images/results.js';
import { UsageError } from '../usage-error.js';
import type { CommandIO } from '../io.js';
import { configuring, loadConfigFile } from '../config.js';
import { IMAGE_GATE_FLAGS, IMAGE_GATE_HELP, imageGateSettings, startImageGate } from './admission-images.js';
import { signatureGate } from '../signatures.js';
import { reviewImages } from '../../app/signatures.js';
import { createSignatureCache, registerSignatureMetrics } from '../../adapters/registry/signature-cache.js';

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
      --image-store FILE           results of earlier image scans for the image gates (default
                                   $PALISADE_IMAGE_STORE or ~/.cache/palisade/images.db, when it
                                   exists): image-vulnerabilities-fixable, image-not-scanned,
                                   image-too-old and image-os-end-of-life judge each pod template's
                                   images from it, and deny in enforce mode
      --image-store-refresh-seconds N
                                   reload the store's results every N seconds (default 30; never
                                   during a review)
${IMAGE_GATE_HELP}
With a signatures: section in the configuration, image-signature-unverified verifies each
reviewed image's cosign/Sigstore signatures in its registry (with --docker-config's credentials
and --insecure-registry), verdicts cached for signatures.cacheSeconds (README, Image signatures).

Exit codes: 0 stopped by SIGTERM or SIGINT after finishing the reviews in flight, 2 usage error
or the cluster cannot be reached.

Examples:
  palisade admission serve --tls-cert-file /tls/tls.crt --tls-private-key-file /tls/tls.key
  palisade admission serve --tls-cert-file tls.crt --tls-private-key-file tls.key \\
    --image-store /data/images.db --resolve-tags --decision-store postgres://...
  (the chart in deploy/chart runs it in a cluster: see README, Installing the webhook)
`;

function positiveInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number <= 0) throw new UsageError(`${flag} must be a positive integer, not "${value}"`);
  return number;
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
      'image-store': { type: 'string' },
      'image-store-refresh-seconds': { type: 'string' },
      ...IMAGE_GATE_FLAGS,
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
  // Every flag is checked before the cluster is contacted: a typo is a usage error, not a
  // server that starts watching and then fails.
  const deadlineMs = positiveInteger(values['deadline-ms'], '--deadline-ms', 8000);
  const maxInFlight = positiveInteger(values['max-in-flight'], '--max-in-flight', 64);
  const maxBodyBytes = positiveInteger(values['max-body-bytes'], '--max-body-bytes', 8 * 1024 * 1024);
  const refreshSeconds = positiveInteger(values['image-store-refresh-seconds'], '--image-store-refresh-seconds', 30);
  for (const [flag, file] of [['--tls-cert-file', certFile], ['--tls-private-key-file', keyFile]] as const) {
    try {
      readFileSync(file);
    } catch (error) {
      throw new UsageError(`${flag} ${file}: ${(error as Error).message}`);
    }
  }

  const { config, source, plan } = await configuring(async () => {
    const file = await loadConfigFile(values.config);
    return { ...file, plan: planScan({ config: file.config, now: io.now(), ...(values['no-inline-exceptions'] ? { inlineExceptions: false } : {}) }, file.source) };
  });
  const { policy, problems } = parseAdmissionPolicy(config, new Set(ALL_CHECKS.map((check) => check.id)));
  if (problems.length > 0) {
    const lines = problems.map((problem) => {
      const position = locate(config, problem.path).position;
      return `${source ?? 'config'}${position ? `:${position.line}:${position.column}` : ''}: ${describeProblem(problem)}`;
    });
    throw new UsageError(`invalid admission configuration:\n  ${lines.join('\n  ')}`);
  }
  const controller = createAdmissionController(plan, policy);
  const signaturesConfigured = (config as Record<string, unknown> | undefined)?.signatures !== undefined;
  const gateSettings = await imageGateSettings(values, { signatures: signaturesConfigured });
  // The signature gate: verdicts cached per image for signatures.cacheSeconds, verified within each review's deadline.
  const signing = await signatureGate(config, source, process.cwd(), { insecureRegistries: gateSettings.insecureRegistries, userAgent: `palisade/${io.version}`, credentials: gateSettings.credentials });
  const signatureCache = signing ? createSignatureCache(signing.verifier, { ttlMs: signing.policy.cacheSeconds * 1000 }) : undefined;
  const loadImages = imageResultsLoader(values['image-store'], gateSettings.scanQueue?.imageStoreFile, gateSettings.scanQueue?.databaseFile);
  // Asynchronous stdout: a decision's log line never waits on the pipe (pino flushes it at exit).
  const logger = pino({ base: { component: 'palisade-admission' } }, pino.destination({ dest: 1, sync: false }));
  const registry = new Registry();
  if (signatureCache) registerSignatureMetrics(registry, signatureCache);
  const { gate, decisions } = await startImageGate(gateSettings, { registry, logger, userAgent: `palisade/${io.version}` });
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
  if (signatureCache) live.inventory.setSignatures(signatureCache.results);
  const server = await startAdmissionServer({
    controller,
    inventory: live.inventory,
    ready: live.isSynced,
    inventoryState: live.kinds,
    certFile,
    keyFile,
    port,
    ...(values['bind-address'] ? { host: values['bind-address'] } : {}),
    deadlineMs,
    maxInFlight,
    maxBodyBytes,
    logger,
    registry,
    ...(gate ? { prepareImages: gate.prepare } : {}),
    ...(decisions ? { decisionStore: decisions } : {}),
    ...(signatureCache ? { prepareSignatures: (body: unknown, budgetMs: number) => signatureCache.prepare(reviewImages(body, live.inventory), budgetMs) } : {}),
    ...(loadImages ? { images: { load: loadImages, apply: (results: ImageResults) => live.inventory.setImages(results), refreshMs: refreshSeconds * 1000 } } : {}),
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
  await gate?.close();
  await decisions?.close();
  return 0;
}

/**
 * The image gates read what \`palisade image\` stored, as \`palisade scan --image-store\` does: the
 * store given (a usage error when it does not exist), or the default one when it exists; no
 * store, no image gates. Each load opens the store (and the vulnerability database, whose date
 * tells stale scans) read-only, reads every summary through the ImageResultsStore port and
 * closes them, so a store replaced on disk is read afresh.
 */
function imageResultsLoader(file: string | undefined, scanStore?: string, databaseFile?: string): (() => Promise<ImageResults>) | undefined {
  const location = file ?? defaultImageStorePath();
  if (!existsSync(location)) {
    if (file !== undefined) throw new UsageError(`--image-store ${file}: no such image store`);
    return undefined;
  }
  return async () => {
    // Loaded only when there is a store: SQLite is not needed otherwise.
    const { ImageStore } = await import('../../adapters/store/image-store.js');
    const store = ImageStore.open(location, { readonly: true });
    // The scan queue's own store, when it writes elsewhere (--scan-store): read with it.
    const scans = scanStore !== undefined && scanStore !== location && existsSync(scanStore) ? ImageStore.open(scanStore, { readonly: true }) : undefined;
    const dbPath = databaseFile ?? defaultDatabasePath();
    let db: { close(): void } | undefined;
    try {
      const database = existsSync(dbPath) ? (await import('../../adapters/vulndb/database.js')).openVulnerabilityDatabase(dbPath, { readonly: true }) : undefined;
      db = database;
      return await loadImageResults({ summaries: async () => [...(await store.summaries()), ...((await scans?.summaries()) ?? [])] }, database);
    } finally {
      db?.close();
      scans?.close();
      store.close();
    }
  };
}

